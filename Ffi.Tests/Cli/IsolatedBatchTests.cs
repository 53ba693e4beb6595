using Ffi.Tests.Native;
using Ffi.Tests.Oracle;

namespace Ffi.Tests.Cli;

/// <summary>
/// <c>ffi batch --isolate</c> against real crashes compiled by gcc: a NULL dereference (SIGSEGV) and an abort
/// (SIGABRT) each cost only their own line, as does a request that hangs past <c>--timeout</c>; the batch goes on,
/// and every other line is exactly what the batch without <c>--isolate</c> prints.
/// </summary>
[TestFixture]
public sealed class IsolatedBatchTests
{
    private const string Source = """
        #include <stdlib.h>
        #include <stdio.h>
        int add(int a, int b) { return a + b; }
        int deref(int *p) { return *p; }   /* deref(NULL): SIGSEGV */
        void die(void) { fputs("die: giving up\n", stderr); abort(); }
        void spin(void) { volatile unsigned long n = 0; for (;;) n++; }   /* never returns */
        """;

    private string _spec = null!;

    [OneTimeSetUp]
    public void CompileFixture()
    {
        var lib = Gcc.Compile(Source, "cli-crash", "-shared -fPIC");
        _spec = Path.Combine(TestContext.CurrentContext.WorkDirectory, "cli-crash.json");
        File.WriteAllText(_spec, $$"""
            { "version": "1", "lib": "{{lib}}", "functions": [
                { "name": "add", "ret": "int", "params": ["int", "int"] },
                { "name": "deref", "ret": "int", "params": [ {"kind":"pointer","to":"int"} ] },
                { "name": "die", "ret": "void", "params": [] },
                { "name": "spin", "ret": "void", "params": [] },
                { "name": "getpid", "ret": "int", "params": [], "caps": ["fs"], "lib": "libc.so.6" } ] }
            """);
    }

    private static readonly string[] Requests =
    [
        """{"fn": "add", "args": [2, 3]}""",
        """{"fn": "deref", "args": [null]}""",
        """{"fn": "deref", "args": [{"box": "int", "value": 41}]}""",
        """{"fn": "die", "args": []}""",
        "not json",
        """{"fn": "getpid", "args": []}""",
        """{"fn": "add", "args": [40, 2]}""",
    ];

    private string[] Batch(params string[] options) => Batch(Requests, options);

    private string[] Batch(string[] requests, params string[] options)
    {
        var output = new StringWriter();
        var stderr = new StringWriter();
        Assert.That(Demo.Cli.Batch([_spec, .. options], new StringReader(string.Join('\n', requests)), output, stderr), Is.EqualTo(Demo.Cli.Ok), stderr.ToString());
        return output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Test]
    public void ACrashingRequestCostsOnlyItsOwnLine()
    {
        var lines = Batch("--isolate");
        Assert.That(lines, Has.Length.EqualTo(Requests.Length), string.Join('\n', lines));
        Assert.That(lines[0], Is.EqualTo("""{"ok":true,"ret":5}"""));
        Assert.That(lines[1], Is.EqualTo("""{"ok":false,"error":"deref: the request crashed its process (SIGSEGV, exit code 139)","type":"RequestCrashedException"}"""));
        Assert.That(lines[2], Is.EqualTo("""{"ok":true,"ret":41}"""), "storage arguments work in the child");
        Assert.That(lines[3], Is.EqualTo("""{"ok":false,"error":"die: the request crashed its process (SIGABRT, exit code 134); it last wrote: die: giving up","type":"RequestCrashedException"}"""));
        Assert.That(lines[6], Is.EqualTo("""{"ok":true,"ret":42}"""), "the batch went on after the crashes");
    }

    [Test]
    public void RequestsThatDoNotCrashPrintWhatTheBatchPrints()
    {
        // Without --isolate the crashing requests would end the process: compare the others only.
        var isolated = Batch("--isolate", "--grant", "fs");
        var safe = new[] { 0, 2, 4, 5, 6 };
        var output = new StringWriter();
        Demo.Cli.Batch([_spec, "--grant", "fs"], new StringReader(string.Join('\n', safe.Select(i => Requests[i]))), output, TextWriter.Null);
        var direct = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(safe.Select(i => isolated[i]).Where((_, k) => k != 3), Is.EqualTo(direct.Where((_, k) => k != 3)), "getpid differs per process");
        Assert.That(isolated[5], Does.Match("""^\{"ok":true,"ret":\d+\}$"""), "--grant reaches the child");
        Assert.That(Batch("--isolate")[5], Is.EqualTo("""{"ok":false,"error":"getpid: capability \"fs\" was not granted (run with --grant fs)","type":"FfiCapabilityDeniedException"}"""));
    }

    [Test]
    public void IsolatedRequestsThroughCompiledBindingsPrintTheSameLines()
    {
        // Each child compiles the spec and calls through the compiled assembly; crashes cost a line there too.
        Assert.That(Batch("--isolate", "--compiled"), Is.EqualTo(Batch("--isolate")));
    }

    [Test]
    public void ARequestThatHangsIsKilledAfterTheTimeout()
    {
        var lines = Batch(["""{"fn": "spin", "args": []}""", """{"fn": "add", "args": [40, 2]}"""], "--isolate", "--timeout", "1.5");
        Assert.That(lines, Is.EqualTo(new[]
        {
            """{"ok":false,"error":"spin: the request did not finish within 1.5 s; its process was killed","type":"RequestCrashedException"}""",
            """{"ok":true,"ret":42}""",
        }));
    }

    [TestCase("--timeout", "1", TestName = "A timeout without --isolate is a usage error")]
    [TestCase("--isolate", "--timeout", "0", TestName = "A timeout of zero is a usage error")]
    [TestCase("--isolate", "--timeout", "soon", TestName = "A timeout that is not a number is a usage error")]
    [TestCase("--isolate", "--timeout", TestName = "A timeout without seconds is a usage error")]
    public void TimeoutUsage(params string[] options)
    {
        var stderr = new StringWriter();
        Assert.That(Demo.Cli.Batch([_spec, .. options], new StringReader(""), TextWriter.Null, stderr), Is.EqualTo(Demo.Cli.BadInput));
        Assert.That(stderr.ToString().Trim(), Is.EqualTo("ffi batch: --timeout SECONDS (a positive number) goes with --isolate"));
    }

    [Test]
    public void IsolateNeedsASpecLikeBatch()
    {
        var stderr = new StringWriter();
        Assert.That(Demo.Cli.Batch(["--isolate"], new StringReader(""), TextWriter.Null, stderr), Is.EqualTo(Demo.Cli.BadInput));
        Assert.That(stderr.ToString(), Does.Contain("ffi batch: expected exactly one spec file"));
    }
}
