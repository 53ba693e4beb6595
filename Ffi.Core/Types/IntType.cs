namespace Ffi.Types;

/// <summary>A C integer of 8, 16, 32 or 64 bits; size and alignment equal its width in bytes.</summary>
public sealed class IntType : CType
{
    internal IntType(int bits, bool signed, bool isBool, string? name, string? doc, int? align = null) : base(name, doc)
    {
        Align = Math.Max(bits / 8, align ?? 1);
        if (bits is not (8 or 16 or 32 or 64)) throw new ArgumentOutOfRangeException(nameof(bits), bits, "integer width must be 8, 16, 32 or 64");
        if (isBool && (bits != 8 || signed)) throw new ArgumentException("bool is an unsigned 8-bit integer", nameof(isBool));
        Bits = bits;
        IsSigned = signed;
        IsBool = isBool;
    }

    /// <summary>Width in bits: 8, 16, 32 or 64.</summary>
    public int Bits { get; }

    /// <summary>Whether the integer is signed (two's complement).</summary>
    public bool IsSigned { get; }

    /// <summary>Whether this is C <c>_Bool</c> (an unsigned byte holding 0 or 1).</summary>
    public bool IsBool { get; }

    /// <summary>The smallest value the type holds.</summary>
    public long MinValue => IsSigned ? -(1L << (Bits - 1)) : 0;

    /// <summary>The largest value the type holds (as an unsigned 64-bit number).</summary>
    public ulong MaxValue => IsBool ? 1UL : IsSigned ? (1UL << (Bits - 1)) - 1 : Bits == 64 ? ulong.MaxValue : (1UL << Bits) - 1;

    /// <inheritdoc />
    public override CTypeKind Kind => CTypeKind.Int;
    /// <inheritdoc />
    public override long Size => Bits / 8;
    /// <inheritdoc />
    public override int Align { get; }

    private protected override string Describe() => IsBool ? "bool" : (IsSigned ? "int" : "uint") + Bits;
}
