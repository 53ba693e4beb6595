using System.Text.Json;
using Ffi.Demo;
using Ffi.Tests.Oracle;

namespace Ffi.Tests.Cli;

/// <summary><c>ffi inspect</c>: the JSON contract of docs/cli.md, the readable table, and bad input.</summary>
[TestFixture]
public sealed class InspectCommandTests
{
    private string _dir = null!;

    [SetUp]
    public void CreateDir() => _dir = Directory.CreateTempSubdirectory("ffi-inspect-").FullName;

    [TearDown]
    public void RemoveDir() => Directory.Delete(_dir, recursive: true);

    private string Write(string json)
    {
        var path = Path.Combine(_dir, "spec.json");
        File.WriteAllText(path, json);
        return path;
    }

    private static (int Code, string Out, string Err) Run(params string[] args) => InProcessCli.Run(args);

    private const string PointSpec = """
        { "version": "1", "lib": "libc.so.6", "types": {
            "point": { "kind": "struct", "fields": [
                { "name": "a", "type": "int32" },
                { "name": "pad", "type": "uint32", "bits": 3 },
                { "name": "b", "type": "uint32", "bits": 5 },
                { "name": "", "type": "uint32", "bits": 0 },
                { "name": "c", "type": { "kind": "pointer", "to": "point" } } ] },
            "u": { "kind": "union", "fields": [ { "name": "i", "type": "int" }, { "name": "d", "type": "double" } ] },
            "size_type": "size_t",
            "anon_user": { "kind": "struct", "fields": [ { "name": "in", "type": { "kind": "struct", "fields": [ { "name": "x", "type": "char" } ] } } ] }
        } }
        """;

    [Test]
    public void JsonListsEveryNamedTypeWithTheContractShape()
    {
        var (code, stdout, stderr) = Run("inspect", Write(PointSpec), "--json");
        Assert.That(code, Is.Zero, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var types = doc.RootElement.GetProperty("types");
        Assert.That(types.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "point", "u", "size_type", "anon_user" }),
            "every named type in spec order, no anonymous inline type");

        var point = types.GetProperty("point");
        Assert.That(point.GetProperty("kind").GetString(), Is.EqualTo("struct"));
        Assert.That(point.GetProperty("size").GetInt64(), Is.EqualTo(16));
        Assert.That(point.GetProperty("align").GetInt64(), Is.EqualTo(8));
        var fields = point.GetProperty("fields").EnumerateArray().ToArray();
        Assert.That(fields, Has.Length.EqualTo(5));
        Assert.That(fields[0].GetRawText(), Is.EqualTo("""{"name":"a","type":"int32","offset":0}""").IgnoreWhiteSpace);
        Assert.That(fields[2].GetRawText(), Is.EqualTo("""{"name":"b","type":"uint32","offset":4,"bitOffset":35,"bitWidth":5}""").IgnoreWhiteSpace);
        Assert.That(fields[3].GetRawText(), Is.EqualTo("""{"name":"","type":"uint32","offset":8,"bitOffset":64,"bitWidth":0}""").IgnoreWhiteSpace);
        Assert.That(fields[4].GetProperty("type").GetString(), Is.EqualTo("point*"));
        Assert.That(fields[4].GetProperty("offset").GetInt64(), Is.EqualTo(8));

