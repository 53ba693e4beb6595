using System.Runtime.InteropServices;
using Ffi.Memory;
using Ffi.Types;

namespace Ffi.Tests.Memory;

/// <summary>Type queries and raw memory (malloc, calloc, realloc, free, new, copy, fill, string). Layouts: see <see cref="MemoryTestSpec"/>.</summary>
[TestFixture]
public sealed partial class FfiMemoryTests : MemoryFixture
{
    private const string InlinePoints3 = """{"kind":"array","of":"point","len":3}""";

    // ---- type queries -------------------------------------------------------------------------------

    [TestCase("point", 8, 4)]
    [TestCase("rect", 16, 4)]
    [TestCase("item", 16, 8)]
    [TestCase("hdr", 72, 8)]
    [TestCase("msg", 80, 8)]
    [TestCase("bf", 24, 8)]
    [TestCase("pk", 5, 1)]
    [TestCase("bfe", 2, 2)]
    [TestCase("num", 8, 4)]
    [TestCase("sc", 104, 8)]
    [TestCase("flex", 4, 4)]
    [TestCase("intflex", 0, 4)]
    [TestCase("color", 2, 2)]
    [TestCase("fd_h", 4, 4)]
    [TestCase("unary", 8, 8)]
    [TestCase("size_t", 8, 8)]
    [TestCase(InlinePoints3, 24, 4)]
    [TestCase("""{"kind":"struct","fields":[{"name":"c","type":"char"},{"name":"d","type":"double"}]}""", 16, 8)]
    public void SizeOfAndAlignOf_ByNameOrInlineJson(string type, long size, int align)
    {
        Assert.Multiple(() =>
        {
            Assert.That(Mem.SizeOf(type), Is.EqualTo(size));
            Assert.That(Mem.AlignOf(type), Is.EqualTo(align));
        });
    }

    [Test]
    public void SizeOfAndAlignOf_ByCType()
    {
        CType msg = MemoryTestSpec.Spec.Types["msg"];
        Assert.Multiple(() =>
        {
            Assert.That(Mem.SizeOf(msg), Is.EqualTo(80));
            Assert.That(Mem.AlignOf(msg), Is.EqualTo(8));
            Assert.That(Mem.SizeOf(Mem.TypeOf(InlinePoints3)), Is.EqualTo(24));
        });
    }

    [Test]
    public void TypeOf_NameGivesTheRegistryInstance_InlineGivesAnAnonymousType()
    {
        var point = MemoryTestSpec.Spec.Types["point"];
        var inline = Mem.TypeOf(InlinePoints3);
        Assert.Multiple(() =>
        {
            Assert.That(Mem.TypeOf("point"), Is.SameAs(point));
            Assert.That(Mem.TypeOf("int"), Is.InstanceOf<IntType>().With.Property(nameof(IntType.Bits)).EqualTo(32));
            Assert.That(inline, Is.InstanceOf<ArrayType>());
            Assert.That(((ArrayType)inline).Element, Is.SameAs(point));
            Assert.That(((ArrayType)inline).Length, Is.EqualTo(3));
            Assert.That(inline.Name, Is.Null);
            Assert.That(Mem.TypeOf("  {\"kind\":\"int\",\"bits\":16,\"signed\":false}").Size, Is.EqualTo(2));
        });
    }

    [Test]
    public void TypeOf_UnknownNameAndMalformedInlineJson()
    {
        var unknown = Assert.Throws<FfiNameException>(() => Mem.TypeOf("no_such_type"));
        Assert.That(unknown!.Message, Is.EqualTo("unknown type \"no_such_type\""));
        Assert.Throws<FfiNameException>(() => Mem.SizeOf("flaot"));
        Assert.Throws<FfiNameException>(() => Mem.AlignOf("flaot"));
        Assert.Throws<FfiSpecException>(() => Mem.TypeOf("""{"kind":"array","len":3}"""));
        Assert.Throws<FfiSpecException>(() => Mem.TypeOf("""{"kind":"array","of":"nope","len":3}"""));
        Assert.Throws<FfiSpecException>(() => Mem.TypeOf("{not json"));
    }

