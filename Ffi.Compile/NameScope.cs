namespace Ffi.Compile;

/// <summary>
/// The names declared in one CLR scope (a namespace, a type's members, an enum's constants): a second spec name
/// that becomes the same CLR identifier is an error naming both, never a silent rename.
/// </summary>
internal sealed class NameScope(string scope)
{
    private readonly Dictionary<string, string> _owners = new(StringComparer.Ordinal);

    /// <summary>Claims <paramref name="clrName"/> for <paramref name="owner"/> (the spec path it comes from).</summary>
    /// <exception cref="FfiCompileException">Another spec name already has it.</exception>
    public string Claim(string clrName, string owner)
    {
        if (_owners.TryGetValue(clrName, out var other))
            throw new FfiCompileException(owner, $"its CLR name \"{clrName}\" is already taken in {scope} by {other}; rename one of them in the spec");
        _owners.Add(clrName, owner);
        return clrName;
    }
}
