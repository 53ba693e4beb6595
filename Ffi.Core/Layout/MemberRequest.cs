using Ffi.Types;

namespace Ffi.Layout;

/// <summary>One member to place: its type, its bitfield width (if a bitfield) and whether it has a name.</summary>
/// <param name="Type">The member's type (already laid out).</param>
/// <param name="BitWidth">The bitfield width, <c>0</c> for a zero-width bitfield, <see langword="null"/> otherwise.</param>
/// <param name="IsNamed">Unnamed bitfields do not contribute to the aggregate's alignment (psABI §3.1.2).</param>
/// <param name="Align">The member's own alignment request (<c>_Alignas(N)</c>, <c>__attribute__((aligned(N)))</c>), or null.</param>
/// <param name="Packed">The member alone is packed (<c>int x __attribute__((packed));</c>): laid out as in a packed aggregate.</param>
public readonly record struct MemberRequest(CType Type, int? BitWidth, bool IsNamed, int? Align = null, bool Packed = false);
