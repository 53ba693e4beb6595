using Ffi.Memory;

namespace Ffi.Tests.Memory;

/// <summary>Bitfields by name and path, and ReadBits/WriteBits.</summary>
public sealed partial class FfiMemoryFieldTests
{
    // ---- bitfields ----------------------------------------------------------------------------------

    [Test]
    public void Bitfield_SignedSignExtends()
    {
        // struct bf { int32_t a:3; ... }: a is bits 0..2 of byte 0
        var bf = Mem.Box("bf");
        Mem.Set(bf, "a", -4);
        Assert.Multiple(() =>
        {
            Assert.That(Mem.Get(bf, "a"), Is.EqualTo(-4));
            Assert.That(Mem.Get(bf, "a"), Is.InstanceOf<int>());
            Assert.That(RawAt<byte>(bf, 0), Is.EqualTo(0b100));
        });
        Mem.Set(bf, "a", 3);
        Assert.That(Mem.Get(bf, "a"), Is.EqualTo(3));
        Mem.Set(bf, "a", -1);
        Assert.That(RawAt<byte>(bf, 0), Is.EqualTo(0b111));
    }

    [TestCase("a", 4, "integer out of range")]
    [TestCase("a", -5, "integer out of range")]
    [TestCase("b", 32, "integer out of range")]
    [TestCase("b", -1, "negative to unsigned")]
    [TestCase("c", 2, "integer out of range")]
    [TestCase("s", 1L << 39, "integer out of range")]
    [TestCase("s", -(1L << 39) - 1, "integer out of range")]
    [TestCase("a", 1.5, "non-integral float to int")]
    public void Bitfield_OutOfWidthIsRefusedWithNoWrite(string path, object value, string message)
    {
        var bf = Mem.Cast("bf", Patterned(24, 0x5A));
        var ex = Assert.Throws<FfiArgumentException>(() => Mem.Set(bf, path, value));
        Assert.Multiple(() =>
        {
            Assert.That(ex!.Message, Does.Contain(message));
            Assert.That(Raw(bf, 24), Is.All.EqualTo((byte)0x5A));
        });
    }

    [Test]
    public void Bitfield_UnsignedMaxAndNeighboursUntouched()
    {
        var bf = Mem.Box("bf");
        Mem.Set(bf, "a", -1);
        Mem.Set(bf, "b", 31);
        Assert.Multiple(() =>
        {
            Assert.That(Mem.Get(bf, "b"), Is.EqualTo(31u));
            Assert.That(Mem.Get(bf, "b"), Is.InstanceOf<uint>());
            Assert.That(Mem.Get(bf, "a"), Is.EqualTo(-1), "a kept");
            Assert.That(RawAt<byte>(bf, 0), Is.EqualTo(0xFF));
            Assert.That(RawAt<byte>(bf, 1), Is.Zero, "c untouched");
        });
        Mem.Set(bf, "b", 0);
        Assert.That(RawAt<byte>(bf, 0), Is.EqualTo(0b111));
    }

    [Test]
    public void Bitfield_Bool()
    {
        var bf = Mem.Box("bf");
        Mem.Set(bf, "c", true);
        Assert.Multiple(() =>
        {
            Assert.That(Mem.Get(bf, "c"), Is.True);
            Assert.That(RawAt<byte>(bf, 1), Is.EqualTo(1), "gcc: c is bit 8");
        });
        Mem.Set(bf, "c", 0);
        Assert.That(Mem.Get(bf, "c"), Is.False);
    }

    [Test]
    public void Bitfield_64BitWide()
    {
        var bf = Mem.Cast("bf", Patterned(24, 0x00));
        Mem.Set(bf, "w", 0x0123456789ABCDEFUL);
        Assert.Multiple(() =>
        {
            // gcc: w occupies bytes 8..15 (ef cd ab 89 67 45 23 01)
            Assert.That(Raw(bf, 24), Is.EqualTo(Convert.FromHexString("0000000000000000efcdab89674523010000000000000000")));
            Assert.That(Mem.Get(bf, "w"), Is.EqualTo(0x0123456789ABCDEFUL));
        });
        Mem.Set(bf, "w", ulong.MaxValue);
        Assert.That(Mem.Get(bf, "w"), Is.EqualTo(ulong.MaxValue));
    }

