using Ffi.Memory;

namespace Ffi.Tests.Memory;

/// <summary>Get/Set by name and path, bitfields, ReadBits/WriteBits. Layouts: see <see cref="MemoryTestSpec"/>.</summary>
[TestFixture]
public sealed partial class FfiMemoryFieldTests : MemoryFixture
{
    // ---- scalars ------------------------------------------------------------------------------------

    // path, value written, raw offset in struct sc, expected value read back (with its CLR type)
    private static IEnumerable<TestCaseData> Scalars()
    {
        yield return new TestCaseData("i8", -128, 0, (sbyte)-128);
        yield return new TestCaseData("u8", 255, 1, (byte)255);
        yield return new TestCaseData("i16", -32768, 2, (short)-32768);
        yield return new TestCaseData("u16", 65535, 4, (ushort)65535);
        yield return new TestCaseData("i32", int.MinValue, 8, int.MinValue);
        yield return new TestCaseData("u32", 4294967295L, 12, uint.MaxValue);
        yield return new TestCaseData("i64", long.MinValue, 16, long.MinValue);
        yield return new TestCaseData("u64", ulong.MaxValue, 24, ulong.MaxValue);
        yield return new TestCaseData("b", true, 32, true);
        yield return new TestCaseData("f", 1.5, 36, 1.5f);
        yield return new TestCaseData("d", -2.25f, 40, -2.25);
        yield return new TestCaseData("e", 2, 48, (ushort)2);              // enum color : uint16
        yield return new TestCaseData("se", -1, 100, (sbyte)-1);           // enum scolor : int8
        yield return new TestCaseData("name[3]", (byte)'z', 91, (sbyte)'z'); // char is signed
    }

    [TestCaseSource(nameof(Scalars))]
    public void GetSet_ScalarsRoundTripWithTheirClrType(string path, object value, int offset, object expected)
    {
        var p = Patterned(104, 0x00);
        var sc = Mem.Cast("sc", p);
        Mem.Set(sc, path, value);
        var got = Mem.Get(sc, path);
        Assert.Multiple(() =>
        {
            Assert.That(got, Is.EqualTo(expected));
            Assert.That(got!.GetType(), Is.EqualTo(expected.GetType()));
        });
        // The bytes land at the offset gcc gives, and nowhere else.
        var size = expected switch { sbyte or byte or bool => 1, short or ushort => 2, int or uint or float => 4, _ => 8 };
        var bytes = Raw(sc, 104);
        Assert.Multiple(() =>
        {
            Assert.That(bytes.Skip(offset).Take(size), Is.Not.All.EqualTo((byte)0));
            Assert.That(bytes.Take(offset).Concat(bytes.Skip(offset + size)), Is.All.EqualTo((byte)0));
        });
    }

    [Test]
    public void GetSet_RawBytesOfScalars()
    {
        var sc = Mem.Box("sc");
        Mem.Set(sc, "u32", 0xDEADBEEFu);
        Mem.Set(sc, "i16", -2);
        Mem.Set(sc, "f", 0.5);
        Mem.Set(sc, "b", 1);
        Assert.Multiple(() =>
        {
            Assert.That(RawAt<uint>(sc, 12), Is.EqualTo(0xDEADBEEFu));
            Assert.That(RawAt<short>(sc, 2), Is.EqualTo((short)-2));
            Assert.That(RawAt<float>(sc, 36), Is.EqualTo(0.5f));
            Assert.That(Mem.Get(sc, "b"), Is.True);
        });
        Mem.Set(sc, "b", false);
        Assert.That(Mem.Get(sc, "b"), Is.False);
    }

    [TestCase("u8", -1, "negative to unsigned")]
    [TestCase("u8", 256, "integer out of range")]
    [TestCase("i8", -129, "integer out of range")]
    [TestCase("i8", 128, "integer out of range")]
    [TestCase("u16", 65536, "integer out of range")]
    [TestCase("i16", 32768, "integer out of range")]
    [TestCase("u32", 4294967296L, "integer out of range")]
    [TestCase("u32", -1, "negative to unsigned")]
    [TestCase("i32", 2147483648L, "integer out of range")]
    [TestCase("u64", -1L, "negative to unsigned")]
    [TestCase("i64", ulong.MaxValue, "integer out of range")]
    [TestCase("b", 2, "integer out of range")]
    [TestCase("b", -1, "integer out of range")]
    [TestCase("i32", 1.5, "non-integral float to int")]
    [TestCase("i64", double.NaN, "non-integral float to int")]
    [TestCase("e", 70000, "integer out of range")]
    [TestCase("i32", "7", "expected integer-compatible")]
    [TestCase("d", "7", "expected number")]
    public void Set_RangeChecksWriteNothing(string path, object value, string message)
    {
        var sc = Mem.Cast("sc", Patterned(104, 0x5A));
        var ex = Assert.Throws<FfiArgumentException>(() => Mem.Set(sc, path, value));
        Assert.Multiple(() =>
        {
            Assert.That(ex!.Message, Does.Contain(message));
            Assert.That(ex.Message, Does.Contain($"\"{path}\""), "names the place");
            Assert.That(Raw(sc, 104), Is.All.EqualTo((byte)0x5A));
        });
    }

