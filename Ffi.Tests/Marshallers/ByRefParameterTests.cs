using Ffi.Tests.Oracle;
using System.Runtime.InteropServices;
using Ffi.Spec;
using Ffi.Tests.Native;

namespace Ffi.Tests.Marshallers;

/// <summary>
/// <c>ref</c>/<c>out</c>/<c>in</c> parameters of typed delegates for C pointers to scalars and structs (what
/// <c>[LibraryImport]</c> users write), in downcalls and typed callbacks, against C compiled by gcc.
/// </summary>
[TestFixture]
public sealed class ByRefParameterTests
{
    private const string Header = """
        struct pt { int x; double y; };
        typedef int (*int_ref_fn)(int *);
        typedef void (*pt_ref_fn)(struct pt *);
        int divmod(int a, int b, int *rem);
        void pt_scale(struct pt *p, int k);
        double pt_sum(const struct pt *p);
        void fill_long(long *out);
        _Bool flip(_Bool *b);
        long many_outs(long a, long b, long c, long d, long e, long f, long g, long *sum, long *product);
        int call_int_ref(int_ref_fn cb, int v);
        double call_pt_ref(pt_ref_fn cb, int x, double y);
        """;

    private const string Bodies = """
        int divmod(int a, int b, int *rem) { *rem = a % b; return a / b; }
        void pt_scale(struct pt *p, int k) { p->x *= k; p->y *= k; }
        double pt_sum(const struct pt *p) { return p->x + p->y; }
        void fill_long(long *out) { *out = 0x1122334455667788L; }
        _Bool flip(_Bool *b) { *b = !*b; return *b; }
        /* Seven longs fill the six integer registers and one stack slot: both pointers travel on the stack. */
        long many_outs(long a, long b, long c, long d, long e, long f, long g, long *sum, long *product)
        { *sum = a + b + c + d + e + f + g; *product = a * g; return 7; }
        int call_int_ref(int_ref_fn cb, int v) { int x = v; int r = cb(&x); return r * 1000 + x; }
        double call_pt_ref(pt_ref_fn cb, int x, double y) { struct pt p = { x, y }; cb(&p); return p.x * 100 + p.y; }
        """;

    [StructLayout(LayoutKind.Sequential)] public struct Pt { public int X; public double Y; }

    private sealed class Holder { public long Before; public Pt P; public long After; }

    public delegate int DivMod(int a, int b, out int rem);
    public delegate void PtScale(ref Pt p, int k);
    public delegate double PtSum(in Pt p);
    public delegate void FillLong(out long v);
    public delegate bool Flip(ref bool b);
    public delegate long ManyOuts(long a, long b, long c, long d, long e, long f, long g, out long sum, out long product);
    public delegate int IntRefCallback(ref int x);
    public delegate void PtRefCallback(ref Pt p);
    public delegate void WrongWidth(ref int v);
    public delegate void WrongStruct(ref Pt p);
    public delegate int PrintfRef(string format, ref int x);

    private NativeModule _m = null!;

    [OneTimeSetUp]
    public void Open()
    {
        var lib = Gcc.Compile(Header + Bodies, "byref", "-shared -fPIC");
        _m = NativeModule.Open(FfiSpec.ParseC(Header, lib));
    }

    [OneTimeTearDown]
    public void Close() => _m.Dispose();

    [Test]
    public void OutIntReceivesWhatCWrote()
    {
        var divmod = _m.GetFunction<DivMod>("divmod");
        Assert.That(divmod(17, 5, out int rem), Is.EqualTo(3));
        Assert.That(rem, Is.EqualTo(2));
        Assert.That(divmod(-17, 5, out rem), Is.EqualTo(-3));
        Assert.That(rem, Is.EqualTo(-2));
    }

