using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ffi.Examples;
using Ffi.Spec;

namespace Ffi.Tests.Examples;

/// <summary>
/// The programs of examples/ run against their specs, with facts of their output checked; and every spec in
/// examples/ binds on this machine (its libraries load, every symbol resolves) and documents what it declares.
/// </summary>
[TestFixture]
public sealed class ExampleProgramTests
{
    private static readonly string[] ExampleSpecs = ["libc.json", "libm.json", "sqlite3.json", "zlib.json"];

    private static string SpecPath(string file) => Path.Combine(TestContext.CurrentContext.TestDirectory, "examples", file);

    // Every spec copied to examples/ of the test output (the csproj copies examples/*.json there).
    private static IEnumerable<string> SpecFiles() =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "examples"), "*.json").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal);

    private static string Run(Func<TextWriter, string, int> program, string spec)
    {
        var output = new StringWriter(CultureInfo.InvariantCulture);
        int code = program(output, SpecPath(spec));
        var text = output.ToString();
        Assert.That(code, Is.Zero, text);
        Assert.That(text, Does.EndWith("all steps passed" + Environment.NewLine));
        return text;
    }

    [Test]
    public void LibcExampleSortsSearchesFormatsTimesAndParses()
    {
        var output = Run(LibcExample.Run, "libc.json");
        Assert.That(output, Does.Contain("sorted: -12.5, -3, 9.75, 14, 18.5, 21.5, 25, 30.25"));
        Assert.That(output, Does.Match(@"qsort: 8 readings of 16 bytes, \d+ calls of the managed comparator"));
        Assert.That(output, Does.Contain("bsearch 21.5: index 5, station 2"));
        Assert.That(output, Does.Contain("bsearch -12.5: index 0, station 4"));
        Assert.That(output, Does.Contain("bsearch 99: not found (NULL)"));
        Assert.That(output, Does.Contain("1000000000 is 2001-09-09 01:46:40 GMT, a Sunday (day 252 of the year)"));
        Assert.That(output, Does.Match(@"\d+ is \d{4}-\d\d-\d\d \d\d:\d\d:\d\d GMT, a \w+day"), "the current time");
        Assert.That(output, Does.Contain("strtol(\"12345 apples\", &end, 0) = 12345, 5 chars used, rest \" apples\", errno 0"));
        Assert.That(output, Does.Contain("strtol(\"-0x7fff\", &end, 0) = -32767, 7 chars used, rest \"\", errno 0"));
        Assert.That(output, Does.Contain("strtol(\"99999999999999999999\", &end, 0) = 9223372036854775807, 20 chars used, rest \"\", errno 34 (Numerical result out of range)"));
        Assert.That(output, Does.Contain("div(17, 5) = { quot = 3, rem = 2 }"));
        Assert.That(output, Does.Contain("labs(-2^40) = 1099511627776"));
        Assert.That(output, Does.Match("snprintf wrote \\d+ bytes: \"libc.so.6 has \\d+ functions, pi ~ 3.14159\""));
        Assert.That(output, Does.Contain("getenv(\"FFI_EXAMPLE_GREETING\") = \"hello from C\""));
    }

    [Test]
    public void LibmExampleTabulatesCallsTypedAndReturnsThroughPointers()
    {
        var output = Run(LibmExample.Run, "libm.json");
        Assert.That(output, Does.Match(@"sqrt\s+0\.707107\s+1\s+1\.41421\s+3\.16228"));
        Assert.That(output, Does.Match(@"floor\s+0\s+1\s+2\s+10"));
        Assert.That(output, Does.Contain("13 functions; sqrt and cos agree with System.Math: True"));
        Assert.That(output, Does.Contain("fmod(-7.5, 2) = -1.5, hypot(3, 4) = 5, ldexp(0.75, 6) = 48"));
        Assert.That(output, Does.Match(@"GetFunction<Func<float, float>>\(""sqrt""\) is refused:\r?\n +sqrt: Func`2 does not match the spec \(double sqrt\(double\)\):\r?\n +param\[0\]: Single does not map to double \(use double\)"));
        Assert.That(output, Does.Contain("frexp(48) = 0.75 with *exp = 6"));
        Assert.That(output, Does.Contain("frexp(-5) = -0.625 with *exp = 3"));
        Assert.That(output, Does.Contain("modf(-3.25) = -0.25 with *iptr = -3"));
        Assert.That(output, Does.Contain("modf(10000000000.5) = 0.5 with *iptr = 10000000000"));
    }

    [Test]
    public void ZlibExampleCompressesAndRoundTripsInOneCallAndAsAStream()
    {
        var output = Run(ZlibExample.Run, "zlib.json");
        Assert.That(output, Does.Contain("crc32(\"The quick brown fox...\") = 0x414fa339, adler32 = 0x5bdc0fda"));
        Assert.That(output, Does.Match(@"crc32 of the (\d+)-byte text = (0x[0-9a-f]{8}); in two parts = \2"));

        var oneShot = Regex.Match(output, @"compress2 level 9: Ok, (\d+) -> (\d+) bytes, ratio (0\.\d+)");
        Assert.That(oneShot.Success, Is.True, output);
        Assert.That(double.Parse(oneShot.Groups[3].Value, CultureInfo.InvariantCulture), Is.LessThan(0.1), "a repeated paragraph compresses well");
        Assert.That(output, Does.Contain($"uncompress: Ok, {oneShot.Groups[2].Value} -> {oneShot.Groups[1].Value} bytes, identical to the original: True"));
        Assert.That(output, Does.Contain("uncompress into 100 bytes: BufError"));

        Assert.That(output, Does.Contain("z_stream: 112 bytes; avail_out at offset 32, adler at 96"));
        var deflate = Regex.Match(output, @"deflate: (\d+) calls, StreamEnd; total_in (\d+), total_out (\d+)");
        Assert.That(deflate.Success, Is.True, output);
        Assert.That(int.Parse(deflate.Groups[1].Value, CultureInfo.InvariantCulture), Is.GreaterThan(1), "the streaming loop ran");
        Assert.That(deflate.Groups[2].Value, Is.EqualTo(oneShot.Groups[1].Value), "total_in: the whole text");
        Assert.That(output, Does.Contain("the stream's adler field is adler32() of the input: True"));
        Assert.That(output, Does.Match($@"inflate: \d+ calls, StreamEnd; total_in {deflate.Groups[3].Value}, total_out {deflate.Groups[2].Value}"));
        Assert.That(output, Does.Contain($"round trip: {deflate.Groups[2].Value} -> {deflate.Groups[3].Value} -> {deflate.Groups[2].Value} bytes, identical: True"));
    }

    [Test]
    public void SqliteExampleInsertsWithBoundParametersAndQueriesThreeWays()
    {
        var output = Run(SqliteExample.Run, "sqlite3.json");
        Assert.That(output, Does.Match(@"sqlite example: libsqlite3\.so\.0, SQLite 3\.\d+\.\d+"));
        Assert.That(output, Does.Contain("sqlite3_open(\":memory:\") = Ok, db set, tagged \"sqlite3\""));
        Assert.That(output, Does.Contain("CREATE TABLE: Ok"));
        Assert.That(output, Does.Match(@"Barbara Liskov\s+born 1939: step = Done, changes 1, rowid 6"));
        Assert.That(output, Does.Contain("6 rows inserted"));
        Assert.That(output, Does.Contain("name | born: Ok, 6 rows, youngest first"));
        var youngest = Regex.Match(output, @"   Barbara Liskov +1939\r?\n");
        var oldest = Regex.Match(output, @"   Charles Babbage +1791\r?\n");
        Assert.That(youngest.Success && oldest.Success && youngest.Index < oldest.Index, Is.True, "ORDER BY born DESC, row by row through the callback");
        Assert.That(output, Does.Contain("through a dynamic handler: 2 pioneers born before 1900 (Ok)"));
        Assert.That(output, Does.Contain("a callback returning 1 on the second row: Abort after 2 rows"));
        Assert.That(output, Does.Contain("born > 1900; 4 columns: id, name, born, known_for"));
        Assert.That(output, Does.Match(@"#3 Grace Hopper\s+1906  the first compiler"));
        Assert.That(output, Does.Contain("last step: Done, 4 rows"));
        Assert.That(output, Does.Contain("SELECT * FROM nowhere: Error, errmsg \"no such table: nowhere\""));
        Assert.That(output, Does.Contain("sqlite3_step(db): sqlite3_step: param[0] (sqlite3_stmt): pointer tagged \"sqlite3\" where \"sqlite3_stmt\""));
        Assert.That(output, Does.Contain("sqlite3_close = Ok"));
    }

    [Test]
    public void TheExampleSpecsAreCopiedForTheTests() => Assert.That(SpecFiles(), Is.SupersetOf(ExampleSpecs));

    [TestCaseSource(nameof(SpecFiles))]
    public void SpecBindsOnThisMachine(string file)
    {
        var spec = FfiSpec.Load(SpecPath(file));
        using var module = NativeModule.Open(spec);     // loads the libraries and resolves every symbol, or throws
        Assert.That(spec.Functions, Is.Not.Empty);
        foreach (var function in spec.Functions)
            Assert.That(module.GetFunctionAddress(function.Name), Is.Not.Zero, function.Name);
    }

    [TestCaseSource(nameof(SpecFiles))]
    public void SpecDocumentsEveryTypeAndFunction(string file)
    {
        var spec = FfiSpec.Load(SpecPath(file));
        var undocumented = spec.Functions.Where(f => string.IsNullOrWhiteSpace(f.Doc)).Select(f => $"functions: {f.Name}").ToList();
        // Aliases take their target's type object, so a type's doc is read from the JSON itself.
        using var json = JsonDocument.Parse(File.ReadAllText(SpecPath(file)), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        if (json.RootElement.TryGetProperty("types", out var types))
        {
            foreach (var type in types.EnumerateObject())
            {
                if (type.Value.ValueKind != JsonValueKind.Object || !type.Value.TryGetProperty("doc", out var doc) || string.IsNullOrWhiteSpace(doc.GetString()))
                    undocumented.Add($"types: {type.Name}");
            }
        }
        Assert.That(undocumented, Is.Empty);
    }
}
