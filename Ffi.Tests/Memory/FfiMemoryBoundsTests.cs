using System.Runtime.InteropServices;
using Ffi.Memory;

namespace Ffi.Tests.Memory;

/// <summary>
/// Every access through engine memory is checked against the allocation: one byte past the end is refused
/// with <see cref="FfiMemoryException"/> and nothing is written; released memory is refused.
/// </summary>
[TestFixture]
public sealed class FfiMemoryBoundsTests : MemoryFixture
{
    // A 10-byte block seen as points: point[0] fits (bytes 0..7), point[1].x would be bytes 8..11.
    private NativePointer TenBytesAsPoints() => Mem.Cast("point", Patterned(10, 0x5A));

    private static void AssertUnchanged(NativePointer p, int size, byte pattern = 0x5A) =>
        Assert.That(Raw(p, size), Is.All.EqualTo(pattern), "nothing was written");

    [Test]
    public void GetSet_OnePastTheEnd()
    {
        var p = TenBytesAsPoints();
        Assert.That(Mem.Get(p, "[0].y"), Is.EqualTo(0x5A5A5A5A));
        var get = Assert.Throws<FfiMemoryException>(() => Mem.Get(p, "[1].x"));
        Assert.That(get!.Message, Does.Contain("outside the 10-byte allocation"));
        Assert.Throws<FfiMemoryException>(() => Mem.Set(p, "[1].x", 1));
        AssertUnchanged(p, 10);
    }

    [Test]
    public void GetSet_PastTheEndOfABoxAndOfNew()
    {
        var box = Mem.Box("point");
        var many = Mem.New("point", 2);
        Assert.Multiple(() =>
        {
            Assert.Throws<FfiMemoryException>(() => Mem.Get(box, "[1].x"));
            Assert.Throws<FfiMemoryException>(() => Mem.Set(box, "[1].x", 1));
            Assert.Throws<FfiMemoryException>(() => Mem.Get(many, "[2].x"));
            Assert.Throws<FfiMemoryException>(() => Mem.Set(many, "[2].y", 1));
            Assert.Throws<FfiMemoryException>(() => Mem.Get(box, "[1]"));
            Assert.That(Mem.Get(many, "[1].y"), Is.Zero);
        });
    }

    [Test]
    public void Bitfield_PastTheEnd()
    {
        // Only 16 of bf's 24 bytes allocated: s (bytes 16..20) is outside, w (8..15) inside.
        var bf = Mem.Cast("bf", Patterned(16, 0x5A));
        Assert.Throws<FfiMemoryException>(() => Mem.Get(bf, "s"));
        Assert.Throws<FfiMemoryException>(() => Mem.Set(bf, "s", 0));
        Assert.That(Mem.Get(bf, "w"), Is.EqualTo(0x5A5A5A5A5A5A5A5AUL));
        AssertUnchanged(bf, 16);
    }

    [Test]
    public void Copy_PastTheEndOfTheDestinationOrSource()
    {
        var p = Patterned(10);
        Assert.Throws<FfiMemoryException>(() => Mem.Copy(p, new byte[11], 11));
        Assert.Throws<FfiMemoryException>(() => Mem.Copy(p.Offset(8, null), new byte[3], 3));
        Assert.Throws<FfiMemoryException>(() => Mem.Copy(p, "0123456789", 11));
        var shortSource = Mem.Malloc(4);
        Assert.Throws<FfiMemoryException>(() => Mem.Copy(p, shortSource, 5));
        AssertUnchanged(p, 10);
        Assert.DoesNotThrow(() => Mem.Copy(p.Offset(8, null), new byte[2], 2));
    }

    [Test]
    public void Fill_PastTheEnd()
    {
        var p = Patterned(10);
        Assert.Throws<FfiMemoryException>(() => Mem.Fill(p, 0, 11));
        Assert.Throws<FfiMemoryException>(() => Mem.Fill(p.Offset(9, null), 0, 2));
        AssertUnchanged(p, 10);
    }