    // struct msg { char tag; struct hdr { uint32_t count; struct item { uint16_t len; uint8_t flags; double v; } items[4]; } hdr; }
    [TestCase("msg", "tag", 0)]
    [TestCase("msg", "hdr", 8)]
    [TestCase("msg", "hdr.count", 8)]
    [TestCase("msg", "hdr.items", 16)]
    [TestCase("msg", "hdr.items[0].flags", 18)]
    [TestCase("msg", "hdr.items[3].len", 64)]
    [TestCase("msg", "hdr.items[3].v", 72)]
    [TestCase("rect", "b.y", 12)]
    [TestCase("num", "p.y", 4)]
    [TestCase("sc", "name[5]", 93)]
    [TestCase("sc", "se", 100)]
    [TestCase("flex", "data[2]", 12)]
    [TestCase("point", "[2].y", 20)]          // "[N]" first: element N of an array of point at the pointer
    [TestCase(InlinePoints3, "[2].y", 20)]
    [TestCase("bf", "c", 1)]                  // a bitfield: the byte of its first bit
    [TestCase("bf", "s", 16)]
    [TestCase("pk", "c", 2)]
    public void OffsetOf_Paths(string type, string path, long offset) =>
        Assert.That(Mem.OffsetOf(type, path), Is.EqualTo(offset));

    [Test]
    public void OffsetOf_ByCType() =>
        Assert.That(Mem.OffsetOf(MemoryTestSpec.Spec.Types["msg"], "hdr.items[2].v"), Is.EqualTo(8 + 8 + 2 * 16 + 8));

    // bitfields as gcc lays them out (see MemoryTestSpec): bit offset, width, declared type
    [TestCase("bf", "a", 0, 3, "int32")]
    [TestCase("bf", "b", 3, 5, "uint32")]
    [TestCase("bf", "c", 8, 1, "bool")]
    [TestCase("bf", "w", 64, 64, "uint64")]
    [TestCase("bf", "s", 128, 40, "int64")]
    [TestCase("pk", "a", 0, 7, "uint8")]
    [TestCase("pk", "b", 7, 10, "uint16")]
    [TestCase("pk", "c", 17, 20, "uint32")]
    [TestCase("bfe", "k", 3, 4, "color")]
    public void Locate_Bitfields(string type, string path, long bitOffset, int width, string declared)
    {
        var loc = Mem.Locate(type, path);
        Assert.Multiple(() =>
        {
            Assert.That(loc.BitOffset, Is.EqualTo(bitOffset));
            Assert.That(loc.BitWidth, Is.EqualTo(width));
            Assert.That(loc.IsBitfield, Is.True);
            Assert.That(loc.Offset, Is.EqualTo(bitOffset / 8));
            Assert.That(loc.Type, Is.SameAs(MemoryTestSpec.Spec.Types[declared]));
        });
    }

    [Test]
    public void Locate_OrdinaryMember()
    {
        // msg.hdr.items[1].flags: 8 (hdr) + 8 (items) + 16 (items[1]) + 2 (flags) = byte 34
        var loc = Mem.Locate(MemoryTestSpec.Spec.Types["msg"], "hdr.items[1].flags");
        Assert.Multiple(() =>
        {
            Assert.That(loc.BitOffset, Is.EqualTo(34 * 8));
            Assert.That(loc.BitWidth, Is.Null);
            Assert.That(loc.IsBitfield, Is.False);
            Assert.That(loc.Type, Is.SameAs(MemoryTestSpec.Spec.Types["uint8"]));
            Assert.That(Mem.Locate("msg", "").Type, Is.SameAs(MemoryTestSpec.Spec.Types["msg"]));
        });
    }

