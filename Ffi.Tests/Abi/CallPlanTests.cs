using Ffi.Abi;
using Ffi.Spec;
using Ffi.Types;

namespace Ffi.Tests.Abi;

/// <summary>SysV classification and call plans as data — golden text, no native code (psABI §3.2.3).</summary>
[TestFixture]
public sealed class CallPlanTests
{
    private static readonly TypeRegistry Types = FfiSpec.Parse("""
        { "version": "1", "lib": "x", "types": {
          "structparm": { "kind": "struct", "fields": [ {"name":"a","type":"int"}, {"name":"b","type":"int"}, {"name":"d","type":"double"} ] },
          "di":   { "kind": "struct", "fields": [ {"name":"d","type":"double"}, {"name":"i","type":"int"} ] },
          "fff":  { "kind": "struct", "fields": [ {"name":"a","type":"float"}, {"name":"b","type":"float"}, {"name":"c","type":"float"} ] },
          "if":   { "kind": "struct", "fields": [ {"name":"i","type":"int"}, {"name":"f","type":"float"} ] },
          "ff":   { "kind": "struct", "fields": [ {"name":"a","type":"float"}, {"name":"b","type":"float"} ] },
          "lll":  { "kind": "struct", "fields": [ {"name":"a","type":"long"}, {"name":"b","type":"long"}, {"name":"c","type":"long"} ] },
          "ll":   { "kind": "struct", "fields": [ {"name":"a","type":"long"}, {"name":"b","type":"long"} ] },
          "packed_ci": { "kind": "struct", "packed": true, "fields": [ {"name":"c","type":"char"}, {"name":"i","type":"int"} ] },
          "packed_ic": { "kind": "struct", "packed": true, "fields": [ {"name":"i","type":"int"}, {"name":"c","type":"char"} ] },
          "u_dl": { "kind": "union", "fields": [ {"name":"d","type":"double"}, {"name":"l","type":"long"} ] },
          "u_fd": { "kind": "union", "fields": [ {"name":"f","type":"float"}, {"name":"d","type":"double"} ] },
          "bits_f": { "kind": "struct", "fields": [ {"name":"a","type":"int","bits":3}, {"name":"f","type":"float"}, {"name":"d","type":"double"} ] },
          "empty": { "kind": "struct", "fields": [] },
          "a16c": { "kind": "struct", "align": 16, "fields": [ {"name":"c","type":"char"} ] },
          "arr_d2": { "kind": "struct", "fields": [ {"name":"v","type":{"kind":"array","of":"double","len":2}} ] },
          "nested": { "kind": "struct", "fields": [ {"name":"f","type":"ff"}, {"name":"i","type":"int"} ] },
          "fd": { "kind": "handle", "tag": "fd", "rep": "int" }
        } }
        """).Types;

    private static CType T(string name) => Types[name];

    [TestCase("int", "Integer")]
    [TestCase("double", "Sse")]
    [TestCase("pointer", "Integer")]
    [TestCase("fd", "Integer")]
    [TestCase("structparm", "Integer, Sse")]
    [TestCase("di", "Sse, Integer")]
    [TestCase("fff", "Sse, Sse")]
    [TestCase("if", "Integer")]
    [TestCase("ff", "Sse")]
    [TestCase("ll", "Integer, Integer")]
    [TestCase("lll", "Memory")]
    [TestCase("packed_ci", "Memory")]
    [TestCase("packed_ic", "Integer")]
    [TestCase("u_dl", "Integer")]
    [TestCase("u_fd", "Sse")]
    [TestCase("bits_f", "Integer, Sse")]
    [TestCase("empty", "")]
    [TestCase("a16c", "Integer, NoClass")]
    [TestCase("arr_d2", "Sse, Sse")]
    [TestCase("nested", "Sse, Integer")]
    public void Classifies(string type, string expected) =>
        Assert.That(string.Join(", ", SysVClassifier.Classify(T(type))), Is.EqualTo(expected));

    [Test]
    public void PsAbiExampleWithoutLongDoubleAndVectors()
    {
        // psABI figure 3.6, minus the long double and vector arguments this engine has no C type for:
        // void func(int e, int f, structparm s, int g, int h, double m, double n, int i, int j, int k);
        var i = T("int");
        var plan = SysVCallPlanner.Plan(T("void"), [i, i, T("structparm"), i, i, T("double"), T("double"), i, i, i]);
        Assert.That(plan.ToString(), Is.EqualTo("""
            param[0]: int Int32 -> rdi
            param[1]: int Int32 -> rsi
            param[2]: structparm (16 bytes) [Integer, Sse] -> rdx + xmm0
            param[3]: int Int32 -> rcx
            param[4]: int Int32 -> r8
            param[5]: double Double -> xmm1
            param[6]: double Double -> xmm2
            param[7]: int Int32 -> r9
            param[8]: int Int32 -> stack+0
            param[9]: int Int32 -> stack+8
            return: void (nothing passed)
            """.ReplaceLineEndings("\n")));
        Assert.That(plan.StackBytes, Is.EqualTo(16));
        Assert.That(plan.SseRegistersUsed, Is.EqualTo(3));
    }