    [Test]
    public void GetSet_PointersCarryTheirPointeeAndTag()
    {
        var sc = Mem.Box("sc");
        var target = Mem.Box("point", new { x = 4, y = 5 });
        Mem.Set(sc, "vp", target);
        Mem.Set(sc, "pp", target);
        var vp = (NativePointer)Mem.Get(sc, "vp")!;
        var pp = (NativePointer)Mem.Get(sc, "pp")!;
        Assert.Multiple(() =>
        {
            Assert.That(RawAt<nint>(sc, 56), Is.EqualTo(target.Address));
            Assert.That(vp.Address, Is.EqualTo(target.Address));
            Assert.That(vp.Type, Is.Null);
            Assert.That(vp.Tag, Is.Null);
            Assert.That(pp.Address, Is.EqualTo(target.Address));
            Assert.That(pp.Type, Is.SameAs(MemoryTestSpec.Spec.Types["point"]));
            Assert.That(pp.Tag, Is.EqualTo("pt"));
            Assert.That(Mem.Get(pp, "y"), Is.EqualTo(5), "the read pointer is usable");
        });
        Mem.Set(sc, "vp", (nint)0x1234);
        Mem.Set(sc, "pp", null);
        Assert.Multiple(() =>
        {
            Assert.That(((NativePointer)Mem.Get(sc, "vp")!).Address, Is.EqualTo((nint)0x1234));
            Assert.That(((NativePointer)Mem.Get(sc, "pp")!).IsNull, Is.True);
        });
    }

    [Test]
    public void Set_PointerWithAnotherTagOrNotAPointerIsRefused()
    {
        var sc = Mem.Box("sc");
        var file = NativePointer.FromAddress(0x1000, null, "FILE");
        Assert.That(Assert.Throws<FfiArgumentException>(() => Mem.Set(sc, "pp", file))!.Message, Does.Contain("pointer tagged \"FILE\""));
        Assert.That(Assert.Throws<FfiArgumentException>(() => Mem.Set(sc, "vp", 5))!.Message, Does.Contain("expected a pointer"));
        Assert.That(RawAt<long>(sc, 64), Is.Zero);
    }

    [Test]
    public void GetSet_HandlesCarryTheirTag()
    {
        var sc = Mem.Box("sc");
        var file = Mem.Cast("FILE_h", NativePointer.FromAddress(0x7000));
        Mem.Set(sc, "h", file);
        var h = (NativePointer)Mem.Get(sc, "h")!;
        Assert.Multiple(() =>
        {
            Assert.That(h.Address, Is.EqualTo((nint)0x7000));
            Assert.That(h.Tag, Is.EqualTo("FILE"));
            Assert.That(h.Type, Is.SameAs(MemoryTestSpec.Spec.Types["FILE_h"]));
            Assert.That(h, Is.EqualTo(file));
            Assert.That(RawAt<nint>(sc, 80), Is.EqualTo((nint)0x7000));
        });
        var pt = NativePointer.FromAddress(0x7000, null, "pt");
        Assert.Throws<FfiArgumentException>(() => Mem.Set(sc, "h", pt));
    }

    [Test]
    public void GetSet_IntegerHandle()
    {
        // fd_h: handle "fd" laid out as int32 at offset 96; read back sign-extended to an address.
        var sc = Mem.Box("sc");
        Mem.Set(sc, "fd", NativePointer.FromAddress(-1, null, "fd"));
        var fd = (NativePointer)Mem.Get(sc, "fd")!;
        Assert.Multiple(() =>
        {
            Assert.That(RawAt<int>(sc, 96), Is.EqualTo(-1));
            Assert.That(RawAt<int>(sc, 100), Is.Zero);
            Assert.That(fd.Address, Is.EqualTo((nint)(-1)));
            Assert.That(fd.Tag, Is.EqualTo("fd"));
        });
        Assert.That(Assert.Throws<FfiArgumentException>(() => Mem.Set(sc, "fd", new IntPtr(1L << 32)))!.Message, Does.Contain("integer out of range"));
    }

