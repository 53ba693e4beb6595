using Ffi.Types;

namespace Ffi.Memory;

/// <summary>Where a member path (<c>"hdr.items[3].len"</c>) lands inside a type: its type and bit position.</summary>
/// <param name="Type">The member's type.</param>
/// <param name="BitOffset">Bits from the start of the outer object (least significant bit first).</param>
/// <param name="BitWidth">The bitfield width, or <see langword="null"/> for an ordinary member.</param>
public sealed record FieldLocation(CType Type, long BitOffset, int? BitWidth)
{
    /// <summary>Bytes from the start of the outer object to the byte holding the member's first bit.</summary>
    public long Offset => BitOffset / 8;

    /// <summary>Whether the member is a bitfield.</summary>
    public bool IsBitfield => BitWidth is not null;
}
