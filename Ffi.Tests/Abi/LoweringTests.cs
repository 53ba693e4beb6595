using Ffi.Abi;
using Ffi.Spec;
using Ffi.Tests.Downcalls;
using Ffi.Types;

namespace Ffi.Tests.Abi;

/// <summary>
/// The lowering recipe as data — golden text written from the psABI and from the classes gcc gives each shape of
/// <c>Native/shapes.c</c> (its comments; gcc's code for the odd ones) — and the recipe's validation. No native code.
/// </summary>
[TestFixture]
public sealed class LoweringTests
{
    private static readonly TypeRegistry Shapes = FfiSpec.Parse(ShapeFixtureTests.SpecJson("unused.so")).Types;
    private static readonly TypeRegistry Psabi = FfiSpec.Parse("""
        { "version": "1", "lib": "x", "types": {
          "structparm": { "kind": "struct", "fields": [ {"name":"a","type":"int"}, {"name":"b","type":"int"}, {"name":"d","type":"double"} ] },
          "lll":  { "kind": "struct", "fields": [ {"name":"a","type":"long"}, {"name":"b","type":"long"}, {"name":"c","type":"long"} ] },
          "ll":   { "kind": "struct", "fields": [ {"name":"a","type":"long"}, {"name":"b","type":"long"} ] },
          "a16c": { "kind": "struct", "align": 16, "fields": [ {"name":"c","type":"char"} ] }
        } }
        """).Types;

    private static LoweredCall Lower(TypeRegistry types, string ret, params string[] parameters) =>
        SysVLowering.Lower(SysVCallPlanner.Plan(types[ret], parameters.Select(p => types[p]).ToList()));

    [Test]
    public void PsAbiExampleWithoutLongDoubleAndVectors()
    {
        // void func(int e, int f, structparm s, int g, int h, double m, double n, int i, int j, int k);
        Assert.That(Lower(Psabi, "void", "int", "int", "structparm", "int", "int", "double", "double", "int", "int", "int").ToString(), Is.EqualTo("""
            [0] arg0: Int32
            [1] arg1: Int32
            [2] arg2: eightbytes IS, 16 bytes
            [3] arg3: Int32
            [4] arg4: Int32
            [5] arg5: Double
            [6] arg6: Double
            [7] arg7: Int32
            [8] stack image 24: arg8@0 Int32, arg9@8 Int32
            return: nothing
            """.ReplaceLineEndings("\n")));
    }

    [Test]
    public void MemoryReturnPassesTheHiddenPointerFirstAndAnAggregateThatDoesNotFitGoesOnTheStack()
    {
        // lll f(long, long, long, long, ll, long): rdi is the hidden pointer, so `ll` no longer fits in registers.
        Assert.That(Lower(Psabi, "lll", "long", "long", "long", "long", "ll", "long").ToString(), Is.EqualTo("""
            [0] hidden return pointer
            [1] arg0: Int64
            [2] arg1: Int64
            [3] arg2: Int64
            [4] arg3: Int64
            [5] arg5: Int64
            [6] stack image 24: arg4@0 16 bytes
            return: memory, 24 bytes through the hidden pointer
            """.ReplaceLineEndings("\n")));
    }

    [Test]
    public void VariadicCallsCarryTheirVectorCount()
    {
        var t = Psabi;
        var d = t["double"];
        var plan = SysVCallPlanner.Plan(t["int"], [t["string"], d, d, d, d, d, d, d, d, d], fixedCount: 1);
        var lowered = SysVLowering.Lower(plan).ToString();
        Assert.That(lowered, Does.StartWith("[0] arg0: Pointer\n[1] arg1: Double\n"));
        Assert.That(lowered, Does.EndWith("[8] arg8: Double\n[9] stack image 24: arg9@0 Double\nreturn: Int32\n%al = 8"));
    }

    [Test]
    public void TrailingPaddingEightbytesAreNotCarried()
    {
        // struct { char c; } __attribute__((aligned(16))): 16 bytes, [INTEGER, NO_CLASS]: one register, one byte of it C's.
        Assert.That(Lower(Psabi, "a16c", "a16c").ToString(), Is.EqualTo("[0] arg0: eightbytes I, 8 bytes\nreturn: eightbytes I, 8 bytes"));
    }

    // Each shape of Native/shapes.c as `T f(T)`: the carrier gcc passes it in, the bytes that are C's, or MEMORY.
    [TestCase("s_c", "I", 1)]
    [TestCase("s_s", "I", 2)]
    [TestCase("s_i", "I", 4)]
    [TestCase("s_f", "S", 4)]
    [TestCase("s_d", "S", 8)]
    [TestCase("s_ii", "I", 8)]
    [TestCase("s_ff", "S", 8)]
    [TestCase("s_if", "I", 8)]
    [TestCase("s_csf", "I", 8)]
    [TestCase("s_dl", "SI", 16)]
    [TestCase("s_ld", "IS", 16)]
    [TestCase("s_dd", "SS", 16)]
    [TestCase("s_ll", "II", 16)]
    [TestCase("s_fd", "SS", 16)]
    [TestCase("s_ffl", "SI", 16)]
    [TestCase("s_fff", "SS", 12)]
    [TestCase("s_fif", "IS", 12)]
    [TestCase("s_c3", "I", 3)]
    [TestCase("s_cd", "IS", 16)]
    [TestCase("s_v4", "SS", 16)]
    [TestCase("s_s5n", "II", 12)]
    [TestCase("s_nest", "SS", 16)]
    [TestCase("s_nest2", "IS", 12)]
    [TestCase("bf1", "I", 4)]
    [TestCase("bf_f", "I", 8)]
    [TestCase("bf_sse", "SI", 16)]
    [TestCase("bf_str", "II", 10)]
    [TestCase("pk_reg", "II", 9)]
    [TestCase("pk_dc", "SI", 9)]
    [TestCase("s_df", "SS", 16)]
    [TestCase("s_bec", "II", 12)]
    [TestCase("s_pts", "SS", 16)]
    [TestCase("s_uni", "IS", 16)]
    [TestCase("s_ie", "I", 8)]
    [TestCase("s_za", "I", 4)]
    [TestCase("s_nc", "IS", 16)]   // gcc: `long f(struct s_nc s, long x)` finds x in rsi; a returned s_nc is rax + xmm0
    [TestCase("bf_mix", "I", 8)]
    public void RegisterShapesOfTheFixtureLibrary(string shape, string carrier, int bytes) =>
        Assert.That(Lower(Shapes, shape, shape).ToString(),
            Is.EqualTo($"[0] arg0: eightbytes {carrier}, {bytes} bytes\nreturn: eightbytes {carrier}, {bytes} bytes"));

