// The adversarial harness: runs one test case in a child process, so that a crash, an abort or a hang fails that
// test and not the whole run.
//
// How to use it (other suites reuse it: dispose races, callback faults, …):
//
//     [TestFixture]
//     public sealed class MyHostileTests
//     {
//         [Test]
//         public void TruncatedElfIsRefused() => Isolated.Run(() =>
//         {
//             // Runs in a child process. Assert as usual; anything thrown fails the test with its text.
//             Assert.Throws<FfiBindException>(() => NativeModule.Open(...));
//         });
//     }
//
// - The parent (the NUnit run) starts `dotnet Ffi.Tests.dll --isolated FIXTURE METHOD` (the test assembly's own entry
//   point, AdversarialEntry) and waits. The child creates the fixture with its public parameterless constructor, runs
//   its [SetUp] methods, calls the test method — which calls Isolated.Run again and, being in the child, runs the
//   body — and then its [TearDown] methods. [TestCase] arguments are not forwarded: give each case its own method,
//   or loop over seeds inside one body.
// - A body that returns passes. An exception (a failed Assert included) fails the test with the exception's text.
//   A child killed by a signal fails the test naming the signal (SIGSEGV, SIGBUS, SIGABRT…) with its stderr. A child
//   that outlives the time limit (default 60 s, or the `timeout` argument) has its process tree killed and fails the
//   test as a hang.
// - The child inherits the environment: FFI_SOAK (see Soak) and any variable a case reads reach it. Its current
//   directory is the parent's. Fixtures compiled by the parent are not shared: build what the body needs inside it
//   (Gcc and the helpers under Native/ work in the child).
// - Bounded by default (CI runs every case on every build). The long soak is one command:
//       FFI_SOAK=50 dotnet test Ffi.Tests --filter "FullyQualifiedName~Adversarial|FullyQualifiedName~ZeroSize"
//   which multiplies the iteration counts of every case that asks Soak.Scale(n) by 50 (docs/architecture.md).
using System.Diagnostics;
using System.Reflection;
using System.Text;
using Ffi.Tests.Oracle;

namespace Ffi.Tests.Adversarial;

/// <summary>Runs a test body in a child process (see the comment at the top of this file).</summary>
internal static class Isolated
{
    /// <summary>The argument that makes the test assembly's entry point run one case.</summary>
    public const string Switch = "--isolated";

    /// <summary>What a child prints on standard output when its body returned.</summary>
    public const string PassedMarker = "isolated: passed";

    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Whether this process is a child started by <see cref="Run"/>.</summary>
    public static bool InChild { get; set; }

    /// <summary>
    /// In the NUnit run: runs the calling test method in a child process and fails the test if the child fails,
    /// crashes or hangs. In the child: runs <paramref name="body"/>. <paramref name="runtimeConfig"/> replaces the test
    /// assembly's runtimeconfig.json in the child (for switches the runtime reads once per process).
    /// </summary>
    public static void Run(Action body, TimeSpan? timeout = null, string? runtimeConfig = null)
    {
        if (InChild)
        {
            body();
            return;
        }
        var test = TestContext.CurrentContext.Test;
        var fixture = test.ClassName ?? throw new InvalidOperationException("Isolated.Run must be called from a test method");
        var outcome = RunChild(fixture, test.MethodName!, timeout ?? DefaultTimeout, runtimeConfig);
        if (outcome.Failure is { } failure) Assert.Fail(failure);
    }

    /// <summary>The result of one child: null when it passed, otherwise why it failed, with its output.</summary>
    public readonly record struct Outcome(string? Failure, string Stdout, string Stderr);

