using System.Text.RegularExpressions;

namespace Ffi.Tests.Cli;

/// <summary>
/// The CLI as a shell user meets it: errno printed for functions that capture it, capabilities explained in terms of
/// <c>--grant</c>, an unquoted string answered with how to quote it, <c>--grant</c> without a value, <c>--version</c>.
/// </summary>
[TestFixture]
public sealed class ShellUserTests
{
    private string _spec = null!;

    [OneTimeSetUp]
    public void WriteSpec()
    {
        _spec = Path.Combine(TestContext.CurrentContext.WorkDirectory, "shell-user.json");
        File.WriteAllText(_spec, """
            { "version": "1", "lib": "libc.so.6", "functions": [
                { "name": "strtol", "ret": "long", "params": ["string", "pointer", "int"], "errno": true },
                { "name": "strtoul", "ret": "ulong", "params": ["string", "pointer", "int"] },
                { "name": "strlen", "ret": "size_t", "params": ["string"] },
                { "name": "unlink", "ret": "int", "params": ["string"], "caps": ["fs"], "errno": true } ] }
            """);
    }

    private (int Code, string Out, string Err) Run(params string[] args) => InProcessCli.Trimmed(args);

    [Test]
    public void ErrnoFunctionsReportErrnoOnStderrBesideABareValue()
    {
        var overflow = Run("call", _spec, "strtol", "\"99999999999999999999\"", "null", "10");
        Assert.That((overflow.Code, overflow.Out), Is.EqualTo((Demo.Cli.Ok, "9223372036854775807")), "stdout stays the bare value");
        Assert.That(overflow.Err, Is.EqualTo("errno: 34 (Numerical result out of range)"), "ERANGE, as strtol(3) promises");
        Assert.That(Run("call", _spec, "strtoul", "\"99999999999999999999\"", "null", "10").Err, Is.Empty, "no errno for a function that does not declare it");
    }

    [Test]
    public void ErrnoFunctionsReportErrnoInTheBatchLine()
    {
        var output = new StringWriter();
        Demo.Cli.Batch([_spec, "--grant", "fs"], new StringReader(string.Join('\n',
            """{"fn": "strtol", "args": ["99999999999999999999", null, 10]}""",
            """{"fn": "strtoul", "args": ["12", null, 10]}""",
            """{"fn": "unlink", "args": ["/nonexistent/ffi-shell-user"]}""")), output, TextWriter.Null);
        Assert.That(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[]
        {
            """{"ok":true,"ret":9223372036854775807,"errno":34}""",
            """{"ok":true,"ret":12}""",
            """{"ok":true,"ret":-1,"errno":2}""",
        }));
    }

    [Test]
    public void AMissingCapabilityNamesTheGrantOption()
    {
        Assert.That(Run("call", _spec, "unlink", "\"/nonexistent/x\"").Err,
            Is.EqualTo("ffi call: unlink: capability \"fs\" was not granted (run with --grant fs)"));
        var output = new StringWriter();
        Demo.Cli.Batch([_spec], new StringReader("""{"fn": "unlink", "args": ["/nonexistent/x"]}"""), output, TextWriter.Null);
        Assert.That(output.ToString().Trim(), Is.EqualTo(
            """{"ok":false,"error":"unlink: capability \"fs\" was not granted (run with --grant fs)","type":"FfiCapabilityDeniedException"}"""));
    }

    [TestCase("hello", "ffi call: argument 0 (hello) is not JSON; a string argument must be quoted as a JSON string, inside shell quotes: '\"hello\"'")]
    [TestCase("/tmp/a b", "ffi call: argument 0 (/tmp/a b) is not JSON; a string argument must be quoted as a JSON string, inside shell quotes: '\"/tmp/a b\"'")]
    public void AnUnquotedStringIsAnsweredWithHowToQuoteIt(string arg, string message)
    {
        var (code, _, err) = Run("call", _spec, "strlen", arg);
        Assert.That((code, err), Is.EqualTo((Demo.Cli.BadInput, message)));
        Assert.That(Run("call", _spec, "strlen", message[(message.LastIndexOf('\'', message.Length - 2) + 1)..^1]).Out,
            Is.EqualTo(System.Text.Encoding.UTF8.GetByteCount(arg).ToString(System.Globalization.CultureInfo.InvariantCulture)), "the suggested quoting works");
    }

    [Test]
    public void MalformedJsonThatIsNotAWordKeepsTheParserMessage() =>
        Assert.That(Run("call", _spec, "strlen", "{bad").Err, Does.StartWith("ffi call: argument 0 is not a JSON value ({bad): "));

    [TestCase("call", "strlen", "\"x\"", "--grant")]
    [TestCase("call", "strlen", "\"x\"", "--grant=")]
    [TestCase("call", "strlen", "--grant", "--isolate")]
    public void GrantWithoutAValueIsAUsageError(string command, string fn, string arg, string grant)
    {
        var (code, _, err) = Run(command, _spec, fn, arg, grant);
        Assert.That((code, err), Is.EqualTo((Demo.Cli.BadInput, "ffi call: --grant needs capabilities, e.g. --grant fs or --grant fs,net")));
    }

    [Test]
    public void BatchGrantWithoutAValueIsAUsageError()
    {
        var stderr = new StringWriter();
        Assert.That(Demo.Cli.Batch([_spec, "--grant"], new StringReader(""), TextWriter.Null, stderr), Is.EqualTo(Demo.Cli.BadInput));
        Assert.That(stderr.ToString().Trim(), Is.EqualTo("ffi batch: --grant needs capabilities, e.g. --grant fs or --grant fs,net"));
    }

    [Test]
    public void VersionPrintsTheAssemblyVersion()
    {
        var (code, output, _) = Run("--version");
        Assert.That(code, Is.EqualTo(Demo.Cli.Ok));
        var project = File.ReadAllText(Path.Combine(Docs.DocText.RepositoryRoot, "Directory.Build.props"));
        var prefix = Regex.Match(project, "<VersionPrefix>(.*)</VersionPrefix>").Groups[1].Value;
        Assert.That(output, Is.EqualTo($"ffi {prefix}"));
        Assert.That(Run("-V").Out, Is.EqualTo(output));
    }
}
