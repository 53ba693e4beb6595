using Ffi.Types;

namespace Ffi.Layout;

/// <summary>
/// System V x86-64 aggregate layout exactly as GCC computes it. Everything is tracked in bits so that
/// bitfields and ordinary members go through one loop.
/// </summary>
/// <remarks>
/// The rules, each checked against gcc 12 by the test suite:
/// <list type="bullet">
/// <item>An ordinary member starts at the next multiple of its alignment (1 when packed) and raises the
/// aggregate's alignment to its own.</item>
/// <item>A bitfield of declared type T (not packed) starts at the current bit unless it would cross a
/// T-sized, T-aligned storage unit, in which case it starts at the next unit:
/// <c>struct { short a:9; int b:20; int c:10; }</c> puts <c>b</c> at bit 9 and <c>c</c> at bit 32.
/// A named bitfield raises the alignment to T's; an unnamed one (<c>int :3</c>) does not.</item>
/// <item>In a packed aggregate bitfields follow each other bit by bit, crossing any boundary, and
/// ordinary members only round up to the next byte; packing also overrides the alignment of nested
/// types, even ones declared <c>aligned(N)</c>.</item>
/// <item>A zero-width bitfield (<c>int :0</c>) moves to the next multiple of T's alignment, packed or
/// not, and does not raise the aggregate's alignment.</item>
/// <item><c>aligned(N)</c> raises the aggregate's alignment to at least N; the size is rounded up to the
/// alignment.</item>
/// <item>A union's size is its largest member (bitfields count their width rounded up to bytes).</item>
/// <item>A member packed on its own (<c>int x __attribute__((packed));</c>) is laid out as in a packed aggregate.</item>
/// <item><c>#pragma pack(N)</c> caps every ordinary member's alignment at N, its own <c>_Alignas</c> included; bitfields
/// then follow each other bit by bit as when packed, but a named one raises the aggregate's alignment to the
/// smaller of its type's and N (even in a packed struct); a zero-width bitfield still aligns to its full type:
/// under <c>pack(2)</c>, <c>struct { char a; int b:31; char c; }</c> is 6 bytes aligned 2.</item>
/// </list>
/// </remarks>
public static class SysVLayout
{
    /// <summary>The largest size in bytes the engine lays out (bit offsets must fit a 64-bit integer).</summary>
    public const long MaxSize = 1L << 59;

    /// <summary>The largest alignment GCC accepts on x86-64 ELF (<c>aligned(1 &lt;&lt; 28)</c>).</summary>
    public const int MaxAlign = 1 << 28;

    /// <summary>Lays out a struct.</summary>
    /// <param name="members">The members in declaration order; bitfield widths must not exceed their type.</param>
    /// <param name="packed"><c>__attribute__((packed))</c>.</param>
    /// <param name="requestedAlign"><c>__attribute__((aligned(N)))</c>, or <see langword="null"/>.</param>
    /// <param name="pack"><c>#pragma pack(N)</c> in effect (1, 2, 4, 8 or 16), or <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">A member is invalid (a bitfield on a non-integer type or too wide).</exception>
    /// <exception cref="OverflowException">The struct would be larger than <see cref="MaxSize"/>.</exception>
    public static AggregateLayout Struct(IReadOnlyList<MemberRequest> members, bool packed, int? requestedAlign, int? pack = null)
    {
        CheckPack(pack);
        var offsets = new long[members.Count];
        long pos = 0;
        int align = 1;
        for (int i = 0; i < members.Count; i++)
        {
            var m = members[i];
            long typeAlignBits = m.Type.Align * 8L;
            if (m.BitWidth is int width)
            {
                ValidateBitfield(m, i);
                if (width == 0)
                {
                    // struct { char a; int :0; char b; } → b at byte 4, alignment stays 1.
                    pos = AlignUp(pos, typeAlignBits);
                    offsets[i] = pos;
                    continue;
                }
                if (!packed && !m.Packed && pack is null)
                {
                    long unitBits = m.Type.Size * 8;
                    if (pos % unitBits + width > unitBits) pos = AlignUp(pos, typeAlignBits);
                }
                if (m.IsNamed) align = Math.Max(align, BitfieldAlign(m, packed, pack));
                offsets[i] = pos;
                pos = checked(pos + width);
            }
            else
            {
                // struct __attribute__((packed)) { char c; _Alignas(4) int x; } still puts x at 4: a member's own
                // alignment request raises its alignment, packed or not (it never lowers it).
                int memberAlign = MemberAlign(m, packed, pack);
                pos = AlignUp(pos, memberAlign * 8L);
                offsets[i] = pos;
                pos = checked(pos + m.Type.Size * 8);
                align = Math.Max(align, memberAlign);
            }
            CheckSize(pos);
        }
        return Finish(pos, align, requestedAlign, offsets);
    }

