namespace Ffi.Compile;

/// <summary>
/// A spec cannot be compiled into an assembly: a type has no CLR counterpart (an empty struct, a variadic function
/// pointer type), a function passes such a type, two spec names become the same CLR name, or an option is not a valid
/// CLR name.
/// </summary>
/// <remarks>
/// The message starts with what it is about, then a colon and the reason, e.g.
/// <c>types.empty: a struct of 0 bytes has no CLR value type (the smallest is 1 byte)</c>.
/// </remarks>
public sealed class FfiCompileException : FfiException
{
    /// <summary>Creates the exception for <paramref name="subject"/>.</summary>
    /// <param name="subject">What cannot be compiled: <c>types.NAME</c>, <c>types.NAME.member</c>, <c>functions.NAME.params[i]</c>, or an option such as <c>--namespace</c>.</param>
    /// <param name="reason">Why, and what to do.</param>
    public FfiCompileException(string subject, string reason) : base($"{subject}: {reason}")
    {
        Subject = subject;
        Reason = reason;
    }

    /// <summary>What cannot be compiled: <c>types.NAME</c>, <c>types.NAME.member</c>, <c>functions.NAME…</c>, or an option such as <c>--namespace</c>.</summary>
    public string Subject { get; }

    /// <summary>Why, without the subject.</summary>
    public string Reason { get; }
}
