using Ffi.Demo;
using Ffi.Tests.Oracle;

namespace Ffi.Tests.Layout;

/// <summary>
/// The specs the demo embeds describe real C types; gcc compiles the system headers
/// (<c>time.h</c>, <c>stdlib.h</c>, <c>zlib.h</c>) and must agree with the engine on every member.
/// </summary>
[TestFixture]
public sealed class SystemHeaderTests
{
    [TestCase("libc.json", "#include <time.h>\n#include <stdlib.h>", "tm=struct tm", "timespec=struct timespec", "div_t=div_t", "ldiv_t=ldiv_t")]
    [TestCase("zlib.json", "#include <zlib.h>", "z_stream=z_stream")]
    public void EmbeddedSpecMatchesSystemHeaders(string specFile, string includes, params string[] mapping)
    {
        var spec = DemoTour.LoadEmbedded(specFile);
        var cases = new List<LayoutCase>();
        foreach (var pair in mapping)
        {
            var (specName, cName) = (pair.Split('=')[0], pair.Split('=')[1]);
            var type = (Ffi.Types.AggregateType)spec.Types[specName];
            // A typedef per type so the oracle can use the spec's name for the C type.
            cases.Add(new LayoutCase(specName, "", $"typedef {cName} {specName}_c;", type.Fields.Select(f => (f.Name, false)).ToArray()));
        }
        var renamed = cases.Select(c => c with { Name = c.Name + "_c" }).ToList();
        var gcc = GccLayoutOracle.AskGcc(renamed, includes);
        var engine = GccLayoutOracle.AskEngine(spec, cases)
            .ToDictionary(kv => Rename(kv.Key, cases), kv => kv.Value);
        Assert.That(gcc, Has.Count.EqualTo(cases.Sum(c => 1 + c.Members.Count)));
        Assert.That(GccLayoutOracle.Diff(gcc, engine), Is.Empty);
    }

    private static string Rename(string key, List<LayoutCase> cases)
    {
        foreach (var c in cases)
        {
            var prefix = key[..2];
            var rest = key[2..];
            if (rest == c.Name || rest.StartsWith(c.Name + ".", StringComparison.Ordinal))
                return prefix + c.Name + "_c" + rest[c.Name.Length..];
        }
        return key;
    }
}
