namespace Ffi.Types;

/// <summary>
/// A member of a struct or union with its placement. For a bitfield, <see cref="BitOffset"/> counts
/// bits from the start of the aggregate, least significant bit first (as x86-64 stores it), and
/// <see cref="Offset"/> is the byte holding the field's first bit.
/// </summary>
public sealed class CField
{
    private readonly string? _writtenTypeName;

    internal CField(string name, CType type, string? writtenTypeName, long bitOffset, int? bitWidth, int? requestedAlign = null, bool isPacked = false)
    {
        IsPacked = isPacked;
        RequestedAlign = requestedAlign;
        Name = name;
        Type = type;
        _writtenTypeName = writtenTypeName;
        BitOffset = bitOffset;
        BitWidth = bitWidth;
    }

    /// <summary>The member name; empty for an unnamed member (such as a padding bitfield <c>int : 3</c>).</summary>
    public string Name { get; }

    /// <summary>The member's type (aliases resolved).</summary>
    public CType Type { get; }

    /// <summary>The type as the spec wrote it: the referenced name, or a rendering of an inline type.</summary>
    public string TypeName => _writtenTypeName ?? Type.DisplayName;

    /// <summary>Offset in bytes from the start of the aggregate (for a bitfield: the byte of its first bit).</summary>
    public long Offset => BitOffset / 8;

    /// <summary>Offset in bits from the start of the aggregate.</summary>
    public long BitOffset { get; }

    /// <summary>The bitfield width in bits, or <see langword="null"/> for an ordinary member.</summary>
    public int? BitWidth { get; }

    /// <summary>The member's own alignment request (<c>_Alignas(N)</c>, spec <c>"align"</c> on a field), or <see langword="null"/>.</summary>
    public int? RequestedAlign { get; }

    /// <summary>Whether the member alone is packed (<c>int x __attribute__((packed));</c>, spec <c>"packed"</c> on a field).</summary>
    public bool IsPacked { get; }

    /// <summary>The same member seen from an aggregate that holds its own at <paramref name="bits"/> (an anonymous member).</summary>
    internal CField Shifted(long bits) => new(Name, Type, _writtenTypeName, BitOffset + bits, BitWidth, RequestedAlign, IsPacked);

    /// <summary>Whether the member is a bitfield (including a zero-width one).</summary>
    public bool IsBitfield => BitWidth is not null;

    /// <summary>Whether the member is a name-less member, such as padding bitfields.</summary>
    public bool IsUnnamed => Name.Length == 0;

    /// <inheritdoc />
    public override string ToString() => IsBitfield ? $"{TypeName} {Name}:{BitWidth} @bit {BitOffset}" : $"{TypeName} {Name} @{Offset}";
}
