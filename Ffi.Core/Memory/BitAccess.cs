namespace Ffi.Memory;

/// <summary>
/// Reads and writes up to 64 bits at any bit position, little-endian (x86-64 stores bitfields least
/// significant bit first). Touches only the bytes the field covers (at most 9); the caller checks them.
/// </summary>
internal static unsafe class BitAccess
{
    /// <summary>The number of bytes from the byte of <paramref name="bitOffset"/> the field touches.</summary>
    public static int BytesTouched(long bitOffset, int width) => (int)((bitOffset % 8 + width + 7) / 8);

    public static ulong Read(nint address, long bitOffset, int width)
    {
        byte* p = (byte*)address + bitOffset / 8;
        int start = (int)(bitOffset % 8);
        int n = BytesTouched(bitOffset, width);
        UInt128 x = 0;
        for (int i = 0; i < n; i++) x |= (UInt128)p[i] << (8 * i);
        return (ulong)(x >> start) & Mask(width);
    }

    public static void Write(nint address, long bitOffset, int width, ulong value)
    {
        byte* p = (byte*)address + bitOffset / 8;
        int start = (int)(bitOffset % 8);
        int n = BytesTouched(bitOffset, width);
        UInt128 x = 0;
        for (int i = 0; i < n; i++) x |= (UInt128)p[i] << (8 * i);
        var field = (UInt128)Mask(width) << start;
        x = (x & ~field) | ((UInt128)(value & Mask(width)) << start);
        for (int i = 0; i < n; i++) p[i] = (byte)(x >> (8 * i));
    }

    public static ulong Mask(int width) => width == 64 ? ulong.MaxValue : (1UL << width) - 1;
}