    [Test]
    public void MemoryReturnTakesRdiAndAggregatesThatDoNotFitGoWhollyOnTheStack()
    {
        var l = T("long");
        // lll f(long, long, long, long, ll, long): rdi holds the return buffer, so only r9 is left for `ll`
        // (two INTEGER eightbytes): it goes on the stack whole, and the last long still gets r9.
        var plan = SysVCallPlanner.Plan(T("lll"), [l, l, l, l, T("ll"), l]);
        Assert.That(plan.ToString(), Is.EqualTo("""
            hidden return pointer -> rdi
            param[0]: long Int64 -> rsi
            param[1]: long Int64 -> rdx
            param[2]: long Int64 -> rcx
            param[3]: long Int64 -> r8
            param[4]: ll (16 bytes) [Integer, Integer] -> stack+0
            param[5]: long Int64 -> r9
            return: lll (24 bytes) MEMORY -> rax
            """.ReplaceLineEndings("\n")));
    }

    [Test]
    public void MemoryArgumentsAreCopiedToTheStackAndEmptyStructsTakeNothing()
    {
        var plan = SysVCallPlanner.Plan(T("di"), [T("lll"), T("empty"), T("packed_ci"), T("fff")]);
        Assert.That(plan.ToString(), Is.EqualTo("""
            param[0]: lll (24 bytes) MEMORY -> stack+0
            param[1]: empty (nothing passed)
            param[2]: packed_ci (5 bytes) MEMORY -> stack+24
            param[3]: fff (12 bytes) [Sse, Sse] -> xmm0 + xmm1
            return: di (16 bytes) [Sse, Integer] -> xmm0 + rax
            """.ReplaceLineEndings("\n")));
        Assert.That(plan.StackBytes, Is.EqualTo(32));
    }

    [Test]
    public void NineDoublesSpillTheNinthAndVariadicCallsCountVectorRegisters()
    {
        var d = T("double");
        var plan = SysVCallPlanner.Plan(T("int"), [T("string"), d, d, d, d, d, d, d, d, d], fixedCount: 1);
        Assert.That(plan.Parameters[8].ToString(), Is.EqualTo("double Double -> xmm7"));
        Assert.That(plan.Parameters[9].ToString(), Is.EqualTo("double Double -> stack+0"));
        Assert.That(plan.IsVariadic, Is.True);
        Assert.That(plan.SseRegistersUsed, Is.EqualTo(8));
        Assert.That(plan.ToString(), Does.StartWith("param[0]: string Pointer -> rdi\nvararg[1]: double Double -> xmm0"));
        Assert.That(plan.ToString(), Does.EndWith("return: int Int32 -> rax\n%al = 8"));
    }

    [Test]
    public void ReturnsOfEveryRegisterClassMix()
    {
        Assert.That(SysVCallPlanner.Plan(T("ll"), []).Return.ToString(), Is.EqualTo("ll (16 bytes) [Integer, Integer] -> rax + rdx"));
        Assert.That(SysVCallPlanner.Plan(T("fff"), []).Return.ToString(), Is.EqualTo("fff (12 bytes) [Sse, Sse] -> xmm0 + xmm1"));
        Assert.That(SysVCallPlanner.Plan(T("structparm"), []).Return.ToString(), Is.EqualTo("structparm (16 bytes) [Integer, Sse] -> rax + xmm0"));
        Assert.That(SysVCallPlanner.Plan(T("float"), []).Return.ToString(), Is.EqualTo("float Float -> xmm0"));
        Assert.That(SysVCallPlanner.Plan(T("a16c"), []).Return.ToString(), Is.EqualTo("a16c (16 bytes) [Integer, NoClass] -> rax"));
    }

    [Test]
    public void AggregatesAlignedTo16StartOn16ByteStackSlots()
    {
        var big = Types.ParseType("""{"kind":"struct","align":16,"fields":[{"name":"a","type":{"kind":"array","of":"long","len":3}}]}""");
        var plan = SysVCallPlanner.Plan(T("void"), [T("lll"), big]);
        Assert.That(plan.Parameters[1].ToString(), Does.EndWith("MEMORY -> stack+32"));
        Assert.That(plan.StackBytes, Is.EqualTo(64));
    }

