using System.Globalization;
using Ffi.Examples;

namespace Ffi.Tests.Aot;

/// <summary>
/// examples/AotCoreExample under the JIT, in this process: the same lines as the published programs, except that a
/// nested anonymous object, whose members nothing trims here, is read instead of refused.
/// </summary>
[TestFixture]
public sealed class AotCoreExampleTests
{
    [Test]
    public void UnderTheJitTheProgramPrintsTheSameLayoutsAndReadsEveryInitializer()
    {
        var output = new StringWriter(CultureInfo.InvariantCulture);
        var directory = TestContext.CurrentContext.TestDirectory;
        int code = AotCoreExample.Run(output, directory);
        Assert.That(code, Is.Zero, output.ToString());
        ExpectedCoreOutput.AssertMatches(output.ToString(), trimmed: false);
    }
}
