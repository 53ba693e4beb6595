using System.Runtime.Loader;
using System.Xml.Linq;
using Ffi.Tests.Oracle;
using Ffi.Tests.Compile;

namespace Ffi.Tests.Cli;

/// <summary>
/// <c>ffi compile</c>: the assembly it writes loads and holds the spec's types with gcc's layout; the defaults for the
/// namespace and class; every error is one canonical <c>FILE(LINE,COL): error FFI100N: MESSAGE</c> line whose position
/// the test finds in the JSON text it wrote, and exit code 2.
/// </summary>
[TestFixture]
public sealed class CompileCommandTests
{
    private const string Sample = """
        {
          "version": "1",
          "lib": "libc.so.6",
          "types": {
            "sample": {"kind": "struct", "fields": [
              {"name": "c", "type": "char"},
              {"name": "d", "type": "double"},
              {"name": "s", "type": "short"},
              {"name": "a", "type": {"kind": "array", "of": "int", "len": 3}},
              {"name": "p", "type": {"kind": "pointer", "to": "sample"}}
            ]},
            "color": {"kind": "enum", "base": "int", "values": {"RED": 1, "GREEN": 2, "BLUE": 4}}
          },
          "constants": {"ANSWER": 42}
        }
        """;

    private const string SampleC = """
        #include <stddef.h>
        #include <stdio.h>
        struct sample { char c; double d; short s; int a[3]; struct sample *p; };
        int main(void) {
            printf("%zu %zu %zu %zu %zu\n", sizeof(struct sample), offsetof(struct sample, d), offsetof(struct sample, s),
                   offsetof(struct sample, a), offsetof(struct sample, p));
            return 0;
        }
        """;

    private string _dir = null!;

    [SetUp]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("ffi-compile-cli-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Test]
    public void TheAssemblyHoldsTheTypesWithGccsLayout()
    {
        var spec = Write("sample.json", Sample);
        var output = Path.Combine(_dir, "out");
        var (code, stdout, stderr) = InProcessCli.Run(["compile", spec, "-o", output, "--namespace", "Samples.Abi", "--class", "Lib"]);

        Assert.That(code, Is.Zero, stderr);
        Assert.That(stderr, Is.Empty);
        var dll = Path.Combine(output, "Samples.Abi.Bindings.dll");
        Assert.That(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { dll, Path.Combine(output, "Samples.Abi.Bindings.xml") }));

        var gcc = Gcc.CompileAndRun(SampleC, "compile-cli-sample").Split(' ').Select(long.Parse).ToArray();
        var context = new AssemblyLoadContext("compile-cli", isCollectible: true);
        try
        {
            var assembly = context.LoadFromAssemblyPath(dll);
            var sample = assembly.GetType("Samples.Abi.sample", throwOnError: true)!;
            Assert.That(CompiledAssembly.SizeOf(sample), Is.EqualTo(gcc[0]), "sizeof(struct sample)");
            Assert.That(CompiledAssembly.Measure(sample, "c"), Is.EqualTo((0L, 1L)));
            Assert.That(CompiledAssembly.Measure(sample, "d"), Is.EqualTo((gcc[1], 8L)));
            Assert.That(CompiledAssembly.Measure(sample, "s"), Is.EqualTo((gcc[2], 2L)));
            Assert.That(CompiledAssembly.Measure(sample, "a"), Is.EqualTo((gcc[3], 12L)));
            Assert.That(CompiledAssembly.Measure(sample, "p"), Is.EqualTo((gcc[4], 8L)));

            var color = assembly.GetType("Samples.Abi.color", throwOnError: true)!;
            Assert.That(Enum.GetUnderlyingType(color), Is.EqualTo(typeof(int)));
            Assert.That(Enum.GetNames(color), Is.EqualTo(new[] { "RED", "GREEN", "BLUE" }));
            Assert.That(Enum.GetValuesAsUnderlyingType(color).Cast<int>(), Is.EqualTo(new[] { 1, 2, 4 }));

            var lib = assembly.GetType("Samples.Abi.Lib", throwOnError: true)!;
            Assert.That(lib.GetField("ANSWER")!.GetRawConstantValue(), Is.EqualTo(42L));
            Assert.That(lib.GetField("Library")!.GetRawConstantValue(), Is.EqualTo("libc.so.6"));
        }
        finally
        {
            context.Unload();
        }
        var doc = XDocument.Load(Path.Combine(output, "Samples.Abi.Bindings.xml"));
        Assert.That(doc.Root!.Element("assembly")!.Element("name")!.Value, Is.EqualTo("Samples.Abi.Bindings"));
    }

