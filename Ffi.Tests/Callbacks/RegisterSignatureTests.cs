using Ffi.Memory;
using Ffi.Spec;

namespace Ffi.Tests.Callbacks;

/// <summary>
/// <c>Callbacks.Register</c> checks a delegate against the function pointer type when it is registered, as
/// <c>GetFunction</c> does for delegate parameters: a delegate C could not call (a parameter no value of the C type
/// converts to, a missing result) is refused then, naming the parameter, instead of failing each time C calls it.
/// </summary>
[TestFixture]
public sealed class RegisterSignatureTests
{
    private const string Header = """
        struct pt { int x; double y; };
        typedef int (*cmp_fn)(const void *, const void *);
        typedef double (*pt_fn)(struct pt);
        typedef void (*done_fn)(int);
        void qsort(void *base, unsigned long n, unsigned long size, cmp_fn cmp);
        """;

    public delegate int ByRefFirst(ref long a, nint b);

    private NativeModule _m = null!;

    [OneTimeSetUp]
    public void Open() => _m = NativeModule.Open(FfiSpec.ParseC(Header, "libc.so.6"));

    [OneTimeTearDown]
    public void Close() => _m.Dispose();

    private void Refused(string type, Delegate callback, params string[] expected)
    {
        var ex = Assert.Throws<FfiArgumentException>(() => _m.Callbacks.Register(type, callback), $"{callback.GetType().Name} for {type}")!;
        Assert.That(ex.Message, Does.StartWith($"Callbacks.Register({type})"));
        foreach (var e in expected) Assert.That(ex.Message, Does.Contain(e));
    }

    [Test]
    public void AnotherParameterCountIsRefused() =>
        Refused("cmp_fn", (Func<nint, int>)(a => 0), "takes 1 parameter(s); cmp_fn passes 2");

    [Test]
    public void AByReferenceParameterForAVoidPointerIsRefused() =>
        Refused("cmp_fn", (ByRefFirst)((ref long a, nint b) => 0), "by reference");

    [Test]
    public void AParameterNoCValueConvertsToIsRefusedByName()
    {
        Refused("cmp_fn", (Func<double, nint, int>)((a, b) => 0), "param[0] (arg1): Double cannot take void* (use nint, NativePointer, string or object)");
        Refused("pt_fn", (Func<long, double>)(p => 0), "param[0] (arg): Int64 cannot take struct pt (use an unmanaged struct of 16 bytes, StructValue or object)");
        Refused("done_fn", (Action<NativePointer>)(p => { }), "param[0] (obj): NativePointer cannot take int (use a number type, or object)");
        Refused("done_fn", (Action<nint>)(p => { }), "param[0] (obj): IntPtr cannot take int");
    }

    [Test]
    public void AResultCCannotTakeIsRefused()
    {
        Refused("cmp_fn", (Action<nint, nint>)((a, b) => { }), "return: cmp_fn returns int; a void delegate would leave the result undefined");
        Refused("cmp_fn", (Func<nint, nint, string>)((a, b) => ""), "a callback cannot return a string");
        Refused("done_fn", (Func<int, int>)(x => x), "returns Int32; done_fn returns void");
    }

    [Test]
    public void DelegatesThatConvertAreStillRegistered()
    {
        // Not typed trampolines (the types are not the C types), but every value C passes converts: dynamic ones.
        using var a = _m.Callbacks.Register("cmp_fn", (Func<object?, object?, int>)((x, y) => 0));
        using var b = _m.Callbacks.Register("done_fn", (Action<long>)(x => { }));
        using var c = _m.Callbacks.Register("cmp_fn", (Func<NativePointer, NativePointer, long>)((x, y) => 0));
        using var d = _m.Callbacks.Register("pt_fn", (Func<StructValue, double>)(p => 1));
        Assert.That(new[] { a.Address, b.Address, c.Address, d.Address }, Has.None.Zero);
    }

    [Test]
    public void ARegisteredComparerThatConvertsSortsThroughC()
    {
        var data = new[] { 5, 3, 9, 1 };
        using var cmp = _m.Callbacks.Register("cmp_fn", (Func<NativePointer, NativePointer, long>)((x, y) =>
            _m.Memory.Read<int>(x).CompareTo(_m.Memory.Read<int>(y))));
        unsafe
        {
            fixed (int* p = data) _m.GetFunction<Action<nint, ulong, ulong, nint>>("qsort")((nint)p, 4, 4, cmp.Address);
        }
        Assert.That(data, Is.EqualTo(new[] { 1, 3, 5, 9 }));
    }
}
