using System.Text.RegularExpressions;
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
    public void EverySectionShowsItsSpecAndItsCSharpBesideItsOutput()
    {
        var (_, text) = Tour();
        Assert.That(Regex.Matches(text, "^-- C#:$", RegexOptions.Multiline), Has.Count.EqualTo(11));
        Assert.That(Regex.Matches(text, "^-- output:$", RegexOptions.Multiline), Has.Count.EqualTo(11));
        Assert.That(Regex.Matches(text, @"^-- spec \((libc|libm|zlib|sqlite3|toolbox)\.json\):$", RegexOptions.Multiline), Has.Count.GreaterThanOrEqualTo(11));
        // The spec lines are the embedded specs' declarations as written there, docs aside.
        Assert.That(text, Does.Contain("-- spec (libc.json):\n   {\"name\":\"abs\",\"ret\":\"int\",\"params\":[\"int\"]}\n"));
        Assert.That(text, Does.Contain("-- spec (libm.json):\n   {\"name\":\"cos\",\"ret\":\"double\",\"params\":[\"double\"]}\n"));
        Assert.That(text, Does.Contain("-- C#:\n   using var c = NativeModule.Open(libc);\n   var d = (StructValue)c.Invoke(\"div\", 17, 5)!;\n"));
        Assert.That(text, Does.Contain("-- output:\n   div(17, 5) = { quot = 3, rem = 2 }\n"));

        // Every line shown as C# is a line of the tour's source: what is shown is what ran.
        var source = string.Concat(Directory.GetFiles(Path.Combine(Docs.DocText.RepositoryRoot, "Ffi.Demo", "Tour"), "*.cs").Select(File.ReadAllText));
        var shown = Regex.Matches(text, @"^-- C#:\n((?:   .*\n|\n)*?)-- output:", RegexOptions.Multiline)
            .SelectMany(m => m.Groups[1].Value.Split('\n')).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        Assert.That(shown, Has.Count.GreaterThan(60));
        Assert.That(shown.Where(l => !source.Contains(l, StringComparison.Ordinal)), Is.Empty);
        Assert.That(shown, Has.None.StartsWith("Console =>").And.None.StartsWith("tour.Section"), "only the body is shown");
    }

    [Test]
    [NonParallelizable] // changes the current directory
    public void TheClosingHintNamesCommandsThatRun()
    {
        var previous = Environment.CurrentDirectory;
        try
        {
            Environment.CurrentDirectory = Docs.DocText.RepositoryRoot;
            var hints = Hints(Tour().Out);
            Assert.That(hints, Has.Count.EqualTo(3));
            foreach (var hint in hints)
            {
                Assert.That(hint, Does.StartWith("dotnet run --project Ffi.Demo -- "), "in a checkout: the README's way to run the program");
                var args = hint["dotnet run --project Ffi.Demo -- ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                Assert.That(Demo.Cli.Run(args, TextWriter.Null, TextWriter.Null), Is.EqualTo(Demo.Cli.Ok), hint);
            }

            Environment.CurrentDirectory = Path.GetTempPath();
            var outside = Hints(Tour().Out);
            var ffi = typeof(DemoTour).Assembly.Location;
            Assert.That(outside[2], Is.EqualTo($"dotnet {ffi} --help"), "outside a checkout: the program as it was started (here: by a test host)");
            Assert.That(File.Exists(ffi));
        }
        finally
        {
            Environment.CurrentDirectory = previous;
        }
    }

    // The commands after "Next, from the shell:", without their explanations.
    private static List<string> Hints(string text) =>
        text[text.IndexOf("Next, from the shell:", StringComparison.Ordinal)..].Split('\n').Skip(1)
            .Where(l => l.StartsWith("  ", StringComparison.Ordinal))
            .Select(l => Regex.Replace(l.Trim(), @"\s{2,}.*$", "")).ToList();

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
