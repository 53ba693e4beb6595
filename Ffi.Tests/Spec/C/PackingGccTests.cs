using Ffi.Spec;
using Ffi.Tests.Layout;
using Ffi.Types;
using Ffi.Tests.Oracle;

namespace Ffi.Tests.Spec.C;

/// <summary>
/// <c>#pragma pack(N)</c> (push, pop, reset), a member packed on its own, a scalar typedef with a raised alignment and
/// C11 anonymous members, read from C and laid out as gcc does; then the same layouts after spec → JSON → spec and
/// spec → C → spec.
/// </summary>
[TestFixture]
public sealed class PackingGccTests
{
    private static readonly (string Name, string Decl, string[] Members, string[] Bitfields)[] Shapes =
    [
        ("pk1", "#pragma pack(push, 2)\ntypedef struct { char a; int b; double c; short d; } pk1;\n#pragma pack(pop)", ["a", "b", "c", "d"], []),
        ("pk2", "#pragma pack(4)\ntypedef struct { char a; double d; long long e; short s; } pk2;\n#pragma pack()", ["a", "d", "e", "s"], []),
        ("pk3", "#pragma pack(push, 8)\n#pragma pack(push, 1)\ntypedef struct { char a; long b; } pk3;\n#pragma pack(pop)\ntypedef struct { char a; long double_; int c; } pk3b;\n#pragma pack(pop)", ["a", "b"], []),
        ("pk3b", "", ["a", "double_", "c"], []),
        ("pk4", "#pragma pack(push, 2)\ntypedef struct { char a; int b : 31; char c; } pk4;\n#pragma pack(pop)", ["a", "c"], ["b"]),
        ("pk5", "#pragma pack(push, 2)\ntypedef struct { char a; int b : 3; int c : 30; } pk5;\n#pragma pack(pop)", ["a"], ["b", "c"]),
        ("pk6", "#pragma pack(push, 2)\ntypedef struct __attribute__((packed)) { char a; int b : 3; } pk6;\n#pragma pack(pop)", ["a"], ["b"]),
        ("pk7", "#pragma pack(push, 2)\ntypedef struct { char a; _Alignas(8) int b; int c __attribute__((aligned(16))); } pk7;\n#pragma pack(pop)", ["a", "b", "c"], []),
        ("pk8", "#pragma pack(push, 2)\ntypedef union { char a; double d; int x : 20; } pk8;\n#pragma pack(pop)", ["a", "d"], ["x"]),
        ("pk9", "#pragma pack(push, 1)\ntypedef struct { char a; int : 0; char b; } pk9;\n#pragma pack(pop)", ["a", "b"], []),
        ("pk10", "#pragma pack(push)\n#pragma pack(4)\ntypedef struct { char a; double b; struct { char c; double d; } in; } pk10;\n#pragma pack(pop)", ["a", "b", "in", "in.c", "in.d"], []),
        ("pk11", "typedef struct { char a; double b; } pk11;", ["a", "b"], []),
        ("mp1", "typedef struct { char a; int b __attribute__((packed)); char c; } mp1;", ["a", "b", "c"], []),
        ("mp2", "typedef struct { char a; int b : 5 __attribute__((packed)); int c : 30 __attribute__((packed)); } mp2;", ["a"], ["b", "c"]),
        ("mp3", "typedef struct { char a; double d __attribute__((packed, aligned(4))); } mp3;", ["a", "d"], []),
        ("mp4", "typedef union { char a; __attribute__((packed)) long l; } mp4;", ["a", "l"], []),
        ("at1", "typedef int aint __attribute__((aligned(8)));\ntypedef struct { char a; aint b; char c; } at1;", ["a", "b", "c"], []),
        ("at2", "typedef struct __attribute__((packed)) { char a; aint b; } at2;", ["a", "b"], []),
        ("at3", "typedef char __attribute__((aligned(4))) achar;\ntypedef aint aint2;\ntypedef struct { char a; achar b; aint2 c; } at3;", ["a", "b", "c"], []),
        ("at4", "#pragma pack(push, 2)\ntypedef struct { char a; aint b; } at4;\n#pragma pack(pop)", ["a", "b"], []),
        ("at5", "typedef double adouble __attribute__((aligned(32)));\ntypedef struct { char a; adouble b; } at5;", ["a", "b"], []),
        ("an1", "typedef struct { char a; union { int x; char y; }; struct { short p; char q; }; } an1;", ["a", "x", "y", "p", "q"], []),
        ("an2", "typedef struct { int a; struct { char b; union { double c; struct { char d; int e; }; }; }; } an2;", ["a", "b", "c", "d", "e"], []),
        ("an3", "typedef union { struct { unsigned lo : 4, hi : 4; }; unsigned char byte; } an3;", ["byte"], ["lo", "hi"]),
    ];

    private static List<LayoutCase> Cases() =>
        Shapes.Select(s => new LayoutCase(s.Name, "", s.Decl, s.Members.Select(m => (m, false)).Concat(s.Bitfields.Select(b => (b, true))).ToList())).ToList();

    private static string Declarations => string.Join("\n", Shapes.Select(s => s.Decl));

    [Test]
    public void CDeclarationsMatchGcc()
    {
        var cases = Cases();
        var gcc = GccLayoutOracle.AskGcc(cases.Select(c => c with { CDecl = "" }).ToList(), Declarations);
        var spec = FfiSpec.ParseC(Declarations, "libc.so.6");
        Assert.That(spec.Notes, Is.Empty);
        Assert.That(GccLayoutOracle.Diff(gcc, GccLayoutOracle.AskEngine(spec, cases)), Is.Empty);
    }

