namespace Ffi.Memory;

// Raw bit access (the original's readBits/writeBits), for packed data the spec does not describe.
public sealed partial class FfiMemory
{
    /// <summary>
    /// Reads <paramref name="width"/> bits starting <paramref name="bitOffset"/> bits after byte
    /// <paramref name="byteOffset"/> of <paramref name="p"/>, least significant bit first.
    /// </summary>
    /// <param name="p">The base pointer.</param>
    /// <param name="byteOffset">Bytes from <paramref name="p"/> (≥ 0).</param>
    /// <param name="bitOffset">Bits after that byte (≥ 0; values of 8 or more move on to later bytes).</param>
    /// <param name="width">1 to 64.</param>
    /// <param name="signed">Sign-extend from the top bit of the field.</param>
    /// <exception cref="FfiMemoryException"><c>readBits: offsets must be &gt;= 0</c>, <c>readBits: width must be in 1..64</c>, or out of bounds.</exception>
    public long ReadBits(NativePointer p, long byteOffset, long bitOffset, int width, bool signed = false)
    {
        if (byteOffset < 0 || bitOffset < 0) throw new FfiMemoryException("readBits: offsets must be >= 0");
        if (width is < 1 or > 64) throw new FfiMemoryException("readBits: width must be in 1..64");
        long bits = BitPosition(byteOffset, bitOffset, "readBits");
        CheckAccess(p, bits / 8, BitAccess.BytesTouched(bits, width), "readBits");
        ulong raw = BitAccess.Read(p.Address, bits, width);
        return signed ? ScalarMemory.SignExtend(raw, width) : (long)raw;
    }

    /// <summary>Writes the low <paramref name="width"/> bits of <paramref name="value"/> at a bit position (see <see cref="ReadBits"/>).</summary>
    /// <exception cref="FfiMemoryException">
    /// <c>writeBits: offsets must be &gt;= 0</c>, <c>writeBits: width must be in 1..64</c>,
    /// <c>writeBits: negative value not allowed</c>, <c>writeBits: value does not fit width</c>, or out of bounds.
    /// </exception>
    public void WriteBits(NativePointer p, long byteOffset, long bitOffset, int width, long value)
    {
        if (byteOffset < 0 || bitOffset < 0) throw new FfiMemoryException("writeBits: offsets must be >= 0");
        if (width is < 1 or > 64) throw new FfiMemoryException("writeBits: width must be in 1..64");
        if (value < 0) throw new FfiMemoryException("writeBits: negative value not allowed");
        if ((ulong)value > BitAccess.Mask(width)) throw new FfiMemoryException($"writeBits: value does not fit width ({value} in {width} bits)");
        long bits = BitPosition(byteOffset, bitOffset, "writeBits");
        CheckAccess(p, bits / 8, BitAccess.BytesTouched(bits, width), "writeBits");
        BitAccess.Write(p.Address, bits, width, (ulong)value);
    }

    // byteOffset * 8 + bitOffset, or a memory error when that is beyond any addressable bit.
    private static long BitPosition(long byteOffset, long bitOffset, string op)
    {
        try { return checked(byteOffset * 8 + bitOffset); }
        catch (OverflowException) { throw new FfiMemoryException($"{op}: offset out of range ({byteOffset} bytes + {bitOffset} bits)"); }
    }
}
