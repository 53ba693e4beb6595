using System.Globalization;

namespace Ffi.Demo.Calls;

/// <summary>
/// A request of <c>ffi batch --isolate</c> ended its child process without an answer: killed by a signal (a crash in C:
/// SIGSEGV, SIGBUS, SIGABRT…), exited with an error, or killed when it outlived <c>--timeout</c>. Its name is the
/// <c>"type"</c> of the request's error line.
/// </summary>
public sealed class RequestCrashedException : Exception
{
    private RequestCrashedException(string message, int? exitCode) : base(message) => ExitCode = exitCode;

    /// <summary>The child's exit code (128 + N for signal N); <see langword="null"/> when it was killed for its time.</summary>
    public int? ExitCode { get; }

    /// <summary>The request that called <paramref name="function"/> ended its process with <paramref name="exitCode"/>.</summary>
    /// <param name="function">The requested function (<c>request</c> when the line named none).</param>
    /// <param name="exitCode">The child's exit code: 128 + the signal number when a signal killed it.</param>
    /// <param name="lastError">The last line the child wrote on stderr (glibc's <c>free(): invalid size</c>…), if any.</param>
    public static RequestCrashedException Crashed(string function, int exitCode, string? lastError) =>
        new($"{function}: the request crashed its process ({Describe(exitCode)}){(lastError is null ? "" : $"; it last wrote: {lastError}")}", exitCode);

    /// <summary>The request that called <paramref name="function"/> did not answer within <paramref name="limit"/>.</summary>
    public static RequestCrashedException TimedOut(string function, TimeSpan limit) =>
        new($"{function}: the request did not finish within {limit.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s; its process was killed", null);

    // The shell's convention, which .NET's Process follows: a child killed by signal N exits with 128 + N.
    private static string Describe(int exitCode) => exitCode switch
    {
        > 128 and < 128 + 32 => $"{SignalName(exitCode - 128)}, exit code {exitCode}",
        _ => $"exit code {exitCode}, no answer",
    };

    private static string SignalName(int signal) => signal switch
    {
        4 => "SIGILL",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        13 => "SIGPIPE",
        15 => "SIGTERM",
        _ => $"signal {signal}",
    };
}