    [Test]
    public void GetSet_FunctionPointer()
    {
        var sc = Mem.Box("sc");
        Mem.Set(sc, "fn", (nint)0xDEAD);
        var fn = (NativePointer)Mem.Get(sc, "fn")!;
        Assert.Multiple(() =>
        {
            Assert.That(fn.Address, Is.EqualTo((nint)0xDEAD));
            Assert.That(fn.Type, Is.SameAs(MemoryTestSpec.Spec.Types["unary"]));
            Assert.That(fn.Tag, Is.Null);
            Assert.That(RawAt<nint>(sc, 72), Is.EqualTo((nint)0xDEAD));
        });
    }

    [Test]
    public void GetSet_WithAnExplicitTypeOnAnUntypedPointer()
    {
        var raw = Mem.Malloc(16);
        Mem.Set("point", raw, "[1].y", 42);
        Mem.Set(MemoryTestSpec.Spec.Types["point"], raw, "x", 1);
        Assert.Multiple(() =>
        {
            Assert.That(RawAt<int>(raw, 12), Is.EqualTo(42));
            Assert.That(Mem.Get("point", raw, "[1].y"), Is.EqualTo(42));
            Assert.That(Mem.Get(MemoryTestSpec.Spec.Types["point"], raw, "x"), Is.EqualTo(1));
        });
        Assert.That(Assert.Throws<FfiArgumentException>(() => Mem.Get(raw, "x"))!.Message, Does.Contain("no type"));
        Assert.Throws<FfiArgumentException>(() => Mem.Set(raw, "x", 1));
        Assert.Throws<FfiMemoryException>(() => Mem.Get("point", raw, "[2].x"));
    }

    [Test]
    public void GetSet_Paths()
    {
        var msg = Mem.Box("msg");
        Mem.Set(msg, "hdr.items[3].len", 513);
        Mem.Set(msg, "hdr.items[3].v", 2.5);
        Mem.Set(msg, "hdr.count", 4);
        Mem.Set(msg, "tag", -3);
        Assert.Multiple(() =>
        {
            Assert.That(RawAt<ushort>(msg, 64), Is.EqualTo((ushort)513));
            Assert.That(RawAt<double>(msg, 72), Is.EqualTo(2.5));
            Assert.That(RawAt<uint>(msg, 8), Is.EqualTo(4u));
            Assert.That(Mem.Get(msg, "hdr.items[3].len"), Is.EqualTo((ushort)513));
            Assert.That(Mem.Get(msg, "hdr.items[3].v"), Is.EqualTo(2.5));
            Assert.That(Mem.Get(msg, "tag"), Is.EqualTo((sbyte)-3));
        });
        var items = (NativePointer)Mem.Get(msg, "hdr.items")!;
        Assert.That(Mem.Get(items, "[3].len"), Is.EqualTo((ushort)513));
        Assert.That(Assert.Throws<FfiMemoryException>(() => Mem.Get(msg, "hdr.items[4].len"))!.Message, Does.Contain("out of range"));
        Assert.That(Assert.Throws<FfiArgumentException>(() => Mem.Set(msg, "hdr.nope", 1))!.Message, Does.Contain("unknown struct field: nope"));
    }

    [Test]
    public void GetSet_Union()
    {
        var u = Mem.Box("num");
        Mem.Set(u, "f", 1.0f);
        Assert.That(Mem.Get(u, "i"), Is.EqualTo(0x3F800000));
        Mem.Set(u, "i", -1);
        Assert.Multiple(() =>
        {
            Assert.That(Mem.Get(u, "p.x"), Is.EqualTo(-1));
            Assert.That(Mem.Get(u, "p.y"), Is.Zero);
            Assert.That(float.IsNaN((float)Mem.Get(u, "f")!), Is.True);
        });
        Assert.That(Assert.Throws<FfiArgumentException>(() => Mem.Get(u, "q"))!.Message, Does.Contain("unknown union field: q"));
    }

    // ---- aggregates ---------------------------------------------------------------------------------

    [Test]
    public void Get_AggregateFieldIsAnInteriorPointer()
    {
        var rect = Mem.Box("rect", new { a = new { x = 1, y = 2 }, b = new { x = 3, y = 4 } });
        var b = (NativePointer)Mem.Get(rect, "b")!;
        Assert.Multiple(() =>
        {
            Assert.That(b.Address, Is.EqualTo(rect.Address + 8));
            Assert.That(b.Type, Is.SameAs(MemoryTestSpec.Spec.Types["point"]));
            Assert.That(b.Block, Is.SameAs(rect.Block));
            Assert.That(b.Extent, Is.EqualTo(8));
            Assert.That(Mem.Get(b, "y"), Is.EqualTo(4));
            Assert.That(Mem.Get(rect, ""), Is.EqualTo(rect), "the empty path is the whole value");
        });
        Mem.Set(b, "x", 30); // writes through to the rect
        Assert.That(RawAt<int>(rect, 8), Is.EqualTo(30));
    }

