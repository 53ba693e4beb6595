namespace Ffi;

/// <summary>
/// A value cannot be converted to the C type it is given for: out of range, negative to unsigned, a
/// non-integral float to an integer, the wrong kind of value, a pointer with the wrong tag.
/// The message names where (function and parameter, or field path) and what was wrong.
/// </summary>
public sealed class FfiArgumentException : FfiException
{
    /// <summary>Creates the exception for the value at <paramref name="where"/>.</summary>
    /// <param name="where">The place: <c>Set(p, "hdr.len")</c>, <c>crc32: param[1] (uint8*)</c>…</param>
    /// <param name="reason">What is wrong, e.g. <c>negative to unsigned</c>.</param>
    public FfiArgumentException(string where, string reason) : base($"{where}: {reason}")
    {
        Where = where;
        Reason = reason;
    }

    /// <summary>The place the value was given for.</summary>
    public string Where { get; }

    /// <summary>What is wrong with the value.</summary>
    public string Reason { get; }
}