    /// <summary>Lays out a union: every member at offset 0.</summary>
    /// <param name="members">The members in declaration order.</param>
    /// <param name="packed"><c>__attribute__((packed))</c>.</param>
    /// <param name="requestedAlign"><c>__attribute__((aligned(N)))</c>, or <see langword="null"/>.</param>
    /// <param name="pack"><c>#pragma pack(N)</c> in effect (1, 2, 4, 8 or 16), or <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">A member is invalid (a bitfield on a non-integer type or too wide).</exception>
    /// <exception cref="OverflowException">The union would be larger than <see cref="MaxSize"/>.</exception>
    public static AggregateLayout Union(IReadOnlyList<MemberRequest> members, bool packed, int? requestedAlign, int? pack = null)
    {
        CheckPack(pack);
        long bits = 0;
        int align = 1;
        for (int i = 0; i < members.Count; i++)
        {
            var m = members[i];
            if (m.BitWidth is int width)
            {
                ValidateBitfield(m, i);
                // union { char c; long long x:33; } is 8 bytes aligned 8; union { char c; int :20; } is 3 bytes aligned 1.
                bits = Math.Max(bits, width);
                if (width > 0 && m.IsNamed) align = Math.Max(align, BitfieldAlign(m, packed, pack));
            }
            else
            {
                bits = Math.Max(bits, m.Type.Size * 8);
                align = Math.Max(align, MemberAlign(m, packed, pack));
            }
        }
        return Finish(bits, align, requestedAlign, new long[members.Count]);
    }

    /// <summary>Rounds <paramref name="value"/> up to a multiple of <paramref name="alignment"/> (a power of two).</summary>
    public static long AlignUp(long value, long alignment) => checked(value + alignment - 1) & ~(alignment - 1);

    // An ordinary member: its type's alignment (1 when packed), raised by its own request, capped by #pragma pack.
    private static int MemberAlign(MemberRequest m, bool packed, int? pack)
    {
        int a = Math.Max(packed || m.Packed ? 1 : m.Type.Align, m.Align ?? 1);
        return pack is int n ? Math.Min(a, n) : a;
    }

    // What a named, non-zero bitfield adds to the aggregate's alignment: gcc's update_alignment_for_field
    // (stor-layout.cc) caps the type's alignment at the pragma's N first, and only without a pragma at 1 when packed.
    private static int BitfieldAlign(MemberRequest m, bool packed, int? pack) =>
        pack is int n ? Math.Min(m.Type.Align, n) : packed || m.Packed ? 1 : m.Type.Align;

    private static void CheckPack(int? pack)
    {
        if (pack is int n && (n <= 0 || n > MaxPack || (n & (n - 1)) != 0))
            throw new ArgumentOutOfRangeException(nameof(pack), n, $"#pragma pack must be a power of two from 1 to {MaxPack}");
    }

    /// <summary>The largest <c>#pragma pack(N)</c> gcc takes on x86-64.</summary>
    public const int MaxPack = 16;

    private static AggregateLayout Finish(long bits, int align, int? requestedAlign, long[] offsets)
    {
        if (requestedAlign is int ra)
        {
            if (ra <= 0 || ra > MaxAlign || (ra & (ra - 1)) != 0)
                throw new ArgumentOutOfRangeException(nameof(requestedAlign), ra, $"alignment must be a power of two from 1 to {MaxAlign}");
            align = Math.Max(align, ra);
        }
        long size = AlignUp(AlignUp(bits, 8) / 8, align);
        CheckSize(size * 8);
        return new AggregateLayout(size, align, offsets);
    }

    private static void ValidateBitfield(MemberRequest m, int index)
    {
        var storage = m.Type is EnumType e ? e.Base : m.Type as IntType;
        if (storage is null)
            throw new ArgumentException($"member {index}: a bitfield must have an integer or enum type, not {m.Type.DisplayName}");
        int max = storage.IsBool ? 1 : storage.Bits;
        if (m.BitWidth < 0 || m.BitWidth > max)
            throw new ArgumentException($"member {index}: bitfield width {m.BitWidth} is out of range 0..{max} for {m.Type.DisplayName}");
    }

    private static void CheckSize(long bits)
    {
        if (bits > MaxSize * 8) throw new OverflowException($"aggregate larger than {MaxSize} bytes");
    }
}