    [Test]
    public void String_WithoutNulInsideTheAllocation()
    {
        var p = Patterned(4, (byte)'a');
        var ex = Assert.Throws<FfiMemoryException>(() => Mem.String(p));
        Assert.That(ex!.Message, Does.Contain("no NUL terminator within the 4 byte(s)"));
        Assert.Throws<FfiMemoryException>(() => Mem.String(p, 5));
        Assert.Throws<FfiMemoryException>(() => Mem.String(p.Offset(4, null)));
        Assert.That(Mem.String(p, 4), Is.EqualTo("aaaa"));
    }

    [Test]
    public void Bits_StraddlingTheEnd()
    {
        var p = Patterned(10);
        Assert.Multiple(() =>
        {
            Assert.Throws<FfiMemoryException>(() => Mem.ReadBits(p, 9, 4, 8));   // bits 76..83: bytes 9 and 10
            Assert.Throws<FfiMemoryException>(() => Mem.WriteBits(p, 9, 4, 8, 0));
            Assert.Throws<FfiMemoryException>(() => Mem.ReadBits(p, 3, 1, 64));  // 9 bytes from byte 3
            Assert.Throws<FfiMemoryException>(() => Mem.WriteBits(p, 0, 80, 1, 1));
            Assert.That(Mem.ReadBits(p, 9, 0, 8), Is.EqualTo(0x5A));
            Assert.That(Mem.ReadBits(p, 2, 0, 64), Is.EqualTo(0x5A5A5A5A5A5A5A5AL));
        });
        AssertUnchanged(p, 10);
    }

    [Test]
    public void Views_PastTheEnd()
    {
        var p = Patterned(10);
        Assert.Multiple(() =>
        {
            Assert.Throws<FfiMemoryException>(() => Mem.AsSpan<int>(p, 3));
            Assert.Throws<FfiMemoryException>(() => Mem.Read<long>(p.Offset(4, null)));
            Assert.Throws<FfiMemoryException>(() => Mem.Write(p.Offset(4, null), 0L));
            Assert.That(Mem.AsSpan<int>(p).Length, Is.EqualTo(2), "10 bytes hold two whole ints");
        });
        AssertUnchanged(p, 10);
    }

    [Test]
    public void InteriorPointersAreCheckedAgainstTheWholeBlock()
    {
        var rect = Mem.Box("rect");
        var a = (NativePointer)Mem.Get(rect, "a")!;
        var b = (NativePointer)Mem.Get(rect, "b")!;
        Assert.Multiple(() =>
        {
            Assert.That(Mem.Get(a, "[1].y"), Is.Zero, "a's neighbour b is in the same block");
            Assert.Throws<FfiMemoryException>(() => Mem.Get(b, "[1].x"));
            Assert.Throws<FfiMemoryException>(() => Mem.Set(b, "[1].x", 1));
            Assert.Throws<FfiMemoryException>(() => Mem.Fill(b, 0, 9));
            Assert.Throws<FfiMemoryException>(() => Mem.Read<long>(b.Offset(4, null)));
            Assert.That(b.Extent, Is.EqualTo(8));
        });
        Mem.Free(rect);
        Assert.That(Assert.Throws<FfiMemoryException>(() => Mem.Get(b, "x"))!.Message, Does.Contain("use after free"));
    }

    [Test]
    public void HugeIndexesAndOffsetsAreMemoryErrorsNotOverflows()
    {
        var p = Mem.New("point", 2);
        Assert.Multiple(() =>
        {
            Assert.Throws<FfiMemoryException>(() => Mem.Get(p, "[2000000000000000000].x"));
            Assert.Throws<FfiMemoryException>(() => Mem.Set(p, "[9223372036854775807].y", 1));
            Assert.Throws<FfiMemoryException>(() => Mem.OffsetOf("point", "[2000000000000000000]"));
            Assert.Throws<FfiMemoryException>(() => Mem.ReadBits(p, long.MaxValue, 0, 1));
            Assert.Throws<FfiMemoryException>(() => Mem.WriteBits(p, 1L << 60, 0, 1, 1));
            Assert.Throws<FfiMemoryException>(() => Mem.ReadBits(p, 0, long.MaxValue, 1));
        });
        Assert.That(Raw(p, 16), Is.All.EqualTo((byte)0));
    }