    [TestCase("s24", 24, 24)]
    [TestCase("s32", 32, 32)]
    [TestCase("s48", 48, 48)]
    [TestCase("s64", 64, 64)]
    [TestCase("pk_mem", 13, 24)]
    [TestCase("pk_cd", 9, 24)]
    public void MemoryShapesOfTheFixtureLibrary(string shape, int size, int image) =>
        Assert.That(Lower(Shapes, shape, shape).ToString(), Is.EqualTo(
            $"[0] hidden return pointer\n[1] stack image {image}: arg0@0 {size} bytes\nreturn: memory, {size} bytes through the hidden pointer"));

    [Test]
    public void AnEmptyStructIsNotPassedAndNotReturned() =>
        Assert.That(Lower(Shapes, "empty", "empty").ToString(), Is.EqualTo("arg0: not passed\nreturn: nothing"));

    [Test]
    public void RecipesOfTheSameShapeAreEqualWhateverTheTypesAreCalled()
    {
        var a = Lower(Shapes, "s_dd", "s_fd", "int");
        var b = Lower(Shapes, "s_fd", "s_dd", "int");
        Assert.That(a, Is.EqualTo(b));
        Assert.That(a.GetHashCode(), Is.EqualTo(b.GetHashCode()));
        Assert.That(a, Is.Not.EqualTo(Lower(Shapes, "s_dd", "s_fff", "int")), "12 bytes are not 16");
    }

    [Test]
    public void InconsistentRecipesAreRefusedWhenMade()
    {
        var ret = new NoReturn();
        Assert.Multiple(() =>
        {
            Assert.That(() => new LoweredCall(1, [new EightbytesSlot(0, CarrierShape.I, 12)], ret, null),
                Throws.ArgumentException.With.Message.Contains("12 bytes do not fit carrier I"));
            Assert.That(() => new LoweredCall(1, [new ScalarSlot(0, ScalarRep.Int32), new ScalarSlot(0, ScalarRep.Int32)], ret, null),
                Throws.ArgumentException.With.Message.Contains("arg0 is placed twice"));
            Assert.That(() => new LoweredCall(1, [new ScalarSlot(1, ScalarRep.Int32)], ret, null),
                Throws.ArgumentException.With.Message.Contains("arg1 is out of range"));
            Assert.That(() => new LoweredCall(2, [new StackImageSlot(24, [new StackCopy(0, 8, 8, null), new StackCopy(1, 0, 8, null)])], ret, null),
                Throws.ArgumentException.With.Message.Contains("stack offsets must increase"));
            Assert.That(() => new LoweredCall(1, [new StackImageSlot(24, [new StackCopy(0, 16, 16, null)])], ret, null),
                Throws.ArgumentException.With.Message.Contains("exceed the stack image"));
            Assert.That(() => new LoweredCall(1, [new StackImageSlot(16, [new StackCopy(0, 0, 8, null)])], ret, null),
                Throws.ArgumentException.With.Message.Contains("over 16 bytes"));
            Assert.That(() => new LoweredCall(1, [new StackImageSlot(24, [new StackCopy(0, 0, 8, null)]), new ScalarSlot(0, ScalarRep.Int8)], ret, null),
                Throws.ArgumentException.With.Message.Contains("must be the last slot"));
            Assert.That(() => new LoweredCall(0, [], new MemoryReturn(24), null),
                Throws.ArgumentException.With.Message.Contains("needs the hidden return pointer"));
            Assert.That(() => new LoweredCall(0, [new HiddenReturnSlot()], ret, null),
                Throws.ArgumentException.With.Message.Contains("only for a MEMORY return"));
            Assert.That(() => new LoweredCall(0, [], ret, 9),
                Throws.ArgumentException.With.Message.Contains("at most 8 vector registers"));
        });
    }

    [Test]
    public void AShapeNoCarrierExpressesIsABindErrorNamingTheFunction()
    {
        var ex = Assert.Throws<FfiBindException>(() => SysVLowering.ShapeOf([EightbyteClass.NoClass, EightbyteClass.Sse, EightbyteClass.Sse], "libx.so", "f", "param[2]"));
        Assert.That(ex!.Message, Is.EqualTo("f: param[2]: no register carrier for the eightbyte classes [NoClass, Sse, Sse]"));
        Assert.That(ex.Symbol, Is.EqualTo("f"));
    }
}
