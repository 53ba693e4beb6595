using Ffi.Memory;

namespace Ffi.Tests.Memory;

/// <summary>Box: typed zeroed storage for aggregates, initialised from managed values. Layouts: see <see cref="MemoryTestSpec"/>.</summary>
[TestFixture]
public sealed class FfiMemoryBoxTests : MemoryFixture
{
#pragma warning disable IDE1006 // lower-case members named like the C fields they initialise
    private sealed record PointRecord(int x, int y);

    private sealed class PointClass
    {
        public int x = 3;

        public int y { get; set; } = -4;
    }
#pragma warning restore IDE1006

    [Test]
    public void Box_WithoutInit_IsZeroFilledAndTyped()
    {
        var p = Mem.Box("msg");
        Assert.Multiple(() =>
        {
            Assert.That(p.Type, Is.SameAs(MemoryTestSpec.Spec.Types["msg"]));
            Assert.That(p.Tag, Is.Null);
            Assert.That(p.Extent, Is.EqualTo(80));
            Assert.That(p.Block!.Size, Is.EqualTo(80));
            Assert.That(Raw(p, 80), Is.All.EqualTo((byte)0));
        });
    }

    [Test]
    public void Box_FromDictionary()
    {
        var p = Mem.Box("point", new Dictionary<string, object?> { ["x"] = 1, ["y"] = -2 });
        var q = Mem.Box(MemoryTestSpec.Spec.Types["point"], new Dictionary<string, int> { ["y"] = 6 });
        Assert.Multiple(() =>
        {
            Assert.That(RawAt<int>(p, 0), Is.EqualTo(1));
            Assert.That(RawAt<int>(p, 4), Is.EqualTo(-2));
            Assert.That(RawAt<int>(q, 0), Is.Zero, "unmentioned fields stay zero");
            Assert.That(RawAt<int>(q, 4), Is.EqualTo(6));
        });
    }

    [Test]
    public void Box_FromAnonymousObjectRecordAndClass()
    {
        var anon = Mem.Box("point", new { x = 10, y = 20 });
        var record = Mem.Box("point", new PointRecord(-1, 2));
        var cls = Mem.Box("point", new PointClass());
        Assert.Multiple(() =>
        {
            Assert.That(Raw(anon, 8), Is.EqualTo(new byte[] { 10, 0, 0, 0, 20, 0, 0, 0 }));
            Assert.That(RawAt<int>(record, 0), Is.EqualTo(-1));
            Assert.That(RawAt<int>(record, 4), Is.EqualTo(2));
            Assert.That(RawAt<int>(cls, 0), Is.EqualTo(3), "public field");
            Assert.That(RawAt<int>(cls, 4), Is.EqualTo(-4), "public property");
        });
    }

    [Test]
    public void Box_NestedStructInStruct()
    {
        // struct rect { struct point a /*@0*/, b /*@8*/; }
        var p = Mem.Box("rect", new { a = new { x = 1, y = 2 }, b = new Dictionary<string, object?> { ["x"] = 3, ["y"] = 4 } });
        Assert.That(new[] { RawAt<int>(p, 0), RawAt<int>(p, 4), RawAt<int>(p, 8), RawAt<int>(p, 12) }, Is.EqualTo(new[] { 1, 2, 3, 4 }));
    }

    [Test]
    public void Box_ArrayOfStructs_FromAListOfAnonymousObjects()
    {
        var p = Mem.Box("""{"kind":"array","of":"point","len":3}""", new[] { new { x = 1, y = 2 }, new { x = 3, y = 4 } });
        Assert.Multiple(() =>
        {
            Assert.That(p.Extent, Is.EqualTo(24));
            Assert.That(new[] { RawAt<int>(p, 0), RawAt<int>(p, 4), RawAt<int>(p, 8), RawAt<int>(p, 12), RawAt<int>(p, 16), RawAt<int>(p, 20) },
                Is.EqualTo(new[] { 1, 2, 3, 4, 0, 0 }));
        });
    }

    [Test]
    public void Box_DeeplyNested_ArrayOfStructsInsideAStruct()
    {
        // msg: tag@0, hdr.count@8, hdr.items[i]@16+16i with len@+0, flags@+2, v@+8
        var p = Mem.Box("msg", new
        {
            tag = 'A',
            hdr = new { count = 2u, items = new object[] { new { len = 7, flags = 1 }, new { v = 2.5 } } },
        });
        Assert.Multiple(() =>
        {
            Assert.That(RawAt<sbyte>(p, 0), Is.EqualTo((sbyte)'A'));
            Assert.That(RawAt<uint>(p, 8), Is.EqualTo(2u));
            Assert.That(RawAt<ushort>(p, 16), Is.EqualTo((ushort)7));
            Assert.That(RawAt<byte>(p, 18), Is.EqualTo((byte)1));
            Assert.That(RawAt<double>(p, 24), Is.Zero);
            Assert.That(RawAt<double>(p, 40), Is.EqualTo(2.5));
            Assert.That(Raw(p, 80).Skip(48), Is.All.EqualTo((byte)0));
        });
    }

