using Ffi.Spec;
using Ffi.Tests.Oracle;

namespace Ffi.Tests.Layout;

/// <summary>Every named shape laid out by the engine and by gcc; one test per shape.</summary>
[TestFixture]
public sealed class NamedLayoutTests
{
    private static Dictionary<string, string> _gcc = null!;
    private static Dictionary<string, string> _engine = null!;

    [OneTimeSetUp]
    public static void CompileAll()
    {
        var cases = NamedLayoutCases.All;
        var spec = FfiSpec.Parse(GccLayoutOracle.SpecJson(cases, NamedLayoutCases.ExtraTypes));
        _gcc = GccLayoutOracle.AskGcc(cases);
        _engine = GccLayoutOracle.AskEngine(spec, cases);
    }

    private static IEnumerable<string> CaseNames => NamedLayoutCases.All.Select(c => c.Name);

    [TestCaseSource(nameof(CaseNames))]
    public void MatchesGcc(string name)
    {
        var mine = _gcc.Where(kv => kv.Key == $"S {name}" || kv.Key.StartsWith($"O {name}.", StringComparison.Ordinal) || kv.Key.StartsWith($"B {name}.", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.That(mine, Is.Not.Empty, "gcc printed nothing for this case");
        var diffs = GccLayoutOracle.Diff(mine, _engine.Where(kv => mine.ContainsKey(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value));
        var c = NamedLayoutCases.All.Single(k => k.Name == name);
        Assert.That(diffs, Is.Empty, $"C: {c.CDecl}\nspec: {c.SpecJson}");
    }

    [Test]
    public void EveryListedMemberWasMeasuredByGcc()
    {
        int expected = NamedLayoutCases.All.Sum(c => 1 + c.Members.Count);
        Assert.That(_gcc, Has.Count.EqualTo(expected));
        Assert.That(_engine, Has.Count.EqualTo(expected));
    }
}
