namespace Ffi.Types;

/// <summary>
/// A C type with its System V x86-64 layout (size and alignment as GCC computes them).
/// Instances are immutable once a <see cref="TypeRegistry"/> has been built and compare by reference:
/// two uses of the same spec name yield the same instance.
/// </summary>
public abstract class CType
{
    private protected CType(string? name, string? doc)
    {
        Name = name;
        Doc = doc;
    }

    /// <summary>What kind of type this is.</summary>
    public abstract CTypeKind Kind { get; }

    /// <summary>Size in bytes (<c>sizeof</c>); 0 for <c>void</c> and flexible arrays.</summary>
    public abstract long Size { get; }

    /// <summary>Alignment in bytes (<c>_Alignof</c>); at least 1.</summary>
    public abstract int Align { get; }

    /// <summary>
    /// The type's name: its key in the spec's <c>types</c>, a builtin name, or the <c>"name"</c> of an
    /// inline type object; <see langword="null"/> for anonymous inline types.
    /// </summary>
    public string? Name { get; }

    /// <summary>The <c>"doc"</c> text of the type, if the spec gave one.</summary>
    public string? Doc { get; }

    /// <summary>
    /// The name if there is one, otherwise a C-like rendering such as <c>int32*</c>, <c>double[4]</c>
    /// or <c>struct {…}</c>.
    /// </summary>
    public string DisplayName => Name ?? Describe();

    /// <summary>Whether the type is a struct, union or array (an aggregate in C's sense).</summary>
    public bool IsAggregate => Kind is CTypeKind.Struct or CTypeKind.Union or CTypeKind.Array;

    /// <summary>Renders the type structurally, for types without a name.</summary>
    private protected abstract string Describe();

    /// <inheritdoc />
    public override string ToString() => DisplayName;
}
