using Ffi.Spec;
using Ffi.Tests.Layout;
using Ffi.Tests.Oracle;

namespace Ffi.Tests.Spec.C;

/// <summary>A member's own alignment (<c>_Alignas</c>, <c>aligned(N)</c> on a member), packed or not, as gcc lays it out.</summary>
[TestFixture]
public sealed class MemberAlignmentGccTests
{
    private static readonly (string Name, string Decl, string[] Members)[] Shapes =
    [
        ("ma1", "typedef struct { char c; _Alignas(16) int x; char d; } ma1;", ["c", "x", "d"]),
        ("ma2", "typedef struct { char c; int y __attribute__((aligned(8))); short s; } ma2;", ["c", "y", "s"]),
        ("ma3", "typedef struct __attribute__((packed)) { char c; _Alignas(4) int z; char e; } ma3;", ["c", "z", "e"]),
        ("ma4", "typedef struct __attribute__((packed)) { char c; double d __attribute__((aligned(2))); } ma4;", ["c", "d"]),
        ("ma5", "typedef union { char c; _Alignas(32) char d; } ma5;", ["c", "d"]),
        ("ma6", "typedef struct { char c; _Alignas(long) char l; struct { char i; } in; } ma6;", ["c", "l", "in"]),
        ("ma7", "typedef struct __attribute__((aligned(4))) { _Alignas(8) char a; char b : 3; } ma7;", ["a", "b"]),
    ];

    [Test]
    public void MemberAlignmentMatchesGcc()
    {
        var cases = Shapes.Select(s => new LayoutCase(s.Name, "", s.Decl, s.Members.Select(m => (m, m == "b")).ToList())).ToList();
        var spec = FfiSpec.ParseC(string.Join("\n", Shapes.Select(s => s.Decl)), "libc.so.6");
        var diffs = GccLayoutOracle.Diff(GccLayoutOracle.AskGcc(cases), GccLayoutOracle.AskEngine(spec, cases));
        Assert.That(diffs, Is.Empty);
        // The same layouts through spec JSON ("align" on a field), as ffi import writes it.
        var again = FfiSpec.Parse(spec.ToJson());
        Assert.That(GccLayoutOracle.Diff(GccLayoutOracle.AskEngine(spec, cases), GccLayoutOracle.AskEngine(again, cases)), Is.Empty);
    }
}