    [Test]
    public void RefStructIsReadAndWrittenInPlace()
    {
        var scale = _m.GetFunction<PtScale>("pt_scale");
        var p = new Pt { X = 3, Y = 0.25 };
        scale(ref p, 4);
        Assert.That((p.X, p.Y), Is.EqualTo((12, 1.0)));

        // A field of a heap object: pinned for the call, its neighbours untouched.
        var h = new Holder { Before = -1, P = new Pt { X = -2, Y = 1.5 }, After = -3 };
        for (int i = 0; i < 1000; i++)
        {
            if (i % 100 == 0) GC.Collect();
            scale(ref h.P, i % 2 == 0 ? -1 : 1);
        }
        Assert.That((h.Before, h.P.X, h.P.Y, h.After), Is.EqualTo((-1L, -2, 1.5, -3L)));

        var array = new Pt[3];
        array[1] = new Pt { X = 5, Y = 2 };
        scale(ref array[1], 3);
        Assert.That((array[0].X, array[1].X, array[1].Y, array[2].X), Is.EqualTo((0, 15, 6.0, 0)));
    }

    [Test]
    public void InStructAndScalarsByReference()
    {
        var p = new Pt { X = 40, Y = 2.5 };
        Assert.That(_m.GetFunction<PtSum>("pt_sum")(in p), Is.EqualTo(42.5));
        _m.GetFunction<FillLong>("fill_long")(out long v);
        Assert.That(v, Is.EqualTo(0x1122334455667788L));
        var flip = _m.GetFunction<Flip>("flip");
        bool b = false;
        Assert.That(flip(ref b), Is.True);
        Assert.That(b, Is.True);
        Assert.That(flip(ref b), Is.False);
        Assert.That(b, Is.False);
    }

    [Test]
    public void OutParametersPassedOnTheStack()
    {
        var many = _m.GetFunction<ManyOuts>("many_outs");
        Assert.That(many(1, 2, 3, 4, 5, 6, 7, out long sum, out long product), Is.EqualTo(7));
        Assert.That((sum, product), Is.EqualTo((28L, 7L)));
    }

    [Test]
    public void TypedCallbacksTakeTheirPointersByReference()
    {
        var call = _m.GetFunction<Func<IntRefCallback, int, int>>("call_int_ref");
        Assert.That(call((ref int x) => { x *= 3; return 7; }, 5), Is.EqualTo(7015));

        var callPt = _m.GetFunction<Func<PtRefCallback, int, double, double>>("call_pt_ref");
        Assert.That(callPt((ref Pt p) => { p.X += 1; p.Y *= 2; }, 2, 0.25), Is.EqualTo(300.5));

        // Registered: C keeps the pointer; the delegate is checked against the funcptr type now.
        using var handle = _m.Callbacks.Register("int_ref_fn", (IntRefCallback)((ref int x) => { x = -x; return 1; }));
        Assert.That(_m.GetFunction<Func<nint, int, int>>("call_int_ref")(handle.Address, 9), Is.EqualTo(1000 - 9));
    }

    [Test]
    public void AReferenceOfAnotherWidthOrTypeIsRefusedAtBind()
    {
        var ex = Assert.Throws<FfiBindException>(() => _m.GetFunction<WrongWidth>("fill_long"))!;
        Assert.That(ex.Message, Does.Contain("param[0]: Int32& does not map to long*"));
        ex = Assert.Throws<FfiBindException>(() => _m.GetFunction<Action<Pt>>("pt_scale"))!;
        Assert.That(ex.Message, Does.Contain("the delegate has 1 parameter(s)"));
        ex = Assert.Throws<FfiBindException>(() => _m.GetFunction<WrongStruct>("fill_long"))!;
        Assert.That(ex.Message, Does.Contain("param[0]: Pt& does not map to long*"));
        Assert.That(ex.Message, Does.Contain("ref/out of the pointee"));
        using (var libc = NativeModule.Open(FfiSpec.ParseC("int printf(const char *format, ...);", "libc.so.6")))
        {
            ex = Assert.Throws<FfiBindException>(() => libc.GetFunction<PrintfRef>("printf"))!;
            Assert.That(ex.Message, Does.Contain("param[1]: Int32& cannot be a variadic extra"), "C passes extras by value");
        }
        var cb = Assert.Throws<FfiArgumentException>(() => _m.Callbacks.Register("pt_ref_fn", (WrongWidth)((ref int v) => { })))!;
        Assert.That(cb.Message, Does.Contain("by reference"));
    }
}