    [Test]
    public void Box_ScalarArrayFromList()
    {
        var p = Mem.Box("ints4", new List<long> { 1, -2, 3 });
        Assert.That(new[] { RawAt<int>(p, 0), RawAt<int>(p, 4), RawAt<int>(p, 8), RawAt<int>(p, 12) }, Is.EqualTo(new[] { 1, -2, 3, 0 }));
    }

    [Test]
    public void Box_CharArrayFromString()
    {
        var p = Mem.Box("chars8", "hé!");
        var full = Mem.Box("chars8", "12345678"); // exactly fits, no NUL: as C's char s[8] = "12345678"
        Assert.Multiple(() =>
        {
            Assert.That(Raw(p, 8), Is.EqualTo(new byte[] { (byte)'h', 0xC3, 0xA9, (byte)'!', 0, 0, 0, 0 }));
            Assert.That(Mem.String(p), Is.EqualTo("hé!"));
            Assert.That(Mem.String(full, 8), Is.EqualTo("12345678"));
        });
        var ex = Assert.Throws<FfiArgumentException>(() => Mem.Box("chars8", "123456789"));
        Assert.That(ex!.Message, Does.Contain("does not fit"));
    }

    [Test]
    public void Box_StringIsNotABoolArray()
    {
        // Only char arrays take text; bytes like 'a' (97) are not valid _Bool values.
        var ex = Assert.Throws<FfiArgumentException>(() => Mem.Box("bools4", "ab"));
        Assert.That(ex!.Message, Does.Contain("array init must be a list"));
        var ok = Mem.Box("bools4", new[] { true, false, true });
        Assert.That(Raw(ok, 4), Is.EqualTo(new byte[] { 1, 0, 1, 0 }));
    }

    [Test]
    public void Box_UnionWithOneMember()
    {
        var f = Mem.Box("num", new { f = 1.0f });
        var p = Mem.Box("num", new Dictionary<string, object?> { ["p"] = new { x = -1, y = 5 } });
        Assert.Multiple(() =>
        {
            Assert.That(RawAt<int>(f, 0), Is.EqualTo(0x3F800000), "IEEE-754 1.0f");
            Assert.That(RawAt<int>(f, 4), Is.Zero);
            Assert.That(RawAt<int>(p, 0), Is.EqualTo(-1));
            Assert.That(RawAt<int>(p, 4), Is.EqualTo(5));
        });
    }

    [Test]
    public void Box_UnionWithZeroTwoOrUnknownMembersIsRefused()
    {
        int before = Mem.LiveBlockCount;
        foreach (var init in new object[] { new Dictionary<string, object?>(), new { i = 1, f = 2.0f }, new { q = 1 } })
        {
            var ex = Assert.Throws<FfiArgumentException>(() => Mem.Box("num", init));
            Assert.That(ex!.Message, Does.Contain("union init must specify exactly one known field"));
        }
        Assert.That(Mem.LiveBlockCount, Is.EqualTo(before), "failed boxes are released");
    }

    [Test]
    public void Box_UnknownStructFieldIsRefusedAndReleased()
    {
        int before = Mem.LiveBlockCount;
        var ex = Assert.Throws<FfiArgumentException>(() => Mem.Box("point", new { x = 1, z = 2 }));
        Assert.Multiple(() =>
        {
            Assert.That(ex!.Message, Does.Contain("unknown struct field: z"));
            Assert.That(ex.Message, Does.Contain("x, y"), "lists the fields");
            Assert.That(Mem.LiveBlockCount, Is.EqualTo(before));
        });
        var nested = Assert.Throws<FfiArgumentException>(() => Mem.Box("rect", new { b = new { x = 1, w = 2 } }));
        Assert.That(nested!.Message, Does.Contain("unknown struct field: w").And.Contain(".b"));
    }

