namespace Ffi.Demo.Calls;

/// <summary>
/// What one CLI call produced, each part already JSON: the return value, the values read back from storage arguments
/// (a JSON array, or <see langword="null"/> when no argument asked for one), and errno for functions that declare
/// <c>"errno": true</c>.
/// </summary>
/// <param name="Ret">The return value as JSON.</param>
/// <param name="Out">The read-back values as a JSON array, in argument order; <see langword="null"/> when none was asked for.</param>
/// <param name="Errno">C's errno right after the call, for functions that declare <c>"errno": true</c>.</param>
public sealed record CallOutput(string Ret, string? Out, int? Errno)
{
    /// <summary>
    /// The line <c>ffi batch</c> writes: <c>{"ok":true,"ret":V}</c>, with <c>"out":[…]</c> and <c>"errno":N</c>
    /// added only when there are any (so requests without them print exactly as before).
    /// </summary>
    public string ToBatchLine() => $"{{\"ok\":true,{Members()}}}";

    /// <summary>
    /// What <c>ffi call</c> prints: the bare return value when nothing was read back (the form without storage), otherwise
    /// <c>{"ret":V,"out":[…]}</c> (with <c>"errno":N</c> when declared).
    /// </summary>
    public string ToCallText() => Out is null ? Ret : $"{{{Members()}}}";

    private string Members() =>
        $"\"ret\":{Ret}{(Out is null ? "" : $",\"out\":{Out}")}{(Errno is int e ? $",\"errno\":{e}" : "")}";
}
