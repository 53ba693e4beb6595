using Ffi.Compile;
using Ffi.Spec;
using Ffi.Types;

namespace Ffi.Tests.Compile;

/// <summary>
/// The repository's example specs (libc, libm, sqlite3, zlib) compile, load, and every named struct and union in
/// them has the engine's size (which the layout tiers hold to gcc); compiling from many threads at once gives the
/// same bytes (the compiler shares no state between calls).
/// </summary>
[TestFixture]
public sealed class CompiledExampleSpecTests
{
    [TestCase("libc.json", 1)]
    [TestCase("libm.json", 0)]
    [TestCase("sqlite3.json", 1)]
    [TestCase("zlib.json", 1)]
    public void AnExampleSpecCompilesAndLoads(string file, int atLeast)
    {
        var spec = FfiSpec.Load(Path.Combine(AppContext.BaseDirectory, "examples", file));
        using var compiled = new CompiledAssembly(spec, "Example." + Path.GetFileNameWithoutExtension(file).Replace("3", "", StringComparison.Ordinal));
        Assert.That(compiled.Assembly.GetTypes(), Is.Not.Empty);
        var checkedTypes = 0;
        foreach (var name in spec.Types.Names.Where(n => !spec.Types.IsAlias(n)))
        {
            if (spec.Types[name] is not (AggregateType or HandleType or EnumType) || spec.Types[name].Name != name) continue;
            Assert.That(CompiledAssembly.SizeOf(compiled.Type(name)), Is.EqualTo(spec.Types[name].Size), name);
            checkedTypes++;
        }
        Assert.That(checkedTypes, Is.GreaterThanOrEqualTo(atLeast));
    }

    [Test]
    public void CompilingFromManyThreadsGivesTheSameBytes()
    {
        var spec = FfiSpec.Load(Path.Combine(AppContext.BaseDirectory, "examples", "sqlite3.json"));
        var expected = BindingCompiler.Compile(spec, new BindingOptions("Sqlite")).Assembly;
        var results = new byte[16][];
        Parallel.For(0, results.Length, i => results[i] = BindingCompiler.Compile(spec, new BindingOptions("Sqlite")).Assembly);
        Assert.That(results, Is.All.EqualTo(expected));
    }
}
