namespace Ffi;

/// <summary>
/// A binding spec is malformed: bad JSON, a missing or mistyped key, an unknown type name, an alias
/// cycle, a struct that contains itself by value, an invalid bitfield, and so on.
/// </summary>
/// <remarks>
/// The message always starts with the JSON path of the culprit, then a colon and the reason, e.g.
/// <c>types.point.fields[1].type: unknown type "flaot" (did you mean "float"?)</c> or
/// <c>functions[3] (crc32): param[1]: unknown type "uLongf"</c>.
/// </remarks>
public sealed class FfiSpecException : FfiException
{
    /// <summary>Creates the exception for the element at <paramref name="jsonPath"/>.</summary>
    /// <param name="jsonPath">Where in the spec the problem is (e.g. <c>types.point.fields[1].type</c>).</param>
    /// <param name="reason">What is wrong there.</param>
    /// <param name="inner">The underlying exception, if any (e.g. a JSON syntax error).</param>
    public FfiSpecException(string jsonPath, string reason, Exception? inner = null)
        : base($"{jsonPath}: {reason}", inner)
    {
        JsonPath = jsonPath;
        Reason = reason;
    }

    // A path of the spec reader, written out now.
    internal FfiSpecException(Spec.SpecPath jsonPath, string reason, Exception? inner = null)
        : this(jsonPath.ToString(), reason, inner)
    {
    }

    /// <summary>The JSON path of the element that is wrong; <c>$</c> for the document itself.</summary>
    public string JsonPath { get; }

    /// <summary>What is wrong, without the path.</summary>
    public string Reason { get; }
}
