using Ffi.Spec;
using Ffi.Tests.Oracle;

namespace Ffi.Tests.Layout;

/// <summary>
/// The random layout generator's C — the very text gcc compiles — read by the engine's C reader instead of
/// the JSON spec: hundreds of structs and unions (nesting, arrays, bitfields of every kind, packed,
/// aligned, #pragma pack, members packed on their own, enums, typedefs, forward and self pointers, flexible arrays), and every size, alignment,
/// member offset and bitfield position must agree with gcc.
/// </summary>
[TestFixture]
public sealed class CDeclaredRandomLayoutTests
{
    private const int TypesPerSeed = 120;

    private static IEnumerable<int> Seeds() => [1, 2, 3, 20261121, 2001, 2000];

    [TestCaseSource(nameof(Seeds))]
    public void CDeclaredRandomTypesMatchGcc(int seed)
    {
        var gen = new RandomLayoutGenerator(seed, $"C{seed}_");
        gen.Generate(TypesPerSeed);
        var c = gen.Prelude + string.Join("\n", gen.Cases.Select(k => k.CDecl));
        var spec = FfiSpec.ParseC(c, "libc.so.6", $"random{seed}.h");

        var gcc = GccLayoutOracle.AskGcc(gen.Cases, gen.Prelude);
        var engine = GccLayoutOracle.AskEngine(spec, gen.Cases);
        var diffs = GccLayoutOracle.Diff(gcc, engine);
        Assert.That(diffs, Is.Empty, () => string.Join("\n", diffs.Take(20)));
        Assert.That(gcc, Has.Count.EqualTo(gen.Cases.Sum(k => 1 + k.Members.Count)));
        Assert.That(gcc.Keys.Count(k => k.StartsWith("B ", StringComparison.Ordinal)), Is.GreaterThan(50), "too few bitfields generated");
        Assert.That(gen.Cases.Count(k => k.CDecl.Contains("#pragma pack(push", StringComparison.Ordinal)), Is.GreaterThan(5), "too few #pragma pack");
        Assert.That(gen.Cases.Count(k => k.CDecl.Contains(" __attribute__((packed));", StringComparison.Ordinal)), Is.GreaterThan(5), "too few packed members");
    }

    /// <summary>The C reader and the JSON reader agree on every type the generator makes, member by member.</summary>
    [TestCaseSource(nameof(Seeds))]
    public void CDeclaredAndJsonSpecsAgree(int seed)
    {
        var gen = new RandomLayoutGenerator(seed, $"J{seed}_");
        gen.Generate(TypesPerSeed);
        var fromC = FfiSpec.ParseC(gen.Prelude + string.Join("\n", gen.Cases.Select(k => k.CDecl)), "libc.so.6");
        var fromJson = FfiSpec.Parse(GccLayoutOracle.SpecJson(gen.Cases, gen.ExtraSpecTypes));
        var diffs = GccLayoutOracle.Diff(GccLayoutOracle.AskEngine(fromJson, gen.Cases), GccLayoutOracle.AskEngine(fromC, gen.Cases));
        Assert.That(diffs, Is.Empty, () => string.Join("\n", diffs.Take(20)));
    }
}
