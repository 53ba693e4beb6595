using System.Text.Json;
using Ffi.Tests.Native;
using Ffi.Tests.Oracle;

namespace Ffi.Tests.Cli;

/// <summary>
/// <c>ffi call</c> / <c>ffi batch</c> storage arguments (docs/cli.md, "Buffers, boxes and out-parameters"): buffers,
/// boxed structs and arrays, out-parameters, read back after the call. The C functions are compiled by gcc here,
/// and what they wrote is checked against what C computes, not against the CLI's own code.
/// </summary>
[TestFixture]
public sealed class StorageArgumentTests
{
    private const string Source = """
        #include <string.h>
        struct point { int x; int y; };
        struct rect { struct point min; struct point max; unsigned flags : 3; };
        /* Scales a point in place and returns its old x: reads and writes through a struct pointer. */
        int scale(struct point *p, int k) { int old = p->x; p->x *= k; p->y *= k; return old; }
        /* Writes a rectangle through an out-pointer: nested structs and a bitfield. */
        void make_rect(struct rect *r, int w, int h) { r->min.x = 1; r->min.y = 2; r->max.x = 1 + w; r->max.y = 2 + h; r->flags = 5; }
        /* Sums n ints of an array, and writes their product to *product. */
        long sum_ints(const int *a, int n, long *product) { long s = 0, p = 1; for (int i = 0; i < n; i++) { s += a[i]; p *= a[i]; } *product = p; return s; }
        /* Fills n ints with squares. */
        void squares(int *a, int n) { for (int i = 0; i < n; i++) a[i] = i * i; }
        /* Writes n bytes 0xA0 + i. */
        void bytes(unsigned char *b, int n) { for (int i = 0; i < n; i++) b[i] = (unsigned char)(0xA0 + i); }
        /* Upper-cases a string in place in a caller's buffer and returns its length. */
        int upcase(char *s) { int n = 0; for (; s[n]; n++) if (s[n] >= 'a' && s[n] <= 'z') s[n] -= 32; return n; }
        /* Writes a double through a pointer, to check floats read back exactly. */
        void third(double *d) { *d = 1.0 / 3.0; }
        """;

    private string _spec = null!;

    [OneTimeSetUp]
    public void CompileFixture()
    {
        var lib = Gcc.Compile(Source, "cli-storage", "-shared -fPIC");
        _spec = Path.Combine(TestContext.CurrentContext.WorkDirectory, "cli-storage.json");
        File.WriteAllText(_spec, $$"""
            { "version": "1", "lib": "{{lib}}",
              "types": {
                "point": { "kind": "struct", "fields": [ {"name":"x","type":"int"}, {"name":"y","type":"int"} ] },
                "rect": { "kind": "struct", "fields": [ {"name":"min","type":"point"}, {"name":"max","type":"point"},
                                                        {"name":"flags","type":"uint","bits":3} ] } },
              "functions": [
                { "name": "scale", "ret": "int", "params": [ {"kind":"pointer","to":"point"}, "int" ] },
                { "name": "make_rect", "ret": "void", "params": [ {"kind":"pointer","to":"rect"}, "int", "int" ] },
                { "name": "sum_ints", "ret": "long", "params": [ {"kind":"pointer","to":"int"}, "int", {"kind":"pointer","to":"long"} ] },
                { "name": "squares", "ret": "void", "params": [ {"kind":"pointer","to":"int"}, "int" ] },
                { "name": "bytes", "ret": "void", "params": [ "pointer", "int" ] },
                { "name": "upcase", "ret": "int", "params": [ {"kind":"pointer","to":"char"} ] },
                { "name": "third", "ret": "void", "params": [ {"kind":"pointer","to":"double"} ] } ] }
            """);
    }

    private (int Code, string Out, string Err) Call(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Demo.Cli.Run(["call", _spec, .. args], stdout, stderr);
        return (code, stdout.ToString().Trim(), stderr.ToString().Trim());
    }

    private string[] Batch(params string[] requests)
    {
        var output = new StringWriter();
        Assert.That(Demo.Cli.Batch([_spec], new StringReader(string.Join('\n', requests)), output, TextWriter.Null), Is.EqualTo(Demo.Cli.Ok));
        return output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Test]
    public void ABoxedStructIsInitialisedFromAnObjectAndReadBack() =>
        Assert.That(Call("scale", """{"box": "point", "value": {"x": 3, "y": -4}, "read": true}""", "10").Out,
            Is.EqualTo("""{"ret":3,"out":[{"x":30,"y":-40}]}"""));

    [Test]
    public void AnOutParameterOfAStructReadsBackNestedFieldsAndBitfields()
    {
        string expected = """{"ret":null,"out":[{"min":{"x":1,"y":2},"max":{"x":8,"y":12},"flags":5}]}""";
        Assert.That(Call("make_rect", """{"out": "rect"}""", "7", "10").Out, Is.EqualTo(expected));
        Assert.That(Call("make_rect", """{"out": true}""", "7", "10").Out, Is.EqualTo(expected), "true: the parameter's pointee type");
    }

    [Test]
    public void ArraysGoInWithCountAndComeBackAsArrays()
    {
        Assert.That(Call("sum_ints", """{"box": "int", "count": 4, "value": [2, 3, 5, 7]}""", "4", """{"out": true}""").Out,
            Is.EqualTo("""{"ret":17,"out":[210]}"""), "only the out-parameter is read back; the input box is not");
        Assert.That(Call("squares", """{"out": "int", "count": 5}""", "5").Out, Is.EqualTo("""{"ret":null,"out":[[0,1,4,9,16]]}"""));
        Assert.That(Call("third", """{"out": true}""").Out, Is.EqualTo("""{"ret":null,"out":[0.3333333333333333]}"""));
    }