    [Test]
    public void Get_WholeScalar()
    {
        var n = Mem.New("uint64");
        Mem.Set(n, "", ulong.MaxValue);
        Assert.That(Mem.Get(n), Is.EqualTo(ulong.MaxValue));
    }

    [Test]
    public void Set_AggregateFromStorageIsACopy()
    {
        var rect = Mem.Box("rect");
        var src = Mem.Box("point", new { x = 5, y = 6 });
        Mem.Set(rect, "b", src);
        PokeAt(src, 0, 100);
        Assert.Multiple(() =>
        {
            Assert.That(RawAt<int>(rect, 8), Is.EqualTo(5));
            Assert.That(RawAt<int>(rect, 12), Is.EqualTo(6));
            Assert.That(RawAt<long>(rect, 0), Is.Zero);
        });
        var interior = (NativePointer)Mem.Get(rect, "b")!;
        Mem.Set(rect, "a", interior); // storage inside the same block
        Assert.That(RawAt<int>(rect, 4), Is.EqualTo(6));
    }

    [Test]
    public void Set_AggregateFromAManagedValueZeroesUnmentionedMembers()
    {
        var rect = Mem.Box("rect", new { a = new { x = 1, y = 2 }, b = new { x = 3, y = 4 } });
        Mem.Set(rect, "a", new { y = 9 });
        Mem.Set(rect, "", new Dictionary<string, object?> { ["b"] = new { x = 7 } });
        Assert.That(new[] { RawAt<int>(rect, 0), RawAt<int>(rect, 4), RawAt<int>(rect, 8), RawAt<int>(rect, 12) }, Is.EqualTo(new[] { 0, 0, 7, 0 }));

        var msg = Mem.Box("msg", new { hdr = new { items = new[] { new { len = 1 }, new { len = 2 } } } });
        Mem.Set(msg, "hdr.items", new[] { new { len = 5 } });
        Assert.Multiple(() =>
        {
            Assert.That(RawAt<ushort>(msg, 16), Is.EqualTo((ushort)5));
            Assert.That(RawAt<ushort>(msg, 32), Is.Zero, "items[1] zeroed");
        });
    }

    [Test]
    public void Set_AggregateFromABadManagedValueWritesNothing()
    {
        var rect = Mem.Box("rect", new { a = new { x = 1, y = 2 }, b = new { x = 3, y = 4 } });
        var ex = Assert.Throws<FfiArgumentException>(() => Mem.Set(rect, "a", new { x = 5, bogus = 1 }));
        Assert.That(ex!.Message, Does.Contain("unknown struct field: bogus"));
        Assert.Throws<FfiArgumentException>(() => Mem.Set(rect, "b", new { x = 5, y = 1.5 }));
        Assert.That(new[] { RawAt<int>(rect, 0), RawAt<int>(rect, 4), RawAt<int>(rect, 8), RawAt<int>(rect, 12) }, Is.EqualTo(new[] { 1, 2, 3, 4 }));
    }

    [Test]
    public void Set_AggregateFromAManagedValueMayReadTheStorageItReplaces()
    {
        // rect = { a = b }: the source b lies inside the rect being replaced and must be read before it is zeroed.
        var rect = Mem.Box("rect", new { a = new { x = 1, y = 2 }, b = new { x = 3, y = 4 } });
        var b = (NativePointer)Mem.Get(rect, "b")!;
        Mem.Set(rect, "", new { a = b });
        Assert.That(new[] { RawAt<int>(rect, 0), RawAt<int>(rect, 4), RawAt<int>(rect, 8), RawAt<int>(rect, 12) }, Is.EqualTo(new[] { 3, 4, 0, 0 }));
    }

    [Test]
    public void Set_AggregateFromIncompatibleStorageOrNullIsRefused()
    {
        var rect = Mem.Box("rect", new { a = new { x = 1, y = 2 } });
        var msg = Mem.Box("msg");
        Assert.That(Assert.Throws<FfiArgumentException>(() => Mem.Set(rect, "a", msg))!.Message, Does.Contain("compatible storage"));
        Assert.That(Assert.Throws<FfiArgumentException>(() => Mem.Set(rect, "a", null))!.Message, Does.Contain("needs a value"));
        Assert.That(RawAt<int>(rect, 4), Is.EqualTo(2));
    }
}