        var u = types.GetProperty("u");
        Assert.That(u.GetProperty("kind").GetString(), Is.EqualTo("union"));
        Assert.That(u.GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("offset").GetInt64()), Is.All.Zero);
        Assert.That(types.GetProperty("size_type").GetRawText(), Is.EqualTo("""{"kind":"int","size":8,"align":8}""").IgnoreWhiteSpace);
        Assert.That(types.GetProperty("anon_user").GetProperty("fields")[0].GetProperty("type").GetString(), Is.EqualTo("struct {…}"));
    }

    [Test]
    public void TableShowsOffsetsHolesAndPadding()
    {
        var (code, stdout, _) = Run("inspect", Write("""
            { "version": "1", "lib": "x", "types": { "s": { "kind": "struct", "fields": [
              { "name": "c", "type": "char" }, { "name": "d", "type": "double" }, { "name": "f", "type": "uint8", "bits": 3 } ] } } }
            """));
        Assert.That(code, Is.Zero);
        var lines = stdout.Split('\n').Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToArray();
        Assert.That(lines[0], Is.EqualTo("struct s struct, size 24, align 8"));
        Assert.That(lines, Does.Contain("0 1 char c"));
        Assert.That(lines, Does.Contain("1 7 (hole)"));
        Assert.That(lines, Does.Contain("8 8 double d"));
        Assert.That(lines, Does.Contain("16 :3 uint8 f"));
        Assert.That(lines, Does.Contain("16:3 :5 (padding)"), "the bits up to the byte boundary");
        Assert.That(lines, Does.Contain("17 7 (padding)"), "then whole bytes");
    }

    [Test]
    public void TableSplitsAHoleThatStartsInsideAByte()
    {
        // struct { uint8_t a:3; int b:30; }: b would cross its 32-bit unit, so it moves to bit 32;
        // the hole is 5 bits up to the byte boundary, then 3 whole bytes.
        var (code, stdout, _) = Run("inspect", Write("""
            { "version": "1", "lib": "x", "types": { "s": { "kind": "struct", "fields": [
              { "name": "a", "type": "uint8", "bits": 3 }, { "name": "b", "type": "int", "bits": 30 } ] } } }
            """));
        Assert.That(code, Is.Zero);
        var lines = stdout.Split('\n').Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToArray();
        Assert.That(lines, Does.Contain("0 :3 uint8 a"));
        Assert.That(lines, Does.Contain("0:3 :5 (hole)"));
        Assert.That(lines, Does.Contain("1 3 (hole)"));
        Assert.That(lines, Does.Contain("4 :30 int b"));
        Assert.That(lines, Does.Contain("7:6 :2 (padding)"));
    }

    [Test]
    public void TableListsTheMembersOfAnonymousMembersUnderThem()
    {
        var h = Path.Combine(_dir, "an.h");
        File.WriteAllText(h, "#pragma pack(push, 2)\ntypedef struct { char a; union { int x; struct { char y; double z; }; }; } an;\n#pragma pack(pop)\n");
        var (code, stdout, stderr) = Run("inspect", h, "--lib", "libc.so.6");
        Assert.That(code, Is.Zero, stderr);
        var lines = stdout.Split('\n').Select(l => l.TrimEnd()).ToArray();
        Assert.That(lines, Does.Contain("struct an                                struct, size 12, align 2, pack(2)"));
        var compact = lines.Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToArray();
        Assert.That(compact, Does.Contain("2 10 union {…} (unnamed)"));
        Assert.That(compact, Does.Contain("2 4 int x"));
        Assert.That(compact, Does.Contain("2 10 struct {…} (unnamed)"));
        Assert.That(compact, Does.Contain("2 1 char y"));
        Assert.That(compact, Does.Contain("4 8 double z"));
        Assert.That(lines.Single(l => l.EndsWith(" z", StringComparison.Ordinal)), Does.EndWith("      z"), "indented twice");
    }

    [Test]
    public void MalformedSpecPrintsThePathOnStderrAndExits2()
    {
        var (code, stdout, stderr) = Run("inspect", Write("""
            { "version": "1", "lib": "x", "types": { "point": { "kind": "struct", "fields": [
              { "name": "x", "type": "float" }, { "name": "y", "type": "flaot" } ] } } }
            """), "--json");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stdout, Is.Empty);
        Assert.That(stderr.Trim(), Is.EqualTo("types.point.fields[1].type: unknown type \"flaot\" (did you mean \"float\"?)"));
    }

    [Test]
    public void MissingFileIsAClearMessageAndExit2()
    {
        var missing = Path.Combine(_dir, "nope.json");
        var (code, _, stderr) = Run("inspect", missing);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr.Trim(), Is.EqualTo($"ffi inspect: cannot read spec \"{missing}\": no such file"));
    }

    [TestCase]
    [TestCase("a.json", "b.json")]
    [TestCase("--jsn")]
    public void WrongUsageExits2(params string[] rest)
    {
        var (code, _, stderr) = Run(["inspect", .. rest]);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.StartWith("ffi inspect: expected exactly one spec file"));
    }

    [Test]
    public void UnknownCommandExits2WithUsage()
    {
        var (code, _, stderr) = Run("frobnicate");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("unknown command \"frobnicate\"").And.Contain("Usage:"));
    }

    [Test]
    public void DemoPrintsTheWellKnownLayouts()
    {
        var (code, stdout, _) = Run();
        Assert.That(code, Is.Zero);
        Assert.That(stdout, Does.Contain("struct tm").And.Contain("size 56, align 8"));
        Assert.That(stdout, Does.Contain("struct z_stream").And.Contain("size 112, align 8"));
    }

    [Test]
    public void TheRealProgramPrintsJsonAndExitCodes()
    {
        // The built `ffi` program, as a script would run it.
        var ffi = Path.Combine(TestContext.CurrentContext.TestDirectory, "ffi.dll");
        var (code, stdout, _) = Gcc.Exec("dotnet", $"\"{ffi}\" inspect \"{Write(PointSpec)}\" --json");
        Assert.That(code, Is.Zero);
        using var doc = JsonDocument.Parse(stdout);
        Assert.That(doc.RootElement.GetProperty("types").GetProperty("point").GetProperty("size").GetInt64(), Is.EqualTo(16));

        var (bad, _, err) = Gcc.Exec("dotnet", $"\"{ffi}\" inspect \"{Write("""{"version": "2", "lib": "x"}""")}\"");
        Assert.That(bad, Is.EqualTo(2));
        Assert.That(err.Trim(), Is.EqualTo("version: unsupported version (expected \"1\")"));
    }
}
