using Ffi.Types;

namespace Ffi.Spec;

/// <summary>A global variable of the library as the spec declares it.</summary>
public sealed class VariableSpec
{
    internal VariableSpec(string name, CType type, string? library, string? doc, IReadOnlyList<string> capabilities)
    {
        Name = name;
        Type = type;
        Library = library;
        Doc = doc;
        Capabilities = capabilities;
    }

    /// <summary>The symbol name.</summary>
    public string Name { get; }

    /// <summary>The variable's type.</summary>
    public CType Type { get; }

    /// <summary>The library that overrides the spec's <c>lib</c> for this symbol, or <see langword="null"/>.</summary>
    public string? Library { get; }

    /// <summary>The <c>"doc"</c> text, if any.</summary>
    public string? Doc { get; }

    /// <summary>The capabilities a caller must be granted (<c>"caps"</c>); empty when ungated.</summary>
    public IReadOnlyList<string> Capabilities { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Type.DisplayName} {Name}";
}