    [Test]
    public void NegativeOffsetsBeforeTheBlockAreRefused()
    {
        var p = Mem.Box("rect");
        var before = p.Offset(-4, MemoryTestSpec.Spec.Types["point"]);
        Assert.Throws<FfiMemoryException>(() => Mem.Get(before, "x"));
        Assert.Throws<FfiMemoryException>(() => Mem.Fill(before, 0, 1));
    }

    [Test]
    public void UseAfterFree_EveryAccessIsRefused()
    {
        var p = Mem.Box("point", new { x = 1 });
        var raw = Mem.Malloc(8);
        Mem.Free(p);
        Mem.Free(raw);
        var ops = new (string Name, Action Op)[]
        {
            ("Get", () => Mem.Get(p, "x")),
            ("Set", () => Mem.Set(p, "x", 1)),
            ("Copy to", () => Mem.Copy(raw, new byte[1], 1)),
            ("Copy from", () => Mem.Copy(Mem.Malloc(8), raw, 1)),
            ("Fill", () => Mem.Fill(raw, 0, 1)),
            ("String", () => Mem.String(raw)),
            ("ReadBits", () => Mem.ReadBits(raw, 0, 0, 1)),
            ("WriteBits", () => Mem.WriteBits(raw, 0, 0, 1, 1)),
            ("AsSpan", () => Mem.AsSpan<byte>(raw, 1)),
            ("Read", () => Mem.Read<int>(raw)),
            ("Write", () => Mem.Write(raw, 1)),
            ("Realloc", () => Mem.Realloc(raw, 16)),
            ("Gc", () => Mem.Gc(raw, Finalizer.Free)),
            ("Box from freed storage", () => Mem.Box("rect", new { a = p })),
        };
        Assert.Multiple(() =>
        {
            foreach (var (name, op) in ops)
                Assert.That(Assert.Throws<FfiMemoryException>(op, name)!.Message, Does.Contain("use after free"), name);
        });
    }

    [Test]
    public void DoubleFreeIsRefused()
    {
        var p = Mem.New("point");
        Mem.Free(p);
        var ex = Assert.Throws<FfiMemoryException>(() => Mem.Free(p));
        Assert.That(ex!.Message, Does.Contain("double free"));
    }

    [Test]
    public void NullPointerIsRefused()
    {
        var point = MemoryTestSpec.Spec.Types["point"];
        var n = NativePointer.FromAddress(0, point);
        Assert.Multiple(() =>
        {
            Assert.That(Assert.Throws<FfiMemoryException>(() => Mem.Get(n, "x"))!.Message, Does.Contain("null pointer"));
            Assert.Throws<FfiMemoryException>(() => Mem.Set(n, "x", 1));
            Assert.Throws<FfiMemoryException>(() => Mem.Fill(n, 0, 1));
            Assert.Throws<FfiMemoryException>(() => Mem.Read<long>(n));
            Assert.Throws<FfiMemoryException>(() => Mem.AsSpan<int>(NativePointer.Null, 1));
        });
    }

    [Test]
    public void MemoryFromCIsNotBoundsChecked_ButNullStillIs()
    {
        // An 8-byte buffer the engine did not allocate: the engine reads the valid bytes it is told to.
        var raw = Marshal.AllocHGlobal(8);
        try
        {
            Marshal.WriteInt64(raw, 0x0102030405060708);
            var p = NativePointer.FromAddress(raw);
            Assert.Multiple(() =>
            {
                Assert.That(Mem.ReadBits(p, 7, 0, 8), Is.EqualTo(1));
                Assert.That(Mem.AsSpan<byte>(p, 8).ToArray(), Is.EqualTo(new byte[] { 8, 7, 6, 5, 4, 3, 2, 1 }));
                Assert.That(Mem.Read<long>(p), Is.EqualTo(0x0102030405060708));
            });
        }
        finally
        {
            Marshal.FreeHGlobal(raw);
        }
    }
}