    [Test]
    public void TheZlibExampleCompilesWithZlibHsLayout()
    {
        var spec = Path.Combine(AppContext.BaseDirectory, "examples", "zlib.json");
        var (code, stdout, stderr) = InProcessCli.Run(["compile", spec, "-o", _dir]);
        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0], Is.EqualTo(Path.Combine(_dir, "Zlib.Bindings.dll")));

        var gcc = Gcc.CompileAndRun("""
            #include <stddef.h>
            #include <stdio.h>
            #include <zlib.h>
            int main(void) {
                printf("%zu %zu %zu %zu\n", sizeof(z_stream), offsetof(z_stream, avail_out), offsetof(z_stream, msg), offsetof(z_stream, adler));
                return 0;
            }
            """, "compile-cli-zlib").Split(' ').Select(long.Parse).ToArray();
        var context = new AssemblyLoadContext("compile-cli-zlib", isCollectible: true);
        try
        {
            var zStream = context.LoadFromAssemblyPath(Path.Combine(_dir, "Zlib.Bindings.dll")).GetType("Zlib.z_stream", throwOnError: true)!;
            Assert.That(CompiledAssembly.SizeOf(zStream), Is.EqualTo(gcc[0]), "sizeof(z_stream)");
            Assert.That(CompiledAssembly.Measure(zStream, "avail_out").Offset, Is.EqualTo(gcc[1]));
            Assert.That(CompiledAssembly.Measure(zStream, "msg").Offset, Is.EqualTo(gcc[2]));
            Assert.That(CompiledAssembly.Measure(zStream, "adler").Offset, Is.EqualTo(gcc[3]));
        }
        finally
        {
            context.Unload();
        }
    }

    [TestCase("zlib.json", "Zlib")]
    [TestCase("my-lib_v2.json", "MyLibV2")]
    [TestCase("libSDL2.h", "LibSDL2")]
    [TestCase("7z.json", "_7z")]
    [TestCase("dir.d/sqlite3.json", "Sqlite3")]
    [TestCase("--.json", "Bindings")]
    public void TheDefaultNamespaceIsTheFileNameInPascalCase(string file, string expected) =>
        Assert.That(Demo.Compile.CompileCommand.DefaultNamespace(file), Is.EqualTo(expected));

    [Test]
    public void WithoutOptionsItWritesIntoTheCurrentDirectoryWithTheDefaultNames()
    {
        var spec = Write("my-lib_v2.json", Sample);
        var previous = Environment.CurrentDirectory;
        Environment.CurrentDirectory = _dir;
        try
        {
            var (code, stdout, stderr) = InProcessCli.Run(["compile", "my-lib_v2.json"]);
            Assert.That(code, Is.Zero, stderr);
            Assert.That(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "./MyLibV2.Bindings.dll", "./MyLibV2.Bindings.xml" }));
        }
        finally
        {
            Environment.CurrentDirectory = previous;
        }
        var context = new AssemblyLoadContext("compile-cli-defaults", isCollectible: true);
        try
        {
            var assembly = context.LoadFromAssemblyPath(Path.Combine(_dir, "MyLibV2.Bindings.dll"));
            Assert.That(assembly.GetType("MyLibV2.sample"), Is.Not.Null);
            Assert.That(assembly.GetType("MyLibV2.Native")?.GetField("ANSWER"), Is.Not.Null);
        }
        finally
        {
            context.Unload();
        }
        Assert.That(spec, Does.Exist);
    }

    [Test]
    public void CDeclarationsCompileWithLib()
    {
        var header = Write("pair.h", "struct pair { char tag; long long value; };\nenum mode { MODE_A = 3, MODE_B };\n");
        var (code, _, stderr) = InProcessCli.Run(["compile", header, "--lib", "libc.so.6", "-o", _dir]);
        Assert.That(code, Is.Zero, stderr);
        Assert.That(Path.Combine(_dir, "Pair.Bindings.dll"), Does.Exist);
    }

    // The line and column (1-based) where `needle` starts in `text`, counted by the test.
    private static (int Line, int Column) PositionOf(string text, string needle, int occurrence = 1)
    {
        int at = -1;
        for (int i = 0; i < occurrence; i++) at = text.IndexOf(needle, at + 1, StringComparison.Ordinal);
        Assert.That(at, Is.GreaterThanOrEqualTo(0), needle);
        var before = text[..at];
        return (before.Count(c => c == '\n') + 1, at - (before.LastIndexOf('\n') + 1) + 1);
    }

    private static void AssertOneError(string[] args, string file, (int Line, int Column)? at, string code, string messageStart)
    {
        var (exit, stdout, stderr) = InProcessCli.Run(args);
        Assert.That(exit, Is.EqualTo(2), stderr);
        Assert.That(stdout, Is.Empty);
        var where = at is var (line, column) ? $"{file}({line},{column})" : file;
        var first = stderr.Split('\n')[0];
        Assert.That(first, Does.StartWith($"{where}: error {code}: {messageStart}"));
    }

    [Test]
    public void AnUnknownTypeIsASpecErrorAtTheValueOfItsPath()
    {
        var text = Sample.Replace("\"type\": \"short\"", "\"type\": \"shrot\"", StringComparison.Ordinal);
        var spec = Write("typo.json", text);
        AssertOneError(["compile", spec, "-o", _dir], spec, PositionOf(text, "\"shrot\""), "FFI1001", "types.sample.fields[2].type: unknown type \"shrot\"");
    }

    [Test]
    public void AMissingKeyIsASpecErrorAtItsObject()
    {
        var text = Sample.Replace("\"base\": \"int\", ", "", StringComparison.Ordinal);
        var spec = Write("nobase.json", text);
        AssertOneError(["compile", spec], spec, PositionOf(text, "{\"kind\": \"enum\""), "FFI1001", "types.color: missing required key \"base\"");
    }

    [Test]
    public void ATypeNamedWithQuotesInThePathIsFound()
    {
        var text = "{\n  \"version\": \"1\", \"lib\": \"x\",\n  \"types\": {\n    \"2d-point\": {\"kind\": \"struct\", \"fields\": [{\"name\": \"x\", \"type\": \"nope\"}]}\n  }\n}\n";
        var spec = Write("quoted.json", text);
        AssertOneError(["compile", spec], spec, PositionOf(text, "\"nope\""), "FFI1001", "types[\"2d-point\"].fields[0].type: unknown type");
    }

    [Test]
    public void AFunctionParameterErrorIsAtTheParameter()
    {
        var text = """
            {
              "version": "1", "lib": "libz.so.1",
              "functions": [
                {"name": "zlibVersion", "ret": "string", "params": []},
                {"name": "crc32", "ret": "ulong", "params": ["ulong", "uLongf", "uint"]}
              ]
            }
            """;
        var spec = Write("fn.json", text);
        AssertOneError(["compile", spec], spec, PositionOf(text, "\"uLongf\""), "FFI1001", "functions[1] (crc32): param[1]: unknown type \"uLongf\"");
    }

    [Test]
    public void InvalidJsonIsASpecErrorWhereTheReaderStopped()
    {
        var text = "{\n  \"version\": \"1\",\n  \"lib\": x\n}\n";
        var spec = Write("syntax.json", text);
        AssertOneError(["compile", spec], spec, PositionOf(text, "x\n"), "FFI1001", "$: invalid JSON");
    }

    [Test]
    public void AnUncompilableTypeIsACompileErrorAtItsDeclaration()
    {
        var text = Sample.Replace("\"color\":", "\"empty\": {\"kind\": \"struct\", \"fields\": []},\n    \"color\":", StringComparison.Ordinal);
        var spec = Write("empty.json", text);
        AssertOneError(["compile", spec, "-o", _dir], spec, PositionOf(text, "{\"kind\": \"struct\", \"fields\": []}"), "FFI1002", "types.empty: an empty struct");
        Assert.That(Directory.GetFiles(_dir, "*.dll"), Is.Empty, "nothing is written when the spec cannot be compiled");
    }

    [Test]
    public void AnInvalidNamespaceIsACompileErrorWithoutAPosition()
    {
        var spec = Write("sample.json", Sample);
        AssertOneError(["compile", spec, "--namespace", "1st"], spec, null, "FFI1002", "--namespace: \"1st\" is not a valid CLR namespace");
    }

    [Test]
    public void ACallbackSlotCountOutOfRangeIsACompileErrorWithoutAPosition()
    {
        var spec = Write("sample.json", Sample);
        AssertOneError(["compile", spec, "--callback-slots", "0", "-o", _dir], spec, null, "FFI1002", "--callback-slots: 0 callback slots per function pointer type: give 1 to 4096");
    }

    [Test]
    public void CDeclarationsGiveTheirFileLineAndColumn()
    {
        var text = "struct ok { int a; };\nstruct bad { int wide : 40; };\n";
        var header = Write("bad.h", text);
        AssertOneError(["compile", header, "--lib", "libc.so.6"], header, PositionOf(text, "wide"), "FFI1001", "bitfield width 40 exceeds");
    }

    [Test]
    public void AMissingSpecIsAnIoError()
    {
        var missing = Path.Combine(_dir, "missing.json");
        AssertOneError(["compile", missing], missing, null, "FFI1003", "cannot read the spec: no such file or directory");
    }

    [Test]
    public void AnOutputDirectoryThatCannotBeMadeIsAnIoError()
    {
        var spec = Write("sample.json", Sample);
        var blocked = Write("file-not-dir", "");
        AssertOneError(["compile", spec, "-o", blocked], Path.Combine(blocked, "Sample.Bindings.dll"), null, "FFI1003", "cannot write the bindings");
    }

    [TestCase(new string[0], "expected exactly one spec file")]
    [TestCase(new[] { "a.json", "b.json" }, "expected exactly one spec file")]
    [TestCase(new[] { "a.json", "--bogus" }, "unknown option \"--bogus\"")]
    [TestCase(new[] { "a.json", "-o" }, "-o needs a value")]
    [TestCase(new[] { "a.json", "--namespace=" }, "--namespace needs a value")]
    [TestCase(new[] { "a.h" }, "C declarations name no library")]
    [TestCase(new[] { "a.json", "--lib", "libc.so.6" }, "--lib is only for C declarations")]
    [TestCase(new[] { "a.json", "--callback-slots", "many" }, "--callback-slots takes a whole number, not \"many\"")]
    [TestCase(new[] { "a.json", "--callback-slots=-3" }, "--callback-slots takes a whole number, not \"-3\"")]
    public void UsageErrorsAreCanonicalToo(string[] args, string message) =>
        AssertOneError(["compile", .. args], "ffi compile", null, "FFI1000", message);

    [Test]
    public void HelpNamesTheOptionsAndTheErrorCodes()
    {
        var (code, stdout, _) = InProcessCli.Run(["compile", "--help"]);
        Assert.That(code, Is.Zero);
        Assert.That(stdout, Does.StartWith("Usage: ffi compile SPEC [-o DIR] [--namespace N] [--class C] [--callback-slots N] [--lib PATH] [--c]")
            .And.Contain("FFI1000").And.Contain("FFI1001").And.Contain("FFI1002").And.Contain("FFI1003"));
        foreach (var option in new[] { "-o DIR, --output DIR", "--namespace N", "--class C", "--callback-slots N", "--lib PATH", "--c " })
            Assert.That(stdout, Does.Contain("\n  " + option), $"a line of its own for {option}");
        Assert.That(stdout, Does.Contain("<FfiBinding Include=\"SPEC\" />").And.Contain("CallbackSlots").And.Contain("Exit codes: 0 ok, 2 "));
        Assert.That(InProcessCli.Run(["--help"]).Out, Does.Contain("ffi compile SPEC"));
    }
}
