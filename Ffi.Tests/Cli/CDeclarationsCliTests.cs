using System.Text.Json;
using Ffi.Spec;

namespace Ffi.Tests.Cli;

/// <summary>
/// The CLI with C declarations (shared/SPEC.md: a <c>.h</c>/<c>.c</c> file or <c>--c</c>, with <c>--lib</c>) and
/// <c>ffi import</c>: the output is exactly what the same spec as JSON gives.
/// </summary>
[TestFixture]
public sealed class CDeclarationsCliTests
{
    private string _dir = null!;

    [SetUp]
    public void CreateDir() => _dir = Directory.CreateTempSubdirectory("ffi-cdecl-").FullName;

    [TearDown]
    public void RemoveDir() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static (int Code, string Out, string Err) Run(params string[] args) => Run(args, "");

    private static (int Code, string Out, string Err) Run(string[] args, string stdin) => InProcessCli.Run(args, stdin);

    private const string Decls = """
        struct point { int x; unsigned flags : 3; double *p; };
        typedef struct point point_t;
        unsigned long crc32(unsigned long crc, const unsigned char *buf, unsigned int len);
        const char *zlibVersion(void);
        """;

    [Test]
    public void InspectJsonOfAHeaderIsTheJsonOfTheSameSpec()
    {
        var h = Write("decls.h", Decls);
        var (code, fromC, err) = Run("inspect", h, "--lib", "libz.so.1", "--json");
        Assert.That(code, Is.Zero, err);
        var json = Write("same.json", FfiSpec.ParseC(Decls, "libz.so.1").ToJson());
        var (code2, fromJson, err2) = Run("inspect", json, "--json");
        Assert.That(code2, Is.Zero, err2);
        Assert.That(fromC, Is.EqualTo(fromJson));
        using var doc = JsonDocument.Parse(fromC);
        Assert.That(doc.RootElement.GetProperty("types").GetProperty("struct point").GetProperty("size").GetInt64(), Is.EqualTo(16));
    }

    [Test]
    public void InspectListsFunctionsEnumsAndFunctionPointersAsC()
    {
        var h = Write("more.h", "enum color { RED, GREEN = 5 };\ntypedef int (*cmp_fn)(const void *, const void *);\nvoid qsort(void *base, size_t n, size_t size, cmp_fn cmp);\nint abs(int);\n");
        var (code, stdout, err) = Run("inspect", h, "--lib", "libc.so.6");
        Assert.That(code, Is.Zero, err);
        var lines = stdout.Split('\n');
        Assert.That(lines, Does.Contain("C declarations (functions, variables, enum values, function pointer types):"));
        Assert.That(lines, Does.Contain("enum color { RED = 0, GREEN = 5 };"));
        Assert.That(lines, Does.Contain("typedef int (*cmp_fn)(const void *, const void *);"), "the pointees' const is kept");
        Assert.That(lines, Does.Contain("void qsort(void *, size_t, size_t, cmp_fn);"));
        Assert.That(lines, Does.Contain("int abs(int);"));
    }

    [Test]
    public void CallThroughAHeader()
    {
        var h = Write("zlib_decls.h", Decls);
        var (code, stdout, err) = Run("call", h, "--lib", "libz.so.1", "crc32", "0", "\"hello, world\"", "12");
        Assert.That(code, Is.Zero, err);
        Assert.That(stdout.Trim(), Is.EqualTo("4289425978"), "zlib.crc32(b'hello, world') in python");
        var (code2, version, _) = Run("call", h, "--lib", "libz.so.1", "zlibVersion");
        Assert.That(code2, Is.Zero);
        Assert.That(version.Trim(), Does.StartWith("\"1."));
    }

    [Test]
    public void BatchThroughAFileMarkedWithDashC()
    {
        var file = Write("decls.txt", "int abs(int); long labs(long);");
        var (code, stdout, err) = Run(["batch", file, "--c", "--lib", "libc.so.6"], "{\"fn\": \"abs\", \"args\": [-3]}\n{\"fn\": \"labs\", \"args\": [-5000000000]}\n");
        Assert.That(code, Is.Zero, err);
        Assert.That(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "{\"ok\":true,\"ret\":3}", "{\"ok\":true,\"ret\":5000000000}" }));
    }

    [Test]
    public void AHeaderWithoutLibIsBadInput()
    {
        var h = Write("decls.h", Decls);
        var (code, _, err) = Run("inspect", h);
        Assert.That(code, Is.EqualTo(Demo.Cli.BadInput));
        Assert.That(err.Trim(), Is.EqualTo("ffi inspect: C declarations name no library: give one with --lib PATH (e.g. --lib libz.so.1)"));
    }

    [Test]
    public void AMalformedHeaderPrintsTheLineAndCaret()
    {
        var h = Write("bad.h", "int abs(int)\n");
        var (code, _, err) = Run("inspect", h, "--lib", "libc.so.6");
        Assert.That(code, Is.EqualTo(Demo.Cli.BadInput));
        Assert.That(err, Is.EqualTo($"{h}:2:1: expected ';' after the declaration of abs, found the end of the input\n    \n    ^\n"));
    }

    [Test]
    public void ImportPrintsASpecOfTheNamedHeaderOnly()
    {
        var (code, stdout, err) = Run("import", "zlib.h", "--lib", "libz.so.1", "--only", "crc32");
        Assert.That(code, Is.Zero, err);
        var spec = FfiSpec.Parse(stdout);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(spec.Lib, Is.EqualTo("libz.so.1"));
            Assert.That(spec.Functions.Select(f => f.Name), Is.SupersetOf(new[] { "crc32", "crc32_combine" }));
            Assert.That(spec.Functions.Select(f => f.Name), Has.All.StartsWith("crc32"));
            Assert.That(spec.TryGetFunction("printf", out _), Is.False, "declarations of included headers are not kept");
            Assert.That(spec.Types.IsDeclared("uLong"), Is.True, "types the kept functions need are kept, from zconf.h");
        }
    }

    [Test]
    public void ImportOfALocalHeaderWithDefinesAndIncludeDirs()
    {
        var inc = Directory.CreateDirectory(Path.Combine(_dir, "inc")).FullName;
        File.WriteAllText(Path.Combine(inc, "dep.h"), "typedef unsigned short dep_t;\nint dep_only(void);\n");
        var h = Write("mine.h", "#include <dep.h>\n#ifdef WIDE\ntypedef long wide_t;\n#endif\n#define MINE_MAX (1 << 4)\nstruct mine { dep_t d; wide_t w; };\nint mine_get(struct mine *m);\n");
        var (code, stdout, err) = Run("import", h, "--lib", "libc.so.6", "-I", inc, "-DWIDE=1");
        Assert.That(code, Is.Zero, err);
        var spec = FfiSpec.Parse(stdout);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(spec.Functions.Select(f => f.Name), Is.EqualTo(new[] { "mine_get" }));
            Assert.That(spec.Types["struct mine"].Size, Is.EqualTo(16));
            Assert.That(spec.Constants.Single().Key, Is.EqualTo("MINE_MAX"));
            Assert.That(spec.Constants.Single().Value, Is.EqualTo(16));
        }
    }

    [Test]
    public void ImportOfAMissingHeaderIsBadInput()
    {
        var (code, _, err) = Run("import", "no_such_header_xyz.h", "--lib", "libc.so.6");
        Assert.That(code, Is.EqualTo(Demo.Cli.BadInput));
        Assert.That(err, Does.StartWith("ffi import: the preprocessor failed (gcc exit 1):"));
        Assert.That(err, Does.Contain("no_such_header_xyz.h"));
    }
}