    [TestCase("point", "z", "unknown struct field: z")]
    [TestCase("point", "z", "x, y")]
    [TestCase("num", "q", "unknown union field: q")]
    [TestCase("msg", "hdr.items[0].nope", "unknown struct field: nope")]
    [TestCase("point", "x.y", "not a struct or union")]
    [TestCase("hdr", "count[0]", "not an array")]
    [TestCase("hdr", "items[x]", "bad index")]
    [TestCase("hdr", "items[-1]", "bad index")]
    [TestCase("hdr", "items[1", "bad index")]
    [TestCase("hdr", "items..len", "empty member name")]
    [TestCase("hdr", "items[0]len", "bad path")]
    [TestCase("bf", "a.x", "has no members")]
    [TestCase("int", "x", "not a struct or union")]
    public void OffsetOf_BadPaths(string type, string path, string message)
    {
        var ex = Assert.Throws<FfiArgumentException>(() => Mem.OffsetOf(type, path));
        Assert.That(ex!.Message, Does.Contain(message));
    }

    [Test]
    public void OffsetOf_IndexPastAFixedArrayIsRefused()
    {
        // items has 4 elements: [4] is out of range (reported as a memory error, the same check Get uses).
        var ex = Assert.Throws<FfiMemoryException>(() => Mem.OffsetOf("hdr", "items[4]"));
        Assert.That(ex!.Message, Does.Contain("index 4 is out of range"));
        Assert.That(Mem.OffsetOf("hdr", "items[3]"), Is.EqualTo(8 + 3 * 16));
    }

    // ---- malloc / calloc / realloc / free / new -----------------------------------------------------

    [Test]
    public void Malloc_GivesAnUntaggedVoidPointerOwnedByTheToolbox()
    {
        int before = Mem.LiveBlockCount;
        var p = Mem.Malloc(16);
        Assert.Multiple(() =>
        {
            Assert.That(p.IsNull, Is.False);
            Assert.That(p.Type, Is.Null);
            Assert.That(p.Tag, Is.Null);
            Assert.That(p.Extent, Is.EqualTo(16));
            Assert.That(p.Block!.Size, Is.EqualTo(16));
            Assert.That(p.Block!.Base, Is.EqualTo(p.Address));
            Assert.That(p.Block!.EngineAllocated, Is.True);
            Assert.That(p.Block!.IsLive, Is.True);
            Assert.That(Mem.LiveBlockCount, Is.EqualTo(before + 1));
        });
        Mem.Free(p);
        Assert.Multiple(() =>
        {
            Assert.That(p.Block!.IsLive, Is.False);
            Assert.That(Mem.LiveBlockCount, Is.EqualTo(before));
        });
    }

    [Test]
    public void Malloc_ZeroBytesIsAValidEmptyBlock()
    {
        var a = Mem.Malloc(0);
        var b = Mem.Malloc(0);
        Assert.Multiple(() =>
        {
            Assert.That(a.IsNull, Is.False);
            Assert.That(a, Is.Not.EqualTo(b), "each block has its own address");
            Assert.That(a.Extent, Is.Zero);
        });
        Assert.Throws<FfiMemoryException>(() => Mem.ReadBits(a, 0, 0, 1));
    }

    [Test]
    public void Malloc_NegativeSize() =>
        Assert.That(Assert.Throws<FfiMemoryException>(() => Mem.Malloc(-1))!.Message, Does.Contain("malloc: size < 0"));

    [Test]
    public void Malloc_Calloc_New_OutOfMemoryIsAnFfiMemoryException()
    {
        // 2^62 bytes exceed the address space: the allocation fails and must be reported, not thrown raw.
        int before = Mem.LiveBlockCount;
        Assert.That(Assert.Throws<FfiMemoryException>(() => Mem.Malloc(1L << 62))!.Message, Does.Contain("malloc: out of memory"));
        Assert.That(Assert.Throws<FfiMemoryException>(() => Mem.Calloc(1L << 60, 4))!.Message, Does.Contain("calloc: out of memory"));
        Assert.That(Assert.Throws<FfiMemoryException>(() => Mem.New("point", 1L << 58))!.Message, Does.Contain("new: out of memory"));
        var p = Mem.Malloc(8);
        Assert.That(Assert.Throws<FfiMemoryException>(() => Mem.Realloc(p, 1L << 62))!.Message, Does.Contain("realloc: out of memory"));
        Assert.Multiple(() =>
        {
            Assert.That(p.Block!.IsLive, Is.True, "a failed realloc leaves the block as it was");
            Assert.That(Mem.LiveBlockCount, Is.EqualTo(before + 1));
        });
    }

