using System.Text.Json;
using Ffi.Demo.Inspect;
using Ffi.Spec;
using Ffi.Tests.Oracle;

namespace Ffi.Tests.Layout;

/// <summary>
/// Seeded random differential tests: hundreds of random struct/union types per seed, laid out by gcc and by
/// the engine. Sizes, alignments, every nameable member offset and every bitfield position must agree —
/// both in the object model and in what <c>ffi inspect --json</c> prints (the contract scripts read).
/// </summary>
[TestFixture]
public sealed class RandomLayoutTests
{
    private const int TypesPerSeed = 120;

    /// <summary>
    /// Four fixed seeds (480 types) on every run; set <c>FFI_LAYOUT_SEEDS=N</c> to sweep N more seeds
    /// (seeds 1000..1000+N) when hunting for exotic mismatches.
    /// </summary>
    private static IEnumerable<int> Seeds()
    {
        int[] fixedSeeds = [1, 2, 3, 20261121, 2001, 2000];
        var extra = int.TryParse(Environment.GetEnvironmentVariable("FFI_LAYOUT_SEEDS"), out int n) ? Enumerable.Range(1000, n) : [];
        return fixedSeeds.Concat(extra);
    }

    [TestCaseSource(nameof(Seeds))]
    public void RandomTypesMatchGcc(int seed)
    {
        var gen = new RandomLayoutGenerator(seed, $"R{seed}_");
        gen.Generate(TypesPerSeed);
        var specJson = GccLayoutOracle.SpecJson(gen.Cases, gen.ExtraSpecTypes);
        var spec = FfiSpec.Parse(specJson);

        var gcc = GccLayoutOracle.AskGcc(gen.Cases, gen.Prelude);
        var engine = GccLayoutOracle.AskEngine(spec, gen.Cases);
        var diffs = GccLayoutOracle.Diff(gcc, engine);
        Assert.That(diffs, Is.Empty, () => Explain(diffs, gen));

        // Enough was compared for the test to mean something: every type plus its members.
        int expected = gen.Cases.Sum(c => 1 + c.Members.Count);
        Assert.That(gcc, Has.Count.EqualTo(expected));
        Assert.That(gcc.Keys.Count(k => k.StartsWith("B ", StringComparison.Ordinal)), Is.GreaterThan(50), "too few bitfields generated");

        AssertInspectJsonAgrees(spec, gen, gcc);
    }

    // Reads the top-level members back from `ffi inspect --json` and checks them against gcc's answers.
    private static void AssertInspectJsonAgrees(FfiSpec spec, RandomLayoutGenerator gen, Dictionary<string, string> gcc)
    {
        using var doc = JsonDocument.Parse(LayoutJson.ToJson(spec));
        var types = doc.RootElement.GetProperty("types");
        var diffs = new List<string>();
        foreach (var c in gen.Cases)
        {
            var t = types.GetProperty(c.Name);
            var sizeAlign = $"{t.GetProperty("size").GetInt64()} {t.GetProperty("align").GetInt64()}";
            if (gcc[$"S {c.Name}"] != sizeAlign) diffs.Add($"{c.Name}: json {sizeAlign}, gcc {gcc[$"S {c.Name}"]}");
            foreach (var f in t.GetProperty("fields").EnumerateArray())
            {
                var name = f.GetProperty("name").GetString()!;
                if (name.Length == 0) continue;
                if (f.TryGetProperty("bitWidth", out var width))
                {
                    var got = $"{f.GetProperty("bitOffset").GetInt64()} {width.GetInt32()}";
                    if (gcc[$"B {c.Name}.{name}"] != got) diffs.Add($"{c.Name}.{name}: json {got}, gcc {gcc[$"B {c.Name}.{name}"]}");
                    if (f.GetProperty("offset").GetInt64() != f.GetProperty("bitOffset").GetInt64() / 8) diffs.Add($"{c.Name}.{name}: offset is not bitOffset/8");
                }
                else
                {
                    var got = (f.GetProperty("offset").GetInt64() * 8).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    if (gcc[$"O {c.Name}.{name}"] != got) diffs.Add($"{c.Name}.{name}: json {got}, gcc {gcc[$"O {c.Name}.{name}"]}");
                }
            }
        }
        Assert.That(diffs, Is.Empty);
    }

    private static string Explain(List<string> diffs, RandomLayoutGenerator gen)
    {
        var names = diffs.Select(d => d.Split(' ')[1].Split('.')[0]).Distinct().Take(5);
        var detail = names.Select(n => gen.Cases.FirstOrDefault(c => c.Name == n)).Where(c => c is not null)
            .Select(c => $"C: {c!.CDecl}\nspec: {c.SpecJson}");
        return string.Join("\n", diffs.Take(20)) + "\n\n" + string.Join("\n\n", detail);
    }
}
