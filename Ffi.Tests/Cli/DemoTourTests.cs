using Ffi.Demo;

namespace Ffi.Tests.Cli;

/// <summary>The guided tour (<c>ffi</c>, <c>ffi demo</c>): every section runs against the real libraries and prints what they computed.</summary>
[TestFixture]
public sealed class DemoTourTests
{
    private static (int Code, string Out) Tour(Func<string, string>? library = null)
    {
        var output = new StringWriter();
        int code = library is null ? DemoTour.Run(output) : DemoTour.Run(output, library);
        return (code, output.ToString());
    }

    [Test]
    public void EverySectionShowsWhatTheLibrariesComputed()
    {
        var (code, text) = Tour();
        Assert.That(code, Is.EqualTo(Demo.Cli.Ok), text);
        Assert.That(text, Does.Not.Contain("(this section failed"));
        Assert.That(text, Does.Not.Contain("(skipped"));
        string[] expected =
        [
            "struct tm", "z_stream", "(hole)",
            "abs(-42) = 42    labs(-9000000000) = 9000000000",
            "cos(0) = 1    pow(2, 0.5) = 1.414214",
            "strlen(\"héllo\") = 6 bytes",
            "getenv(\"FFI_DEMO_UNSET\") = null    toupper('a') = 'A'",
            "div(17, 5) = { quot = 3, rem = 2 }",
            "frexp(48) = 0.75 × 2^6",
            "snprintf -> \"1.500 + 2.250 = 3.750 (doubles)\" (31 characters)",
            "strtol(\"99999999999999999999\") = 9223372036854775807 (LONG_MAX), errno = 34",
            "after:  88 64 51 42 23 19 7 3 (descending,",
            "round trip identical",
            "  row: C# (2000)", "  row: Zig (2016)",
            "ipv4_header: version = 4, ihl = 5, ttl = 64, first byte = 0x45",
            "segment: from (1, 2) to (4, 10), 32 bytes",
            "a wrong field is an error, not a crash: Ffi",
        ];
        foreach (var line in expected) Assert.That(text, Does.Contain(line));
        Assert.That(text, Does.Not.Contain("row: C (1972)"), "the WHERE clause ran in sqlite");
        for (int i = 1; i <= 11; i++) Assert.That(text, Does.Contain($"== {i}. "));
    }

    [Test]
    public void AMissingLibrarySkipsItsSectionAndTheRestRuns()
    {
        var (code, text) = Tour(lib => lib == "libsqlite3.so.0" ? "libffi-demo-missing.so.0" : lib);
        Assert.That(code, Is.EqualTo(Demo.Cli.Ok), text);
        Assert.That(text, Does.Contain("(skipped: libffi-demo-missing.so.0 is not installed here"));
        Assert.That(text, Does.Not.Contain("row: C#"));
        Assert.That(text, Does.Contain("round trip identical"), "the section before still ran");
        Assert.That(text, Does.Contain("ipv4_header: version = 4"), "the section after still ran");
    }

    [Test]
    public void DemoIsTheDefaultCommandAndEveryCommandHasHelp()
    {
        var noArgs = new StringWriter();
        var demo = new StringWriter();
        Assert.That(Demo.Cli.Run([], noArgs, TextWriter.Null), Is.EqualTo(Demo.Cli.Ok));
        Assert.That(Demo.Cli.Run(["demo"], demo, TextWriter.Null), Is.EqualTo(Demo.Cli.Ok));
        Assert.That(demo.ToString().Split('\n').Length, Is.EqualTo(noArgs.ToString().Split('\n').Length));
        foreach (var command in new[] { "demo", "inspect", "call", "batch" })
        {
            var help = new StringWriter();
            Assert.That(Demo.Cli.Run([command, "--help"], help, TextWriter.Null), Is.EqualTo(Demo.Cli.Ok));
            Assert.That(help.ToString(), Does.StartWith($"Usage: ffi {command}"));
            Assert.That(help.ToString(), Does.Contain("Exit code"));
        }
        var overview = new StringWriter();
        Assert.That(Demo.Cli.Run(["--help"], overview, TextWriter.Null), Is.EqualTo(Demo.Cli.Ok));
        Assert.That(overview.ToString(), Does.Contain("ffi COMMAND --help"));
    }
}