    [Test]
    public void Calloc_IsZeroed()
    {
        var p = Mem.Calloc(4, 8);
        Assert.Multiple(() =>
        {
            Assert.That(p.Extent, Is.EqualTo(32));
            Assert.That(Raw(p, 32), Is.All.EqualTo((byte)0));
            Assert.That(p.Type, Is.Null);
        });
    }

    [TestCase(-1, 4)]
    [TestCase(4, -1)]
    public void Calloc_Negative(long count, long size) =>
        Assert.That(Assert.Throws<FfiMemoryException>(() => Mem.Calloc(count, size))!.Message, Does.Contain("calloc: negative"));

    [Test]
    public void Calloc_OverflowingProduct() =>
        Assert.That(Assert.Throws<FfiMemoryException>(() => Mem.Calloc(long.MaxValue, 2))!.Message, Does.Contain("overflows"));

    [Test]
    public void Realloc_GrowsKeepingContentsAndKillsTheOldPointer()
    {
        var p = Mem.Cast("point", Mem.Malloc(8));
        PokeAt(p, 0, 0x11223344);
        PokeAt(p, 4, 0x55667788);
        int before = Mem.LiveBlockCount;
        var q = Mem.Realloc(p, 4096);
        Assert.Multiple(() =>
        {
            Assert.That(q.Extent, Is.EqualTo(4096));
            Assert.That(q.Type, Is.SameAs(p.Type), "type kept");
            Assert.That(RawAt<int>(q, 0), Is.EqualTo(0x11223344));
            Assert.That(RawAt<int>(q, 4), Is.EqualTo(0x55667788));
            Assert.That(Mem.LiveBlockCount, Is.EqualTo(before), "old block forgotten, new one owned");
            Assert.That(p.Block!.IsLive, Is.False);
        });
        Assert.That(Assert.Throws<FfiMemoryException>(() => Mem.Get(p, "x"))!.Message, Does.Contain("use after free"));
        Assert.That(Assert.Throws<FfiMemoryException>(() => Mem.Realloc(p, 8))!.Message, Does.Contain("use after free"));
        Mem.Set(q, "[511].y", 3); // the whole new size is accessible
        Assert.That(RawAt<int>(q, 4092), Is.EqualTo(3));
        Assert.Throws<FfiMemoryException>(() => Mem.Get(q, "[512].x"));
    }

    [Test]
    public void Realloc_ToZeroFreesAndGivesNull()
    {
        var p = Mem.Malloc(8);
        int before = Mem.LiveBlockCount;
        var q = Mem.Realloc(p, 0);
        Assert.Multiple(() =>
        {
            Assert.That(q.IsNull, Is.True);
            Assert.That(p.Block!.IsLive, Is.False);
            Assert.That(Mem.LiveBlockCount, Is.EqualTo(before - 1));
        });
    }

    [Test]
    public void Realloc_Errors()
    {
        var p = Mem.Box("rect");
        Assert.That(Assert.Throws<FfiMemoryException>(() => Mem.Realloc(p, -1))!.Message, Does.Contain("realloc: negative"));
        var inner = (NativePointer)Mem.Get(p, "b")!;
        Assert.That(Assert.Throws<FfiMemoryException>(() => Mem.Realloc(inner, 32))!.Message, Does.Contain("inside a block"));
        Assert.That(p.Block!.IsLive, Is.True);
    }

    [Test]
    public void Realloc_OfNullAllocates()
    {
        var q = Mem.Realloc(NativePointer.Null, 16);
        try
        {
            Assert.That(q.IsNull, Is.False);
            Mem.Fill(q, 7, 16); // memory from realloc(NULL) is usable
            Assert.That(RawAt<byte>(q, 15), Is.EqualTo(7));
        }
        finally
        {
            Mem.Free(q);
        }
    }

