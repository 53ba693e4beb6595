using System.Globalization;

namespace Ffi.Tests.Packaging;

/// <summary>What a command did: its exit code (null when it was killed), its output and how long it took.</summary>
internal sealed record CommandResult(string Command, string WorkDir, int? ExitCode, string Stdout, string Stderr, TimeSpan Elapsed)
{
    private const int Shown = 8000;

    /// <summary>The command, where it ran, how it ended and the end of its stdout and stderr, for a failure message.</summary>
    public string Describe() => $"""
        $ {Command}
          (in {WorkDir}; exit code {ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "none: killed"} after {Elapsed.TotalSeconds:F1} s)
        --- stdout ---
        {Tail(Stdout)}
        --- stderr ---
        {Tail(Stderr)}
        """;

    private static string Tail(string text) => text.Length <= Shown ? text.TrimEnd() : "…" + text[^Shown..].TrimEnd();
}