    [Test]
    public void Bitfield_40BitSigned()
    {
        var bf = Mem.Box("bf");
        Mem.Set(bf, "s", -1);
        Assert.Multiple(() =>
        {
            // gcc: s = -1 sets bytes 16..20, byte 21 stays 0
            Assert.That(Raw(bf, 24), Is.EqualTo(Convert.FromHexString("00000000000000000000000000000000ffffffffff000000")));
            Assert.That(Mem.Get(bf, "s"), Is.EqualTo(-1L));
        });
        Mem.Set(bf, "s", (1L << 39) - 1);
        Assert.That(Mem.Get(bf, "s"), Is.EqualTo((1L << 39) - 1));
        Mem.Set(bf, "s", -(1L << 39));
        Assert.That(Mem.Get(bf, "s"), Is.EqualTo(-(1L << 39)));
    }

    [Test]
    public void Bitfield_PackedStraddlingBytes()
    {
        var pk = Mem.Box("pk");
        Mem.Set(pk, "b", 0x3FF);
        Assert.That(Raw(pk, 5), Is.EqualTo(new byte[] { 0x80, 0xFF, 0x01, 0, 0 }), "gcc: b = 0x3ff");
        Mem.Set(pk, "b", 0);
        Mem.Set(pk, "c", 0xFFFFF);
        Assert.That(Raw(pk, 5), Is.EqualTo(new byte[] { 0, 0, 0xFE, 0xFF, 0x1F }), "gcc: c = 0xfffff");
        Mem.Set(pk, "a", 127);
        Mem.Set(pk, "b", 0x155);
        Assert.Multiple(() =>
        {
            Assert.That(Mem.Get(pk, "a"), Is.EqualTo((byte)127));
            Assert.That(Mem.Get(pk, "b"), Is.EqualTo((ushort)0x155));
            Assert.That(Mem.Get(pk, "c"), Is.EqualTo(0xFFFFFu));
        });
    }

    [Test]
    public void Bitfield_EnumTypedReadsAsTheBase()
    {
        // struct bfe { enum scolor(int8) e:3; enum color(uint16) k:4; }: e bits 0..2, k bits 3..6
        var p = Mem.Box("bfe");
        Mem.Set(p, "e", -1);
        Mem.Set(p, "k", 15);
        Assert.Multiple(() =>
        {
            Assert.That(Mem.Get(p, "e"), Is.EqualTo((sbyte)-1));
            Assert.That(Mem.Get(p, "k"), Is.EqualTo((ushort)15));
            Assert.That(RawAt<ushort>(p, 0), Is.EqualTo((ushort)0x7F));
        });
        Assert.Throws<FfiArgumentException>(() => Mem.Set(p, "k", 16));
    }

    [Test]
    public void Bitfield_InABoxInit()
    {
        var bf = Mem.Box("bf", new { a = -2, b = 17u, c = true, s = -3L });
        Assert.Multiple(() =>
        {
            Assert.That(Mem.Get(bf, "a"), Is.EqualTo(-2));
            Assert.That(Mem.Get(bf, "b"), Is.EqualTo(17u));
            Assert.That(Mem.Get(bf, "c"), Is.True);
            Assert.That(Mem.Get(bf, "s"), Is.EqualTo(-3L));
        });
        Assert.Throws<FfiArgumentException>(() => Mem.Box("bf", new { a = 4 }));
    }

    // ---- ReadBits / WriteBits -----------------------------------------------------------------------

