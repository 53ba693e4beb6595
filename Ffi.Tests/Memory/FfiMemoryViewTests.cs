using System.Runtime.InteropServices;
using Ffi.Memory;

namespace Ffi.Tests.Memory;

/// <summary>Typed views: AsSpan over arrays, Read/Write of whole values as C# structs.</summary>
[TestFixture]
public sealed class FfiMemoryViewTests : MemoryFixture
{
    [StructLayout(LayoutKind.Sequential)]
    private struct Point
    {
        public int X;
        public int Y;
    }

    // struct item { uint16_t len; uint8_t flags; double v; }: len@0, flags@2, v@8, size 16
    [StructLayout(LayoutKind.Sequential)]
    private struct Item
    {
        public ushort Len;
        public byte Flags;
        public double V;
    }

    [Test]
    public void AsSpan_OverAnArrayBox()
    {
        var p = Mem.Box("ints4", new[] { 1, 2, 3, 4 });
        var span = Mem.AsSpan<int>(p);
        Assert.That(span.ToArray(), Is.EqualTo(new[] { 1, 2, 3, 4 }));
        span[2] = -30;
        Assert.That(Mem.Get(p, "[2]"), Is.EqualTo(-30));
        Assert.That(Mem.AsSpan<uint>(p).Length, Is.EqualTo(4), "any 4-byte element type");
    }

    [Test]
    public void AsSpan_OverAnArrayOfStructs()
    {
        var p = Mem.Box("points3", new[] { new { x = 1, y = 2 }, new { x = 3, y = 4 } });
        var points = Mem.AsSpan<Point>(p).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(points, Has.Length.EqualTo(3));
            Assert.That(points[1].X, Is.EqualTo(3));
            Assert.That(points[1].Y, Is.EqualTo(4));
        });
    }

    [Test]
    public void AsSpan_OverNewOfAFlexibleArray_HasTheAllocatedCount()
    {
        var p = Mem.New("intflex", 10);
        var span = Mem.AsSpan<int>(p);
        Assert.That(span.Length, Is.EqualTo(10));
        span[9] = 99;
        Assert.That(RawAt<int>(p, 36), Is.EqualTo(99));
    }

    [Test]
    public void AsSpan_OverAFlexibleArrayMemberOfMallocatedStorage()
    {
        // struct flex { uint32_t n; int32_t data[]; } with room for 3 elements: 4 + 3 * 4 bytes
        var p = Mem.Cast("flex", Mem.Malloc(4 + 3 * 4));
        Mem.Set(p, "n", 3);
        var data = (NativePointer)Mem.Get(p, "data")!;
        var span = Mem.AsSpan<int>(data);
        Assert.That(span.Length, Is.EqualTo(3));
        span.Fill(7);
        Assert.Multiple(() =>
        {
            Assert.That(Mem.Get(p, "data[2]"), Is.EqualTo(7));
            Assert.That(Mem.Get(p, "n"), Is.EqualTo(3u), "the header is not part of the span");
        });
        Assert.Throws<FfiMemoryException>(() => Mem.Get(p, "data[3]"));
    }

    [Test]
    public void AsSpan_WithAnExplicitCount()
    {
        var p = Mem.Box("ints4", new[] { 5, 6, 7, 8 });
        Assert.Multiple(() =>
        {
            Assert.That(Mem.AsSpan<int>(p, 2).ToArray(), Is.EqualTo(new[] { 5, 6 }));
            Assert.That(Mem.AsSpan<int>(p, 0).Length, Is.Zero);
        });
        Assert.Throws<ArgumentOutOfRangeException>(() => Mem.AsSpan<int>(p, -1));
        Assert.Throws<FfiMemoryException>(() => Mem.AsSpan<int>(p, 5));
    }

    [Test]
    public void AsSpan_ElementSizeMismatch()
    {
        var p = Mem.Box("ints4");
        var ex = Assert.Throws<FfiArgumentException>(() => Mem.AsSpan<long>(p));
        Assert.That(ex!.Message, Does.Contain("Int64 is 8 bytes but the elements (int32) are 4"));
        Assert.Throws<FfiArgumentException>(() => Mem.AsSpan<short>(p, 2));
        Assert.Throws<FfiArgumentException>(() => Mem.AsSpan<int>(Mem.Box("points3")));
    }

    [Test]
    public void AsSpan_UnknownLengthForMemoryFromC()
    {
        var raw = Marshal.AllocHGlobal(16);
        try
        {
            var p = NativePointer.FromAddress(raw);
            var ex = Assert.Throws<FfiArgumentException>(() => Mem.AsSpan<int>(p));
            Assert.That(ex!.Message, Does.Contain("length is unknown"));
            Assert.That(Mem.AsSpan<int>(p, 4).Length, Is.EqualTo(4));
        }
        finally
        {
            Marshal.FreeHGlobal(raw);
        }
    }

    [Test]
    public void ReadWrite_WithAMatchingStruct()
    {
        var p = Mem.Box("point", new { x = 3, y = -4 });
        var pt = Mem.Read<Point>(p);
        Assert.Multiple(() =>
        {
            Assert.That(pt.X, Is.EqualTo(3));
            Assert.That(pt.Y, Is.EqualTo(-4));
        });
        Mem.Write(p, new Point { X = 10, Y = 20 });
        Assert.Multiple(() =>
        {
            Assert.That(Mem.Get(p, "x"), Is.EqualTo(10));
            Assert.That(Mem.Get(p, "y"), Is.EqualTo(20));
        });

        var item = Mem.Box("item", new { len = 9, flags = 2, v = 0.25 });
        var it = Mem.Read<Item>(item);
        Assert.Multiple(() =>
        {
            Assert.That(it.Len, Is.EqualTo((ushort)9));
            Assert.That(it.Flags, Is.EqualTo((byte)2));
            Assert.That(it.V, Is.EqualTo(0.25));
        });
    }

    [Test]
    public void ReadWrite_OfAnInteriorMember()
    {
        var msg = Mem.Box("msg");
        var third = (NativePointer)Mem.Get(msg, "hdr.items[2]")!;
        Mem.Write(third, new Item { Len = 1, Flags = 2, V = 3 });
        Assert.Multiple(() =>
        {
            Assert.That(RawAt<ushort>(msg, 48), Is.EqualTo((ushort)1));
            Assert.That(RawAt<double>(msg, 56), Is.EqualTo(3.0));
            Assert.That(Mem.Read<Item>(third).Flags, Is.EqualTo((byte)2));
        });
    }

    [Test]
    public void ReadWrite_SizeMismatch()
    {
        var p = Mem.Box("point", new { x = 1, y = 2 });
        var read = Assert.Throws<FfiArgumentException>(() => Mem.Read<int>(p));
        Assert.That(read!.Message, Does.Contain("Int32 is 4 bytes but point is 8"));
        Assert.Throws<FfiArgumentException>(() => Mem.Write(p, new Item()));
        Assert.That(RawAt<int>(p, 4), Is.EqualTo(2));
    }
}
