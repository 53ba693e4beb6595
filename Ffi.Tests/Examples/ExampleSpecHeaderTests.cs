using Ffi.Spec;
using Ffi.Tests.Layout;
using Ffi.Types;
using Ffi.Tests.Oracle;

namespace Ffi.Tests.Examples;

/// <summary>
/// The structs of the specs in examples/ are the system's own: gcc compiles the headers (<c>time.h</c>,
/// <c>stdlib.h</c>, <c>zlib.h</c>) and must agree with the engine on the size, the alignment and every member.
/// </summary>
[TestFixture]
public sealed class ExampleSpecHeaderTests
{
    [TestCase("libc.json", "#include <time.h>\n#include <stdlib.h>", "tm=struct tm", "div_t=div_t", "ldiv_t=ldiv_t")]
    [TestCase("zlib.json", "#include <zlib.h>", "z_stream=z_stream")]
    public void ExampleStructsMatchTheSystemHeaders(string specFile, string includes, params string[] mapping)
    {
        var spec = FfiSpec.Load(Path.Combine(TestContext.CurrentContext.TestDirectory, "examples", specFile));
        var cases = mapping.Select(pair => pair.Split('=')).Select(p =>
        {
            var type = (AggregateType)spec.Types[p[0]];
            // C11 allows a typedef to be repeated with the same type: "typedef div_t div_t;", "typedef struct tm tm;".
            return new LayoutCase(p[0], "", $"typedef {p[1]} {p[0]};", type.Fields.Select(f => (f.Name, false)).ToArray());
        }).ToList();
        var gcc = GccLayoutOracle.AskGcc(cases, includes);
        var engine = GccLayoutOracle.AskEngine(spec, cases);
        Assert.That(gcc, Has.Count.EqualTo(cases.Sum(c => 1 + c.Members.Count)));
        Assert.That(GccLayoutOracle.Diff(gcc, engine), Is.Empty);
    }
}
