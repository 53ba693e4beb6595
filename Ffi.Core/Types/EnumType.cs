namespace Ffi.Types;

/// <summary>A C enumeration with named constants, laid out as its integer <see cref="Base"/>.</summary>
public sealed class EnumType : CType
{
    internal EnumType(IntType @base, IReadOnlyList<KeyValuePair<string, long>> values, string? name, string? doc) : base(name, doc)
    {
        Base = @base;
        Values = values;
    }

    /// <summary>The integer type the enum is stored as.</summary>
    public IntType Base { get; }

    /// <summary>The named constants in spec order.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> Values { get; }

    /// <inheritdoc />
    public override CTypeKind Kind => CTypeKind.Enum;
    /// <inheritdoc />
    public override long Size => Base.Size;
    /// <inheritdoc />
    public override int Align => Base.Align;

    private protected override string Describe() => "enum {…}";
}