    [Test]
    public void Box_TooManyArrayElementsIsRefused()
    {
        int before = Mem.LiveBlockCount;
        var ex = Assert.Throws<FfiArgumentException>(() => Mem.Box("ints4", new[] { 1, 2, 3, 4, 5 }));
        Assert.Multiple(() =>
        {
            Assert.That(ex!.Message, Does.Contain("too many elements"));
            Assert.That(Mem.LiveBlockCount, Is.EqualTo(before));
        });
        Assert.Throws<FfiArgumentException>(() => Mem.Box("hdr", new { items = new object[5] { new { }, new { }, new { }, new { }, new { } } }));
    }

    [Test]
    public void Box_AggregateMemberFromAPointerToStorage()
    {
        var src = Mem.Box("point", new { x = 7, y = 8 });
        var p = Mem.Box("rect", new { b = src });
        PokeAt(src, 0, 99); // copied, not aliased
        Assert.Multiple(() =>
        {
            Assert.That(RawAt<int>(p, 8), Is.EqualTo(7));
            Assert.That(RawAt<int>(p, 12), Is.EqualTo(8));
            Assert.That(RawAt<int>(p, 0), Is.Zero);
        });
        var untyped = Mem.Malloc(8);
        PokeAt(untyped, 0, 5L << 32 | 4);
        var q = Mem.Box("rect", new { a = untyped }); // void* storage of at least the size: accepted
        Assert.That(RawAt<int>(q, 4), Is.EqualTo(5));
    }

    [Test]
    public void Box_AggregateMemberFromIncompatibleOrTooSmallStorageIsRefused()
    {
        var msg = Mem.Box("msg");
        var ex = Assert.Throws<FfiArgumentException>(() => Mem.Box("rect", new { a = msg }));
        Assert.That(ex!.Message, Does.Contain("aggregate requires a pointer to compatible storage"));
        var small = Mem.Malloc(4);
        Assert.Throws<FfiMemoryException>(() => Mem.Box("rect", new { a = small }));
    }

    [Test]
    public void Box_TypeErrors()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Assert.Throws<FfiMemoryException>(() => Mem.Box("int"))!.Message, Does.Contain("box: aggregate type required (struct/union/array)"));
            Assert.That(Assert.Throws<FfiMemoryException>(() => Mem.Box("ptpoint"))!.Message, Does.Contain("box: aggregate type required (struct/union/array)"));
            Assert.That(Assert.Throws<FfiMemoryException>(() => Mem.Box("intflex"))!.Message, Does.Contain("box: flexible arrays require explicit size"));
            Assert.That(Assert.Throws<FfiMemoryException>(() => Mem.Box("nothing"))!.Message, Does.Contain("box: type has zero size"));
        });
    }

    [Test]
    public void Box_InitOfTheWrongKind()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Assert.Throws<FfiArgumentException>(() => Mem.Box("point", 5))!.Message, Does.Contain("struct init must be a map"));
            Assert.That(Assert.Throws<FfiArgumentException>(() => Mem.Box("point", new[] { 1, 2 }))!.Message, Does.Contain("struct init must be a map"));
            Assert.That(Assert.Throws<FfiArgumentException>(() => Mem.Box("num", "x"))!.Message, Does.Contain("union init must be a map"));
            Assert.That(Assert.Throws<FfiArgumentException>(() => Mem.Box("ints4", 3))!.Message, Does.Contain("array init must be a list"));
            Assert.That(Assert.Throws<FfiArgumentException>(() => Mem.Box("rect", new { a = (object?)null }))!.Message, Does.Contain("needs a value"));
        });
    }

    [TestCase("u8", -1, "negative to unsigned")]
    [TestCase("i8", 128, "integer out of range")]
    [TestCase("u16", 65536, "integer out of range")]
    [TestCase("i32", 1.5, "non-integral float to int")]
    [TestCase("b", 2, "integer out of range")]
    [TestCase("f", "one", "expected number")]
    public void Box_ScalarMembersAreRangeChecked(string field, object value, string message)
    {
        var ex = Assert.Throws<FfiArgumentException>(() => Mem.Box("sc", new Dictionary<string, object?> { [field] = value }));
        Assert.That(ex!.Message, Does.Contain(message).And.Contain(field));
    }

    [Test]
    public void Box_IntegralFloatConverts()
    {
        var p = Mem.Box("sc", new { i32 = 2.0, u64 = 3m, b = true, d = 4 });
        Assert.Multiple(() =>
        {
            Assert.That(RawAt<int>(p, 8), Is.EqualTo(2));
            Assert.That(RawAt<ulong>(p, 24), Is.EqualTo(3ul));
            Assert.That(RawAt<byte>(p, 32), Is.EqualTo(1));
            Assert.That(RawAt<double>(p, 40), Is.EqualTo(4.0));
        });
    }
}