    [Test]
    public void BuffersAreFilledFromTextAndReadBackAsTextOrHex()
    {
        Assert.That(Call("upcase", """{"buffer": 16, "value": "héllo, c", "read": "string"}""").Out, Is.EqualTo("""{"ret":9,"out":["HéLLO, C"]}"""));
        Assert.That(Call("bytes", """{"buffer": 4, "read": "hex"}""", "3").Out, Is.EqualTo("""{"ret":null,"out":["a0a1a200"]}"""));
        Assert.That(Call("bytes", """{"buffer": 4}""", "4").Out, Is.EqualTo("null"), "nothing read back: the bare result, as without storage");
    }

    [Test]
    public void VariadicExtrasTakeStorageToo()
    {
        var libc = Path.Combine(TestContext.CurrentContext.WorkDirectory, "cli-sscanf.json");
        File.WriteAllText(libc, """
            { "version": "1", "lib": "libc.so.6", "functions": [
                { "name": "sscanf", "ret": "int", "params": ["string", "string"], "variadic": true },
                { "name": "strtol", "ret": "long", "params": ["string", "pointer", "int"], "errno": true } ] }
            """);
        var stdout = new StringWriter();
        Assert.That(Demo.Cli.Run(["call", libc, "sscanf", "\"42 2.5 word\"", "\"%d %lf %7s\"",
            """[{"out": "int"}, {"out": "double"}, {"buffer": 8, "read": "string"}]"""], stdout, TextWriter.Null), Is.EqualTo(Demo.Cli.Ok));
        Assert.That(stdout.ToString().Trim(), Is.EqualTo("""{"ret":3,"out":[42,2.5,"word"]}"""));
    }

    [Test]
    public void BatchLinesGainOutOnlyWhenSomethingIsReadBack()
    {
        Assert.That(Batch(
                """{"fn": "scale", "args": [{"box": "point", "value": {"x": 1, "y": 2}}, 5]}""",
                """{"fn": "scale", "args": [{"box": "point", "value": {"x": 1, "y": 2}, "read": true}, 5]}""",
                """{"fn": "squares", "args": [{"out": "int", "count": 3}, 3]}"""),
            Is.EqualTo(new[]
            {
                """{"ok":true,"ret":1}""",
                """{"ok":true,"ret":1,"out":[{"x":5,"y":10}]}""",
                """{"ok":true,"ret":null,"out":[[0,1,4]]}""",
            }));
    }

    [TestCase("""{"box": "point", "nope": 1}""", "unknown key \"nope\"", TestName = "An unknown key is named")]
    [TestCase("""{"buffer": 0}""", "\"buffer\" must be a size in bytes from 1 to", TestName = "A buffer of zero bytes is refused")]
    [TestCase("""{"buffer": 4, "value": "hello"}""", "the value needs 6 bytes with its NUL; the buffer has 4", TestName = "A value longer than its buffer is refused")]
    [TestCase("""{"box": "point", "value": {"z": 1}}""", "point has no field \"z\"", TestName = "A boxed struct with a wrong field is refused")]
    [TestCase("""{"box": "point", "read": "yes"}""", "\"read\" on a box is true or false", TestName = "A box's read is a boolean")]
    [TestCase("""{"box": "point", "out": "point"}""", "give either \"box\"", TestName = "Box and out together are refused")]
    [TestCase("""{"out": "nosuchtype"}""", "unknown type \"nosuchtype\"", TestName = "An unknown type is named")]
    [TestCase("""{"box": "int", "count": 0}""", "\"count\" must be a positive integer, got 0", TestName = "A count of zero is refused")]
    [TestCase("""{"out": "int", "count": 100000000}""", "is 400000000 bytes; a value read back is at most 16777216 bytes", TestName = "A huge read-back box is refused before it is allocated")]
    [TestCase("""{"buffer": 2000000000, "read": "hex"}""", "a buffer read back is at most 16777216 bytes, not 2000000000", TestName = "A huge read-back buffer is refused before it is allocated")]
    public void MalformedStorageIsAnErrorNamingTheParameter(string arg, string message)
    {
        var (code, _, err) = Call("scale", arg, "2");
        Assert.That(code, Is.EqualTo(Demo.Cli.CallFailed));
        Assert.That(err, Does.StartWith("ffi call: scale: param[0] (point*)").And.Contain(message));
    }

    [Test]
    public void OutTrueNeedsATypedPointer()
    {
        var (code, _, err) = Call("bytes", """{"out": true}""", "1");
        Assert.That((code, err), Is.EqualTo((Demo.Cli.CallFailed,
            "ffi call: bytes: param[0] (pointer): \"out\": true needs a parameter that points to a type; this one is pointer: name the type, e.g. {\"out\": \"int\"}")));
    }

    [Test]
    public void StorageAtANonPointerParameterKeepsTheOldError() =>
        Assert.That(Call("scale", """{"box": "point"}""", """{"out": "int"}""").Err,
            Is.EqualTo("""ffi call: scale: param[1] (int): expected an integer, got JSON object {"out": "int"}"""));

    [Test]
    public void EveryReadBackValueIsValidJson()
    {
        var text = Call("make_rect", """{"out": "rect"}""", "1", "1").Out;
        using var doc = JsonDocument.Parse(text);
        Assert.That(doc.RootElement.GetProperty("out")[0].GetProperty("max").GetProperty("x").GetInt32(), Is.EqualTo(2));
    }
}