    /// <summary>Runs <c>FIXTURE.METHOD</c> in a child process and describes how it ended.</summary>
    public static Outcome RunChild(string fixture, string method, TimeSpan timeout, string? runtimeConfig = null)
    {
        var assembly = typeof(Isolated).Assembly.Location;
        var psi = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Environment.CurrentDirectory,
        };
        foreach (var a in new[] { "exec", "--runtimeconfig", runtimeConfig ?? Path.ChangeExtension(assembly, ".runtimeconfig.json"),
                     "--depsfile", Path.ChangeExtension(assembly, ".deps.json"), assembly, Switch, fixture, method })
            psi.ArgumentList.Add(a);
        // The runtime's own crash report is enough: no core dumps or createdump runs for deliberate crashes.
        psi.Environment["DOTNET_DbgEnableMiniDump"] = "0";
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => Append(stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(stderr, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        string name = $"{fixture}.{method}";
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return Fail($"{name}: hang: the child did not finish within {timeout.TotalSeconds:0} s and was killed", stdout, stderr);
        }
        process.WaitForExit(); // drains the output readers
        int code = process.ExitCode;
        string? why = code switch
        {
            0 when stdout.ToString().Contains(PassedMarker, StringComparison.Ordinal) => null,
            0 => "the child exited with 0 without running the case",
            1 => "the case failed",
            > 128 and < 128 + 65 => $"the child was killed by {SignalName(code - 128)} (exit {code})",
            _ => $"the child exited with code {code}",
        };
        return why is null ? new Outcome(null, stdout.ToString(), stderr.ToString()) : Fail($"{name}: {why}", stdout, stderr);
    }

    private static Outcome Fail(string why, StringBuilder stdout, StringBuilder stderr) =>
        new($"{why}\n--- stderr ---\n{Tail(stderr)}\n--- stdout ---\n{Tail(stdout)}", stdout.ToString(), stderr.ToString());

    private static string Tail(StringBuilder sb)
    {
        lock (sb)
        {
            const int Max = 6000;
            return sb.Length <= Max ? sb.ToString() : "…" + sb.ToString(sb.Length - Max, Max);
        }
    }

    private static void Append(StringBuilder sb, string? line)
    {
        if (line is null) return;
        lock (sb) sb.AppendLine(line);
    }

    /// <summary>The name of a Linux signal number, e.g. 11 → SIGSEGV.</summary>
    public static string SignalName(int signal) => signal switch
    {
        1 => "SIGHUP", 2 => "SIGINT", 3 => "SIGQUIT", 4 => "SIGILL", 5 => "SIGTRAP", 6 => "SIGABRT", 7 => "SIGBUS",
        8 => "SIGFPE", 9 => "SIGKILL", 11 => "SIGSEGV", 13 => "SIGPIPE", 14 => "SIGALRM", 15 => "SIGTERM",
        _ => $"signal {signal}",
    };

    // The `dotnet` that runs the tests: shared/Microsoft.NETCore.App/VERSION/System.Private.CoreLib.dll is three
    // levels below its root.
    private static string DotnetHost()
    {
        var root = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", ".."));
        var exe = Path.Combine(root, "dotnet");
        return File.Exists(exe) ? exe : "dotnet";
    }

    /// <summary>The child's side: runs FIXTURE.METHOD with its set-up and tear-down; the process exit code.</summary>
    public static int RunInChild(string fixture, string method)
    {
        InChild = true;
        var type = typeof(Isolated).Assembly.GetType(fixture);
        var test = type?.GetMethod(method, BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes);
        if (type is null || test is null)
        {
            Console.Error.WriteLine($"isolated: no public test method {fixture}.{method}()");
            return 2;
        }
        var instance = Activator.CreateInstance(type)!;
        try
        {
            foreach (var m in Marked(type, typeof(SetUpAttribute))) m.Invoke(instance, null);
            try
            {
                test.Invoke(instance, null);
            }
            finally
            {
                foreach (var m in Marked(type, typeof(TearDownAttribute))) m.Invoke(instance, null);
            }
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            Console.Error.WriteLine($"isolated: {fixture}.{method} threw {ex.InnerException}");
            return 1;
        }
        Console.Out.WriteLine(PassedMarker);
        Console.Out.Flush();
        return 0;
    }

    private static IEnumerable<MethodInfo> Marked(Type type, Type attribute) =>
        type.GetMethods(BindingFlags.Public | BindingFlags.Instance).Where(m => m.IsDefined(attribute, inherit: true));
}
