namespace Ffi.Demo.Calls;

/// <summary>
/// A request of <c>ffi batch --isolate</c> ended its child process without an answer: killed by a signal (a crash in C:
/// SIGSEGV, SIGBUS, SIGABRT…) or exited with an error. Its name is the <c>"type"</c> of the request's error line.
/// </summary>
public sealed class RequestCrashedException : Exception
{
    /// <summary>Creates the exception for the request that called <paramref name="function"/>.</summary>
    /// <param name="function">The requested function (<c>request</c> when the line named none).</param>
    /// <param name="exitCode">The child's exit code: 128 + the signal number when a signal killed it.</param>
    /// <param name="lastError">The last line the child wrote on stderr (glibc's <c>free(): invalid size</c>…), if any.</param>
    public RequestCrashedException(string function, int exitCode, string? lastError)
        : base($"{function}: the request crashed its process ({Describe(exitCode)}){(lastError is null ? "" : $"; it last wrote: {lastError}")}")
    {
        ExitCode = exitCode;
    }

    /// <summary>The child's exit code (128 + N for signal N).</summary>
    public int ExitCode { get; }

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
