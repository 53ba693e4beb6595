using Ffi.Demo;

namespace Ffi.Tests.Cli;

/// <summary><c>ffi call</c> and <c>ffi batch</c>: output forms, exit codes and error lines (the contract of docs/cli.md).</summary>
[TestFixture]
public sealed class CallCommandTests
{
    private string _spec = null!;

    [OneTimeSetUp]
    public void WriteSpec()
    {
        _spec = Path.Combine(TestContext.CurrentContext.WorkDirectory, "call-spec.json");
        File.WriteAllText(_spec, """
            { "version": "1", "lib": "libc.so.6",
              "types": { "div_t": { "kind": "struct", "fields": [ {"name":"quot","type":"int"}, {"name":"rem","type":"int"} ] } },
              "functions": [
                { "name": "strtof", "ret": "float", "params": ["string", "pointer"] },
                { "name": "strtod", "ret": "double", "params": ["string", "pointer"] },
                { "name": "strtoull", "ret": "ulong", "params": ["string", "pointer", "int"] },
                { "name": "div", "ret": "div_t", "params": ["int", "int"] },
                { "name": "getenv", "ret": "string", "params": ["string"], "ret_as_str": true },
                { "name": "memchr", "ret": "pointer", "params": ["string", "int", "size_t"] },
                { "name": "unlink", "ret": "int", "params": ["string"], "caps": ["fs"] } ] }
            """);
    }

    private static (int Code, string Out, string Err) Run(params string[] args) => InProcessCli.Trimmed(args);

    [TestCase("strtof", "\"0.1\"", "0.1", Description = "a float prints as the shortest float, not as a widened double")]
    [TestCase("strtod", "\"0.1\"", "0.1")]
    [TestCase("strtod", "\"1e300\"", "1E+300")]
    public void FloatsPrintAsTheShortestRoundTrip(string fn, string arg, string expected) =>
        Assert.That(Run("call", _spec, fn, arg, "null").Out, Is.EqualTo(expected));

    [Test]
    public void IntegersAreExactTo64BitsAndStructsAreObjects()
    {
        Assert.That(Run("call", _spec, "strtoull", "\"18446744073709551615\"", "null", "10").Out, Is.EqualTo("18446744073709551615"));
        Assert.That(Run("call", _spec, "div", "-7", "2").Out, Is.EqualTo("""{"quot":-3,"rem":-1}"""));
        Assert.That(Run("call", _spec, "getenv", "\"FFI_SURELY_UNSET_VAR\"").Out, Is.EqualTo("null"));
        Assert.That(Run("call", _spec, "memchr", "\"abc\"", "120", "3").Out, Is.EqualTo("null"), "a NULL pointer prints as null");
        Assert.That(Run("call", _spec, "memchr", "\"abc\"", "98", "3").Out, Does.Match("^\"0x[0-9a-f]+\"$"));
    }

    [Test]
    public void ExitCodes()
    {
        Assert.That(Run("call", _spec, "div", "1", "1").Code, Is.EqualTo(Demo.Cli.Ok));
        var failed = Run("call", _spec, "div", "1.5", "1");
        Assert.That((failed.Code, failed.Err), Is.EqualTo((Demo.Cli.CallFailed, "ffi call: div: param[0] (int): non-integral float to int: Double 1.5 for int")));
        Assert.That(Run("call", _spec, "unlink", "\"/nonexistent\"").Code, Is.EqualTo(Demo.Cli.CallFailed), "capability not granted");
        Assert.That(Run("call", _spec, "unlink", "\"/nonexistent\"", "--grant", "fs").Out, Is.EqualTo("-1"));
        Assert.That(Run("call", _spec, "nope").Code, Is.EqualTo(Demo.Cli.CallFailed));
        Assert.That(Run("call", _spec, "div", "{bad").Code, Is.EqualTo(Demo.Cli.BadInput));
        Assert.That(Run("call", _spec).Code, Is.EqualTo(Demo.Cli.BadInput));
        Assert.That(Run("call", "/nonexistent/spec.json", "div").Code, Is.EqualTo(Demo.Cli.BadInput));
    }

    [Test]
    public void BatchWritesOneLinePerRequestAndNeverStops()
    {
        var input = new StringReader(string.Join('\n',
            """{"fn": "div", "args": [7, 2]}""",
            "",
            """{"fn": "nope", "args": []}""",
            "not json",
            """{"fn": "div", "args": [1]}""",
            """{"fn": "unlink", "args": ["/nonexistent"]}""",
            """{"fn": "strtof", "args": ["2.5", null]}"""));
        var output = new StringWriter();
        Assert.That(Demo.Cli.Batch([_spec], input, output, new StringWriter()), Is.EqualTo(Demo.Cli.Ok));
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(6), "one line per request; the empty line is not a request");
        // The JSON reader's own wording of a syntax error belongs to System.Text.Json: only our part is pinned.
        Assert.That(lines[2], Does.StartWith("""{"ok":false,"error":"request: invalid JSON: """).And.EndWith(""","type":"FfiArgumentException"}"""));
        lines[2] = "(checked above)";
        Assert.That(lines, Is.EqualTo(new[]
        {
            """{"ok":true,"ret":{"quot":3,"rem":1}}""",
            """{"ok":false,"error":"the spec declares no function \"nope\"","type":"FfiNameException"}""",
            "(checked above)",
            """{"ok":false,"error":"div: expected 2 argument(s), got 1","type":"FfiArgumentException"}""",
            """{"ok":false,"error":"unlink: capability \"fs\" was not granted (run with --grant fs)","type":"FfiCapabilityDeniedException"}""",
            """{"ok":true,"ret":2.5}""",
        }));
    }
}