    [Test]
    public void JsonAndCRoundTripsKeepTheLayouts()
    {
        var cases = Cases();
        var spec = FfiSpec.ParseC(Declarations, "libc.so.6");
        var engine = GccLayoutOracle.AskEngine(spec, cases);
        var json = spec.ToJson();
        var viaJson = FfiSpec.Parse(json);
        var viaC = FfiSpec.ParseC(spec.ToC(), "libc.so.6");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(GccLayoutOracle.Diff(engine, GccLayoutOracle.AskEngine(viaJson, cases)), Is.Empty, json);
            Assert.That(GccLayoutOracle.Diff(engine, GccLayoutOracle.AskEngine(viaC, cases)), Is.Empty, spec.ToC());
            Assert.That(viaJson.ToJson(), Is.EqualTo(json));
            Assert.That(viaC.Notes, Is.Empty);
        }
    }

    [Test]
    public void TheJsonKeysSayWhatTheCSaid()
    {
        var spec = FfiSpec.ParseC(Declarations, "libc.so.6");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(((AggregateType)spec.Types["pk1"]).Pack, Is.EqualTo(2));
            Assert.That(((AggregateType)spec.Types["pk3"]).Pack, Is.EqualTo(1), "the inner push");
            Assert.That(((AggregateType)spec.Types["pk3b"]).Pack, Is.EqualTo(8), "pop returns to the outer push");
            Assert.That(((AggregateType)spec.Types["pk11"]).Pack, Is.Null, "pack() and pop() end it");
            Assert.That(((AggregateType)spec.Types["mp1"]).GetField("b").IsPacked, Is.True);
            Assert.That(spec.Types["aint"].Size, Is.EqualTo(4));
            Assert.That(spec.Types["aint"].Align, Is.EqualTo(8));
            Assert.That(spec.Types["aint2"].Align, Is.EqualTo(8));
            Assert.That(spec.Types["achar"].Align, Is.EqualTo(4));
        }
        Assert.That(spec.ToJson(), Does.Contain("\"aint\": {\n      \"kind\": \"alias\",\n      \"to\": \"int32\",\n      \"align\": 8\n    }"));
    }

    [Test]
    public void AnonymousMembersAreNamedAsTheOuterAggregatesOwn()
    {
        var spec = FfiSpec.ParseC(Declarations, "libc.so.6");
        var an2 = (AggregateType)spec.Types["an2"];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(an2.GetField("e").Offset, Is.EqualTo(20));
            Assert.That(an2.FieldNames, Is.EqualTo(new[] { "a", "b", "c", "d", "e" }));
            Assert.That(an2.Fields.Select(f => f.Name), Is.EqualTo(new[] { "a", "" }), "the anonymous member stays one member");
        }
        var ex = Assert.Throws<FfiSpecException>(() => FfiSpec.ParseC("struct s { int x; struct { char x; }; };", "libc.so.6", "decls.h"));
        Assert.That(ex.Message, Does.StartWith("decls.h:1:19: duplicate field name \"x\" (also fields[0]; the members of an anonymous struct or union are named as the outer aggregate's own)"));
    }

    [TestCase("typedef int a2[2] __attribute__((aligned(16)));", "decls.h:1:1: declaration skipped: aligned(16) on typedef a2 is not supported: only a typedef of an integer or floating type may raise its alignment (a struct or union takes aligned(N) in its own declaration)")]
    [TestCase("typedef struct { char c; } T __attribute__((aligned(16)));\nT *make(void);", "decls.h:1:1: declaration skipped: aligned(16) on typedef T is not supported: only a typedef of an integer or floating type may raise its alignment (a struct or union takes aligned(N) in its own declaration)")]
    public void AlignedTypedefsOfOtherTypesAreSkippedWithANote(string decl, string note)
    {
        var spec = FfiSpec.ParseC(decl, "libc.so.6", "decls.h");
        Assert.That(spec.Notes[0], Is.EqualTo(note));
    }

    [TestCase("typedef int aint __attribute__((aligned(8))); struct s { aint a[2]; };", "decls.h:1:58: aint is 4 bytes aligned 8: C refuses an array of it (its alignment is greater than its size)")]
    [TestCase("typedef int aint __attribute__((aligned(16))); void f(aint);", "decls.h:1:55: aint is aligned to 16 bytes; a scalar aligned beyond 8 is not supported as a parameter (pass a pointer)")]
    public void OverAlignedScalarsWhereCRefusesThem(string decl, string message)
    {
        var ex = Assert.Throws<FfiSpecException>(() => FfiSpec.ParseC(decl, "libc.so.6", "decls.h"));
        Assert.That(ex.Message.Split('\n')[0], Is.EqualTo(message));
    }

    [TestCase("{'kind':'struct','pack':3,'fields':[]}", "types.t.pack: must be a power of two, not 3")]
    [TestCase("{'kind':'struct','pack':32,'fields':[]}", "types.t.pack: must be an integer from 1 to 16, not 32")]
    [TestCase("{'kind':'alias','to':'pointer','align':16}", "types.t.align: an alignment on an alias applies to integer and floating types, not pointer")]
    [TestCase("{'kind':'struct','fields':[{'name':'a','type':'int','packed':1}]}", "types.t.fields[0].packed: must be true or false, not a number (1)")]
    public void JsonKeyErrors(string type, string message)
    {
        var json = "{\"version\":\"1\",\"lib\":\"libc.so.6\",\"types\":{\"t\":" + type.Replace('\'', '"') + "}}";
        var ex = Assert.Throws<FfiSpecException>(() => FfiSpec.Parse(json));
        Assert.That(ex.Message, Is.EqualTo(message));
    }
}