    [Test]
    public void Bits_RoundTripAcrossBytes()
    {
        var p = Patterned(4, 0x00);
        Mem.WriteBits(p, 1, 3, 10, 0x2AB); // bits 11..20: 0x2AB << 11 = 0x155800
        Assert.Multiple(() =>
        {
            Assert.That(Raw(p, 4), Is.EqualTo(new byte[] { 0x00, 0x58, 0x15, 0x00 }));
            Assert.That(Mem.ReadBits(p, 1, 3, 10), Is.EqualTo(0x2AB));
            Assert.That(Mem.ReadBits(p, 1, 3, 10, signed: true), Is.EqualTo(0x2AB - 0x400));
            Assert.That(Mem.ReadBits(p, 0, 11, 10), Is.EqualTo(0x2AB), "a bit offset of 8 or more moves on to later bytes");
        });
    }

    [Test]
    public void Bits_WriteKeepsTheOtherBits()
    {
        var p = Patterned(2, 0xFF);
        Mem.WriteBits(p, 0, 3, 2, 0);
        Assert.That(Raw(p, 2), Is.EqualTo(new byte[] { 0xE7, 0xFF }));
    }

    [Test]
    public void Bits_64BitWidthAtAnOddBitTouchesNineBytes()
    {
        var p = Patterned(9, 0x00);
        Mem.WriteBits(p, 0, 4, 64, long.MaxValue);
        Assert.Multiple(() =>
        {
            Assert.That(Mem.ReadBits(p, 0, 4, 64), Is.EqualTo(long.MaxValue));
            Assert.That(Raw(p, 9), Is.EqualTo(new byte[] { 0xF0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x07 }));
            Assert.That(Mem.ReadBits(p, 0, 0, 4), Is.Zero);
            Assert.That(Mem.ReadBits(p, 8, 0, 8, signed: true), Is.EqualTo(7));
        });
        PokeAt(p, 0, -1L);
        Assert.That(Mem.ReadBits(p, 0, 0, 64, signed: false), Is.EqualTo(-1L), "64 bits come back as the same two's complement");
    }

    [Test]
    public void Bits_Errors()
    {
        var p = Patterned(8, 0x5A);
        Assert.Multiple(() =>
        {
            Assert.That(Assert.Throws<FfiMemoryException>(() => Mem.ReadBits(p, -1, 0, 1))!.Message, Does.Contain("readBits: offsets must be >= 0"));
            Assert.That(Assert.Throws<FfiMemoryException>(() => Mem.ReadBits(p, 0, -1, 1))!.Message, Does.Contain("readBits: offsets must be >= 0"));
            Assert.That(Assert.Throws<FfiMemoryException>(() => Mem.ReadBits(p, 0, 0, 0))!.Message, Does.Contain("readBits: width must be in 1..64"));
            Assert.That(Assert.Throws<FfiMemoryException>(() => Mem.ReadBits(p, 0, 0, 65))!.Message, Does.Contain("readBits: width must be in 1..64"));
            Assert.That(Assert.Throws<FfiMemoryException>(() => Mem.WriteBits(p, -1, 0, 1, 0))!.Message, Does.Contain("writeBits: offsets must be >= 0"));
            Assert.That(Assert.Throws<FfiMemoryException>(() => Mem.WriteBits(p, 0, -1, 1, 0))!.Message, Does.Contain("writeBits: offsets must be >= 0"));
            Assert.That(Assert.Throws<FfiMemoryException>(() => Mem.WriteBits(p, 0, 0, 0, 0))!.Message, Does.Contain("writeBits: width must be in 1..64"));
            Assert.That(Assert.Throws<FfiMemoryException>(() => Mem.WriteBits(p, 0, 0, 65, 0))!.Message, Does.Contain("writeBits: width must be in 1..64"));
            Assert.That(Assert.Throws<FfiMemoryException>(() => Mem.WriteBits(p, 0, 0, 8, -1))!.Message, Does.Contain("writeBits: negative value not allowed"));
            Assert.That(Assert.Throws<FfiMemoryException>(() => Mem.WriteBits(p, 0, 0, 3, 8))!.Message, Does.Contain("writeBits: value does not fit width"));
            Assert.That(Assert.Throws<FfiMemoryException>(() => Mem.ReadBits(NativePointer.Null, 0, 0, 1))!.Message, Does.Contain("null pointer"));
        });
        Assert.That(Raw(p, 8), Is.All.EqualTo((byte)0x5A));
    }
}