    [Test]
    public void StackSlotsFollowAlignmentsBeyond16AsGccDoes()
    {
        // long f64(long a1..a6, long s1, struct __attribute__((aligned(64))) { long x[4]; } a): gcc reads a at stack+64.
        var l = T("long");
        var a64 = Types.ParseType("""{"kind":"struct","align":64,"fields":[{"name":"x","type":{"kind":"array","of":"long","len":4}}]}""");
        var plan = SysVCallPlanner.Plan(l, [l, l, l, l, l, l, l, a64]);
        Assert.That(plan.Parameters[6].ToString(), Is.EqualTo("long Int64 -> stack+0"));
        Assert.That(plan.Parameters[7].ToString(), Does.EndWith("MEMORY -> stack+64"));
        Assert.That(plan.StackBytes, Is.EqualTo(128));
    }

    [Test]
    public void PaddingOnlyRecordsTakeRegistersButNoStackSpaceAsGccDoes()
    {
        // gcc -O1, x86-64 (see SysVClassifier.IsGccEmptyRecord):
        //   struct V { int :15; };  long gv(struct V, long s1)            -> s1 in rsi (V took rdi)
        //   long fv(long a1..a6, struct V, long s1)                      -> s1 at stack+0 (V took no stack)
        //   struct Big { long :64; long :64; long :64; }; long fb(struct Big, long s1) -> s1 in rdi
        //   struct NotEmpty { int :3; char c; }; long fne(long a1..a6, struct NotEmpty, long s1) -> s1 at stack+8
        var l = T("long");
        var v = Types.ParseType("""{"kind":"struct","fields":[{"name":"","type":"int","bits":15}]}""");
        var big = Types.ParseType("""{"kind":"struct","fields":[{"name":"","type":"long","bits":64},{"name":"","type":"long","bits":64},{"name":"","type":"long","bits":64}]}""");
        var nested = Types.ParseType("""{"kind":"struct","fields":[{"name":"in","type":{"kind":"struct","fields":[{"name":"","type":"int","bits":5}]}},{"name":"z","type":{"kind":"array","of":"long","len":0}}]}""");
        var notEmpty = Types.ParseType("""{"kind":"struct","fields":[{"name":"","type":"int","bits":3},{"name":"c","type":"char"}]}""");
        Assert.That(SysVClassifier.IsGccEmptyRecord(v) && SysVClassifier.IsGccEmptyRecord(big) && SysVClassifier.IsGccEmptyRecord(nested), Is.True);
        Assert.That(SysVClassifier.IsGccEmptyRecord(notEmpty), Is.False);

        Assert.That(SysVCallPlanner.Plan(l, [v, l]).Parameters[1].ToString(), Is.EqualTo("long Int64 -> rsi"));
        Assert.That(SysVCallPlanner.Plan(l, [l, l, l, l, l, l, v, l]).Parameters[7].ToString(), Is.EqualTo("long Int64 -> stack+0"));
        Assert.That(SysVCallPlanner.Plan(l, [l, l, l, l, l, l, nested, l]).Parameters[7].ToString(), Is.EqualTo("long Int64 -> stack+0"));
        Assert.That(SysVCallPlanner.Plan(l, [big, l]).Parameters[1].ToString(), Is.EqualTo("long Int64 -> rdi"));
        Assert.That(SysVCallPlanner.Plan(l, [big, l]).StackBytes, Is.Zero);
        Assert.That(SysVCallPlanner.Plan(l, [l, l, l, l, l, l, notEmpty, l]).Parameters[7].ToString(), Is.EqualTo("long Int64 -> stack+8"));
    }

    [Test]
    public void ZeroLengthArraysInsideAnEightbyteAreClassifiedAsTheirElementAsGccDoes()
    {
        // gcc -O1: struct A { float a; char z[0]; } is returned in eax; struct B { float a; float z[0]; } in xmm0;
        // struct C { float a; double z[0]; } in xmm0 (z starts an eightbyte and is ignored); a zero-length array of
        // a packed struct with a misaligned pointer, inside an eightbyte, makes the whole struct MEMORY.
        string Of(string json) => string.Join(", ", SysVClassifier.Classify(Types.ParseType(json)));
        Assert.That(Of("""{"kind":"struct","fields":[{"name":"a","type":"float"},{"name":"z","type":{"kind":"array","of":"char","len":0}}]}"""), Is.EqualTo("Integer"));
        Assert.That(Of("""{"kind":"struct","fields":[{"name":"a","type":"float"},{"name":"z","type":{"kind":"array","of":"float","len":0}}]}"""), Is.EqualTo("Sse"));
        Assert.That(Of("""{"kind":"struct","fields":[{"name":"a","type":"float"},{"name":"z","type":{"kind":"array","of":"double","len":0}}]}"""), Is.EqualTo("Sse"));
        Assert.That(Of("""{"kind":"struct","fields":[{"name":"a","type":"float"},{"name":"z","type":{"kind":"array","of":"packed_ci","len":0}},{"name":"b","type":"float"}]}"""), Is.EqualTo("Memory"));
    }

    [Test]
    public void VoidParametersAreRejected() =>
        Assert.Throws<ArgumentException>(() => SysVCallPlanner.Plan(T("void"), [T("void")]));
}