    [Test]
    public void Free_NullIsANoOp_DoubleFreeAndInteriorAreRefused()
    {
        Assert.DoesNotThrow(() => Mem.Free(NativePointer.Null));
        var p = Mem.Box("rect");
        var inner = (NativePointer)Mem.Get(p, "b")!;
        Assert.That(Assert.Throws<FfiMemoryException>(() => Mem.Free(inner))!.Message, Does.Contain("free: ").And.Contain("inside a block"));
        Mem.Free(p);
        Assert.That(Assert.Throws<FfiMemoryException>(() => Mem.Free(p))!.Message, Does.Contain("double free"));
    }

    [Test]
    public void Free_ThroughAPointerThatLostItsBlockStillFindsIt()
    {
        // A pointer stored in C memory and read back carries no block; Free must still find the engine block.
        var target = Mem.Box("point");
        var holder = Mem.Box("sc");
        Mem.Set(holder, "vp", target);
        var readBack = (NativePointer)Mem.Get(holder, "vp")!;
        Assert.That(readBack.Block, Is.Null);
        int before = Mem.LiveBlockCount;
        Mem.Free(readBack);
        Assert.Multiple(() =>
        {
            Assert.That(target.Block!.IsLive, Is.False);
            Assert.That(Mem.LiveBlockCount, Is.EqualTo(before - 1));
        });
        Assert.Throws<FfiMemoryException>(() => Mem.Free(target));
    }

    [Test]
    public void Free_ThroughAPointerThatLostItsBlock_FindsArenaBlocksToo()
    {
        // The same for a block an arena owns: it must be released once, not passed to C free and then
        // freed again by the arena (a double free that aborts the process).
        using var arena = Mem.CreateArena();
        var target = arena.Box("point");
        var readBack = NativePointer.FromAddress(target.Address);
        Mem.Free(readBack);
        Assert.Multiple(() =>
        {
            Assert.That(target.Block!.IsLive, Is.False);
            Assert.That(arena.LiveBlockCount, Is.Zero);
        });
        Assert.That(Assert.Throws<FfiMemoryException>(() => Mem.Free(target))!.Message, Does.Contain("double free"));
    }

    [Test]
    public void New_AllocatesZeroedTypedStorage()
    {
        var one = Mem.New("point");
        var three = Mem.New("point", 3);
        var clamped = Mem.New(MemoryTestSpec.Spec.Types["point"], 0);
        Assert.Multiple(() =>
        {
            Assert.That(one.Type, Is.SameAs(MemoryTestSpec.Spec.Types["point"]));
            Assert.That(one.Extent, Is.EqualTo(8));
            Assert.That(three.Extent, Is.EqualTo(24));
            Assert.That(clamped.Extent, Is.EqualTo(8), "a count below 1 means 1");
            Assert.That(Raw(three, 24), Is.All.EqualTo((byte)0));
            Assert.That(one.Tag, Is.Null);
        });
        Mem.Set(three, "[2].y", 9);
        Assert.That(RawAt<int>(three, 20), Is.EqualTo(9));
        Assert.Throws<FfiMemoryException>(() => Mem.Set(three, "[3].x", 1));
    }

    [Test]
    public void New_FlexibleArray_ElementSizeTimesCount()
    {
        var p = Mem.New("intflex", 10);
        var inline = Mem.New("""{"kind":"array","of":"double"}""", 3);
        Assert.Multiple(() =>
        {
            Assert.That(p.Extent, Is.EqualTo(40));
            Assert.That(p.Type, Is.SameAs(MemoryTestSpec.Spec.Types["intflex"]));
            Assert.That(inline.Extent, Is.EqualTo(24));
        });
        Mem.Set(p, "[9]", -5);
        Assert.That(RawAt<int>(p, 36), Is.EqualTo(-5));
        Assert.Throws<FfiMemoryException>(() => Mem.Set(p, "[10]", 1));
    }

    [Test]
    public void New_HandleTypeTagsThePointer() =>
        Assert.That(Mem.New("FILE_h").Tag, Is.EqualTo("FILE"));
}
