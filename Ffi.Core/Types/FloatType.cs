namespace Ffi.Types;

/// <summary>C <c>float</c> (32 bits) or <c>double</c> (64 bits).</summary>
public sealed class FloatType : CType
{
    internal FloatType(int bits, string? name, string? doc, int? align = null) : base(name, doc)
    {
        Align = Math.Max(bits / 8, align ?? 1);
        if (bits is not (32 or 64)) throw new ArgumentOutOfRangeException(nameof(bits), bits, "float width must be 32 or 64");
        Bits = bits;
    }

    /// <summary>Width in bits: 32 or 64.</summary>
    public int Bits { get; }

    /// <inheritdoc />
    public override CTypeKind Kind => CTypeKind.Float;
    /// <inheritdoc />
    public override long Size => Bits / 8;
    /// <inheritdoc />
    public override int Align { get; }

    private protected override string Describe() => Bits == 32 ? "float" : "double";
}
