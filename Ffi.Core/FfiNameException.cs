namespace Ffi;

/// <summary>
/// A name that is not declared: no function, variable, type or field of that name. The message says which kind
/// of name was looked up and suggests the nearest declared ones:
/// <c>the spec declares no function "strlenn" (did you mean "strlen"?)</c>.
/// </summary>
public sealed class FfiNameException : FfiException
{
    /// <summary>Creates the exception for <paramref name="name"/>, a <paramref name="kind"/> that is not declared.</summary>
    /// <param name="kind">What was looked up: <c>function</c>, <c>variable</c>, <c>type</c> or <c>field</c>.</param>
    /// <param name="name">The name that was not found.</param>
    /// <param name="message">The whole message.</param>
    public FfiNameException(string kind, string name, string message) : base(message)
    {
        Kind = kind;
        Name = name;
    }

    /// <summary>What was looked up: <c>function</c>, <c>variable</c>, <c>type</c> or <c>field</c>.</summary>
    public string Kind { get; }

    /// <summary>The name that was not found.</summary>
    public string Name { get; }

    /// <summary><c>the spec declares no function "strlenn" (did you mean "strlen"?)</c>.</summary>
    internal static FfiNameException NotDeclared(string kind, string name, IEnumerable<string> declared) =>
        new(kind, name, $"the spec declares no {kind} \"{name}\"{Suggest.DidYouMean(name, declared)}");

    /// <summary><c>unknown type "pont" (did you mean "point"?)</c>, for a type name looked up in a registry.</summary>
    internal static FfiNameException UnknownType(string name, IEnumerable<string> known) =>
        new("type", name, $"unknown type \"{name}\"{Suggest.DidYouMean(name, known)}");
}
