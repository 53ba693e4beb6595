using System.Runtime.InteropServices;
using Ffi.Memory;
using Ffi.Spec;
using Ffi.Types;

namespace Ffi.Tests.Memory;

/// <summary>
/// Every operation of the memory toolbox with its rules and the original's error texts. Offsets are derived from
/// the C shown beside each type (gcc agrees: see the layout and field-access tests).
/// </summary>
[TestFixture]
public sealed unsafe class FfiMemoryOperationTests
{
    // struct point { int x, y; };                                    size 8
    // struct hdr { short kind; struct point pts[4]; char name[6]; }; pts at 4, name at 36, size 44
    // struct flags { unsigned ready:1; int level:3; long big:40; unsigned char b; bool on:1; };  (bitfields)
    // union num { int i; double d; };                                size 8
    // struct packed_s { char c; int i; } __attribute__((packed));    i at 1, size 5
    private static readonly FfiSpec Spec = FfiSpec.Parse("""
        { "version": "1", "lib": "libc.so.6", "types": {
          "point": { "kind": "struct", "fields": [ {"name":"x","type":"int"}, {"name":"y","type":"int"} ] },
          "hdr": { "kind": "struct", "fields": [ {"name":"kind","type":"short"},
                   {"name":"pts","type":{"kind":"array","of":"point","len":4}},
                   {"name":"name","type":{"kind":"array","of":"char","len":6}} ] },
          "flags": { "kind": "struct", "fields": [ {"name":"ready","type":"uint","bits":1}, {"name":"level","type":"int","bits":3},
                   {"name":"big","type":"long","bits":40}, {"name":"b","type":"uchar"}, {"name":"on","type":"bool","bits":1} ] },
          "num": { "kind": "union", "fields": [ {"name":"i","type":"int"}, {"name":"d","type":"double"} ] },
          "packed_s": { "kind": "struct", "packed": true, "fields": [ {"name":"c","type":"char"}, {"name":"i","type":"int"} ] },
          "color": { "kind": "enum", "base": "uint16", "values": { "RED": 1 } },
          "sqlite3": { "kind": "handle", "tag": "sqlite3", "rep": "pointer" },
          "scalars": { "kind": "struct", "fields": [
             {"name":"i8","type":"int8"}, {"name":"u8","type":"uint8"}, {"name":"i16","type":"int16"}, {"name":"u16","type":"uint16"},
             {"name":"i32","type":"int32"}, {"name":"u32","type":"uint32"}, {"name":"i64","type":"int64"}, {"name":"u64","type":"uint64"},
             {"name":"f","type":"float"}, {"name":"d","type":"double"}, {"name":"bl","type":"bool"}, {"name":"e","type":"color"},
             {"name":"p","type":{"kind":"pointer","to":"point"}}, {"name":"h","type":"sqlite3"},
             {"name":"fp","type":{"kind":"funcptr","ret":"int","params":["int"]}} ] },
          "vla": { "kind": "array", "of": "int" }
        } }
        """);

    private FfiMemory _mem = null!;

    [SetUp]
    public void Open() => _mem = new FfiMemory(Spec.Types);

    [TearDown]
    public void Close() => _mem.Dispose();

    // ---- type queries ---------------------------------------------------------------------------------------

    [Test]
    public void TypeQueriesAcceptANameACTypeOrInlineJson()
    {
        Assert.That(_mem.SizeOf("hdr"), Is.EqualTo(44));
        Assert.That(_mem.SizeOf(Spec.Types["hdr"]), Is.EqualTo(44));
        Assert.That(_mem.SizeOf("""{"kind":"array","of":"point","len":3}"""), Is.EqualTo(24));
        Assert.That(_mem.AlignOf("""{"kind":"struct","align":16,"fields":[{"name":"c","type":"char"}]}"""), Is.EqualTo(16));
        Assert.That(_mem.AlignOf("hdr"), Is.EqualTo(4));
        Assert.That(_mem.TypeOf("point"), Is.SameAs(Spec.Types["point"]));
        Assert.That(_mem.OffsetOf("hdr", "pts"), Is.EqualTo(4));
        Assert.That(_mem.OffsetOf("hdr", "pts[2].y"), Is.EqualTo(4 + 16 + 4));
        Assert.That(_mem.OffsetOf("hdr", "name[5]"), Is.EqualTo(41));
        Assert.That(_mem.OffsetOf("packed_s", "i"), Is.EqualTo(1));
        var level = _mem.Locate("flags", "level");
        Assert.That((level.BitOffset, level.BitWidth, level.IsBitfield), Is.EqualTo((1L, (int?)3, true)));
        Assert.That(_mem.Locate("flags", "big").BitOffset, Is.EqualTo(4), "long big:40 fits after bit 4 of its 64-bit unit");
    }

    [Test]
    public void TypeQueryErrors()
    {
        Assert.That(Assert.Throws<FfiNameException>(() => _mem.SizeOf("pont"))!.Message, Is.EqualTo("unknown type \"pont\" (did you mean \"point\", \"int\" or \"long\"?)"));
        Assert.That(Assert.Throws<FfiArgumentException>(() => _mem.OffsetOf("point", "z"))!.Message, Does.Contain("unknown struct field: z (point has: x, y)"));
        Assert.That(Assert.Throws<FfiArgumentException>(() => _mem.OffsetOf("num", "q"))!.Message, Does.Contain("unknown union field: q"));
        Assert.That(Assert.Throws<FfiMemoryException>(() => _mem.OffsetOf("hdr", "pts[4]"))!.Message, Does.Contain("index 4 is out of range for point[4] (length 4)"));
        Assert.That(Assert.Throws<FfiArgumentException>(() => _mem.OffsetOf("hdr", "kind.x"))!.Message, Does.Contain("is short, not a struct or union"));
        Assert.That(Assert.Throws<FfiSpecException>(() => _mem.SizeOf("""{"kind":"array","of":"nope","len":1}"""))!.Message, Is.EqualTo("$.of: unknown type \"nope\""));
    }

    // ---- raw memory ------------------------------------------------------------------------------------------

    [Test]
    public void RawAllocationRulesAndMessages()
    {
        Assert.That(Assert.Throws<FfiMemoryException>(() => _mem.Malloc(-1))!.Message, Is.EqualTo("malloc: size < 0"));
        Assert.That(Assert.Throws<FfiMemoryException>(() => _mem.Calloc(-1, 4))!.Message, Is.EqualTo("calloc: negative"));
        Assert.That(Assert.Throws<FfiMemoryException>(() => _mem.Calloc(long.MaxValue, 4))!.Message, Does.Contain("overflows"));
        var p = _mem.Malloc(16);
        Assert.That(p.Extent, Is.EqualTo(16));
        Assert.That(p.Tag, Is.Null);
        Assert.That(Assert.Throws<FfiMemoryException>(() => _mem.Realloc(p, -1))!.Message, Is.EqualTo("realloc: negative"));
        var c = _mem.Calloc(4, 8);
        Assert.That(_mem.AsSpan<long>(c, 4).ToArray(), Is.All.Zero);
        Assert.That(_mem.Realloc(c, 0).IsNull, Is.True, "realloc to 0 frees");
        Assert.Throws<FfiMemoryException>(() => _mem.ReadBits(c, 0, 0, 8));
    }

    [Test]
    public void NewAllocatesZeroedStorageAndCountsFlexibleArrayElements()
    {
        var pts = _mem.New("point", 3);
        Assert.That(pts.Extent, Is.EqualTo(24));
        _mem.Set(pts, "[2].y", 9);
        Assert.That(_mem.Get(pts, "[2].y"), Is.EqualTo(9));
        Assert.Throws<FfiMemoryException>(() => _mem.Get(pts, "[3].x"), "one past the allocation");
        var v = _mem.New("vla", 5);
        Assert.That(v.Extent, Is.EqualTo(20));
        Assert.That(_mem.AsSpan<int>(v).Length, Is.EqualTo(5));
        Assert.That(_mem.New("point", 0).Extent, Is.EqualTo(8), "a count below 1 means 1");
    }

    [Test]
    public void CopyFromPointerStringAndBytes()
    {
        var dst = _mem.Malloc(16);
        _mem.Fill(dst, 0xAA, 16);
        _mem.Copy(dst, "a\0b", 4);                                 // UTF-8 bytes, embedded NUL, then the terminator
        Assert.That(_mem.AsSpan<byte>(dst, 5).ToArray(), Is.EqualTo(new byte[] { (byte)'a', 0, (byte)'b', 0, 0xAA }));
        _mem.Copy(dst, new byte[] { 1, 2, 3 }, 2);
        Assert.That(_mem.AsSpan<byte>(dst, 3).ToArray(), Is.EqualTo(new byte[] { 1, 2, (byte)'b' }));
        var src = _mem.Box("point", new { x = 5, y = 6 });
        _mem.Copy(dst, src, 8);
        Assert.That(_mem.Get("point", dst, "y"), Is.EqualTo(6));
        Assert.That(Assert.Throws<FfiMemoryException>(() => _mem.Copy(dst, src, -1))!.Message, Is.EqualTo("copy: n < 0"));
        Assert.That(Assert.Throws<FfiMemoryException>(() => _mem.Copy(dst, "ab", 4))!.Message, Does.Contain("the source has 3"));
        Assert.Throws<FfiMemoryException>(() => _mem.Copy(dst, src, 9), "the source box has 8 bytes");
        Assert.Throws<FfiMemoryException>(() => _mem.Copy(src, dst, 16), "the destination box has 8 bytes");
    }

    [Test]
    public void FillAndItsLimits()
    {
        var p = _mem.Malloc(8);
        _mem.Fill(p, 0x7F, 8);
        Assert.That(_mem.ReadBits(p, 7, 0, 8), Is.EqualTo(0x7F));
        Assert.That(Assert.Throws<FfiMemoryException>(() => _mem.Fill(p, 256, 1))!.Message, Does.StartWith("fill: invalid arguments"));
        Assert.That(Assert.Throws<FfiMemoryException>(() => _mem.Fill(p, 0, -1))!.Message, Does.StartWith("fill: invalid arguments"));
        Assert.Throws<FfiMemoryException>(() => _mem.Fill(p, 0, 9));
    }

    [Test]
    public void StringsNulTerminatedOrFixedLength()
    {
        var p = _mem.Malloc(8);
        _mem.Copy(p, "h\u00e9!", 5);
        Assert.That(_mem.String(p), Is.EqualTo("h\u00e9!"));
        Assert.That(_mem.String(p, 1), Is.EqualTo("h"));
        Assert.That(_mem.String(p, 5), Is.EqualTo("h\u00e9!\0"));
        Assert.That(Assert.Throws<FfiMemoryException>(() => _mem.String(p, -1))!.Message, Is.EqualTo("string: len < 0"));
        _mem.Fill(p, (byte)'x', 8);
        Assert.That(Assert.Throws<FfiMemoryException>(() => _mem.String(p))!.Message, Does.Contain("no NUL terminator within the 8 byte(s)"));
        Assert.Throws<FfiMemoryException>(() => _mem.String(NativePointer.Null));
    }

    [Test]
    public void CastRetagsAndRefusesConflictingTags()
    {
        var raw = _mem.Malloc(8);
        var db = _mem.Cast("sqlite3", raw);
        Assert.That((db.Tag, db.Type), Is.EqualTo(("sqlite3", Spec.Types["sqlite3"])));
        Assert.That(db, Is.Not.EqualTo(raw), "equality includes the tag");
        var asPoint = _mem.Cast("point", raw);
        Assert.That((asPoint.Tag, asPoint.Type), Is.EqualTo(((string?)null, Spec.Types["point"])));
        var tagged = _mem.Cast("""{"kind":"pointer","to":"int","tag":"counter"}""", raw);
        Assert.That(tagged.Tag, Is.EqualTo("counter"));
        var ex = Assert.Throws<FfiArgumentException>(() => _mem.Cast("sqlite3", tagged));
        Assert.That(ex!.Message, Does.Contain("cannot cast a pointer tagged \"counter\" to \"sqlite3\""));
        var untagged = _mem.Cast("pointer", tagged);
        Assert.That(_mem.Cast("sqlite3", untagged).Tag, Is.EqualTo("sqlite3"));
        Assert.That(untagged.Extent, Is.EqualTo(8), "casts keep the bounds");
    }

    [Test]
    public void ErrnoRoundTrips()
    {
        _mem.Errno = 42;
        Assert.That(_mem.Errno, Is.EqualTo(42));
        Assert.That(Marshal.GetLastSystemError(), Is.EqualTo(42));
        _mem.Errno = 0;
    }

    [Test]
    public void PointersPrintAsLowercaseHexAndNullIsZero()
    {
        Assert.That(NativePointer.FromAddress(0xABCDEF).ToString(), Is.EqualTo("0xabcdef"));
        Assert.That(NativePointer.Null.ToString(), Is.EqualTo("0x0"));
        Assert.That(NativePointer.Null.IsNull, Is.True);
        var sixteen = NativePointer.FromAddress(16);
        Assert.That(NativePointer.FromAddress(16, null, null), Is.EqualTo(sixteen));
        Assert.That(NativePointer.FromAddress(16, null, "t"), Is.Not.EqualTo(sixteen));
        Assert.That(NativePointer.FromAddress(16).Extent, Is.Null, "memory the engine did not allocate is not bounds-checked");
    }

    // ---- boxes ------------------------------------------------------------------------------------------------

    [Test]
    public void BoxFromDictionaryAnonymousObjectRecordAndNestedValues()
    {
        var a = _mem.Box("point", new Dictionary<string, object?> { ["x"] = 1, ["y"] = 2 });
        var b = _mem.Box("point", new { y = 3 });
        var c = _mem.Box("point", new PointRecord(7, 8));
        Assert.That((_mem.Get(a, "y"), _mem.Get(b, "x"), _mem.Get(b, "y"), _mem.Get(c, "x")), Is.EqualTo((2, 0, 3, 7)));
        var h = _mem.Box("hdr", new { kind = (short)5, pts = new object[] { new { x = 1 }, new Dictionary<string, object?> { ["y"] = 2 }, c }, name = "abc" });
        Assert.That(_mem.Get(h, "pts[0].x"), Is.EqualTo(1));
        Assert.That(_mem.Get(h, "pts[1].y"), Is.EqualTo(2));
        Assert.That(_mem.Get(h, "pts[2].y"), Is.EqualTo(8), "a pointer to storage is copied");
        Assert.That(_mem.String((NativePointer)_mem.Get(h, "name")!), Is.EqualTo("abc"));
        var n = _mem.Box("num", new { d = 2.5 });
        Assert.That(_mem.Get(n, "d"), Is.EqualTo(2.5));
        var arr = _mem.Box("""{"kind":"array","of":"int","len":3}""", new[] { 4, 5 });
        Assert.That(_mem.AsSpan<int>(arr).ToArray(), Is.EqualTo(new[] { 4, 5, 0 }));
    }

    public sealed record PointRecord(int x, int y);

    [Test]
    public void BoxErrorsKeepTheOriginalsTexts()
    {
        Assert.That(Assert.Throws<FfiMemoryException>(() => _mem.Box("int"))!.Message, Does.StartWith("box: aggregate type required (struct/union/array)"));
        Assert.That(Assert.Throws<FfiMemoryException>(() => _mem.Box("vla"))!.Message, Does.StartWith("box: flexible arrays require explicit size"));
        Assert.That(Assert.Throws<FfiMemoryException>(() => _mem.Box("""{"kind":"struct","fields":[]}"""))!.Message, Does.StartWith("box: type has zero size"));
        Assert.That(Assert.Throws<FfiArgumentException>(() => _mem.Box("num", new { i = 1, d = 2.0 }))!.Message, Does.Contain("union init must specify exactly one known field"));
        Assert.That(Assert.Throws<FfiArgumentException>(() => _mem.Box("num", new { }))!.Message, Does.Contain("union init must specify exactly one known field"));
        Assert.That(Assert.Throws<FfiArgumentException>(() => _mem.Box("point", new { x = 1, z = 2 }))!.Message, Does.Contain("unknown struct field: z"));
        Assert.That(Assert.Throws<FfiArgumentException>(() => _mem.Box("point", 5))!.Message, Does.Contain("struct init must be a map"));
        Assert.That(Assert.Throws<FfiArgumentException>(() => _mem.Box("hdr", new { pts = Enumerable.Range(0, 5).Select(i => new { x = i }).ToArray() }))!.Message, Does.Contain("too many elements for point[4]"));
        Assert.That(Assert.Throws<FfiArgumentException>(() => _mem.Box("hdr", new { name = "toolong" }))!.Message, Does.Contain("does not fit char[6]"));
        var big = _mem.Box("hdr");   // 44 bytes: not storage for an 8-byte point (same-size storage is accepted)
        Assert.That(Assert.Throws<FfiArgumentException>(() => _mem.Box("hdr", new { pts = new object[] { big } }))!.Message,
            Does.Contain("aggregate requires a pointer to compatible storage"));
        Assert.That(_mem.LiveBlockCount, Is.EqualTo(1), "failed boxes are released (only `big` is left)");
    }

    // ---- fields ----------------------------------------------------------------------------------------------

    [Test]
    public void EveryScalarKindReadsAsItsNaturalClrType()
    {
        var s = _mem.Box("scalars");
        var target = _mem.Box("point");
        var db = NativePointer.FromAddress(0x1234, Spec.Types["sqlite3"], "sqlite3");
        _mem.Set(s, "i8", -5); _mem.Set(s, "u8", 250); _mem.Set(s, "i16", -300); _mem.Set(s, "u16", 65000);
        _mem.Set(s, "i32", int.MinValue); _mem.Set(s, "u32", uint.MaxValue); _mem.Set(s, "i64", long.MinValue); _mem.Set(s, "u64", ulong.MaxValue);
        _mem.Set(s, "f", 1.5); _mem.Set(s, "d", 3); _mem.Set(s, "bl", true); _mem.Set(s, "e", 1);
        _mem.Set(s, "p", target); _mem.Set(s, "h", db); _mem.Set(s, "fp", (nint)0x4000);
        Assert.That(_mem.Get(s, "i8"), Is.EqualTo((sbyte)-5).And.TypeOf<sbyte>());
        Assert.That(_mem.Get(s, "u8"), Is.EqualTo((byte)250).And.TypeOf<byte>());
        Assert.That(_mem.Get(s, "i16"), Is.EqualTo((short)-300).And.TypeOf<short>());
        Assert.That(_mem.Get(s, "u16"), Is.EqualTo((ushort)65000).And.TypeOf<ushort>());
        Assert.That(_mem.Get(s, "i32"), Is.EqualTo(int.MinValue).And.TypeOf<int>());
        Assert.That(_mem.Get(s, "u32"), Is.EqualTo(uint.MaxValue).And.TypeOf<uint>());
        Assert.That(_mem.Get(s, "i64"), Is.EqualTo(long.MinValue).And.TypeOf<long>());
        Assert.That(_mem.Get(s, "u64"), Is.EqualTo(ulong.MaxValue).And.TypeOf<ulong>());
        Assert.That(_mem.Get(s, "f"), Is.EqualTo(1.5f).And.TypeOf<float>());
        Assert.That(_mem.Get(s, "d"), Is.EqualTo(3.0).And.TypeOf<double>());
        Assert.That(_mem.Get(s, "bl"), Is.EqualTo(true));
        Assert.That(_mem.Get(s, "e"), Is.EqualTo((ushort)1).And.TypeOf<ushort>(), "an enum reads as its base");
        var p = (NativePointer)_mem.Get(s, "p")!;
        Assert.That((p.Address, p.Type), Is.EqualTo((target.Address, Spec.Types["point"])));
        var h = (NativePointer)_mem.Get(s, "h")!;
        Assert.That((h.Address, h.Tag), Is.EqualTo(((nint)0x1234, "sqlite3")));
        Assert.That(((NativePointer)_mem.Get(s, "fp")!).Address, Is.EqualTo((nint)0x4000));
    }

    [Test]
    public void RangeChecksKeepTheOriginalsTexts()
    {
        var s = _mem.Box("scalars");
        Assert.That(Assert.Throws<FfiArgumentException>(() => _mem.Set(s, "u8", -1))!.Message, Does.Contain("negative to unsigned"));
        Assert.That(Assert.Throws<FfiArgumentException>(() => _mem.Set(s, "i8", 128))!.Message, Does.Contain("integer out of range"));
        Assert.That(Assert.Throws<FfiArgumentException>(() => _mem.Set(s, "i32", 1.5))!.Message, Does.Contain("non-integral float to int"));
        Assert.That(Assert.Throws<FfiArgumentException>(() => _mem.Set(s, "d", "x"))!.Message, Does.Contain("expected number"));
        Assert.That(Assert.Throws<FfiArgumentException>(() => _mem.Set(s, "bl", 2))!.Message, Does.Contain("integer out of range"));
        Assert.That(Assert.Throws<FfiArgumentException>(() => _mem.Set(s, "p", "text"))!.Message, Does.Contain("expected a pointer"));
        var other = NativePointer.FromAddress(8, null, "FILE");
        Assert.That(Assert.Throws<FfiArgumentException>(() => _mem.Set(s, "h", other))!.Message, Does.Contain("pointer tagged \"FILE\" where \"sqlite3\""));
        _mem.Set(s, "i32", 2.0);
        Assert.That(_mem.Get(s, "i32"), Is.EqualTo(2), "an integral float converts");
        Assert.That(_mem.AsSpan<byte>(_mem.Cast("pointer", s), 1)[0], Is.Zero, "a refused write wrote nothing");
    }

    [Test]
    public void AggregateFieldsReadAsInteriorPointersAndWriteFromStorageOrValues()
    {
        var h = _mem.Box("hdr");
        var pts = (NativePointer)_mem.Get(h, "pts")!;
        Assert.That((pts.Address - h.Address, pts.Type!.DisplayName, pts.Extent), Is.EqualTo(((nint)4, "point[4]", 40L)));
        var p1 = (NativePointer)_mem.Get(h, "pts[1]")!;
        _mem.Set(p1, "x", 11);
        Assert.That(_mem.Get(h, "pts[1].x"), Is.EqualTo(11));
        _mem.Set(h, "pts[2]", _mem.Box("point", new { x = 5, y = 6 }));
        Assert.That(_mem.Get(h, "pts[2].y"), Is.EqualTo(6));
        _mem.Set(h, "pts[1]", new { y = 1 });
        Assert.That((_mem.Get(h, "pts[1].x"), _mem.Get(h, "pts[1].y")), Is.EqualTo((0, 1)), "a managed value replaces the whole member");
        _mem.Free(h);
        Assert.That(Assert.Throws<FfiMemoryException>(() => _mem.Get(p1, "x"))!.Message, Does.Contain("use after free"), "interior pointers die with their block");
    }

    [Test]
    public void BitfieldsSignExtendAndRangeCheck()
    {
        var f = _mem.Box("flags", new { ready = 1u, level = -4, big = -(1L << 39), b = (byte)7, on = true });
        Assert.That(_mem.Get(f, "ready"), Is.EqualTo(1u));
        Assert.That(_mem.Get(f, "level"), Is.EqualTo(-4));
        Assert.That(_mem.Get(f, "big"), Is.EqualTo(-(1L << 39)));
        Assert.That(_mem.Get(f, "b"), Is.EqualTo((byte)7));
        Assert.That(_mem.Get(f, "on"), Is.EqualTo(true));
        _mem.Set(f, "level", 3);
        Assert.That(_mem.Get(f, "level"), Is.EqualTo(3));
        Assert.That(_mem.Get(f, "big"), Is.EqualTo(-(1L << 39)), "neighbours untouched");
        var ex = Assert.Throws<FfiArgumentException>(() => _mem.Set(f, "level", 4));
        Assert.That(ex!.Message, Does.Contain("integer out of range: 4 does not fit a 3-bit field (-4..3)"));
        Assert.That(Assert.Throws<FfiArgumentException>(() => _mem.Set(f, "ready", 2))!.Message, Does.Contain("does not fit a 1-bit field (0..1)"));
        Assert.That(Assert.Throws<FfiArgumentException>(() => _mem.Set(f, "ready", -1))!.Message, Does.Contain("negative to unsigned"));
        Assert.That(_mem.Get(f, "level"), Is.EqualTo(3), "a refused write wrote nothing");
    }

    [Test]
    public void GetAndSetNeedATypeAndStayInBounds()
    {
        var raw = _mem.Malloc(4);
        Assert.That(Assert.Throws<FfiArgumentException>(() => _mem.Get(raw, "x"))!.Message, Does.Contain("the pointer has no type"));
        Assert.That(Assert.Throws<FfiMemoryException>(() => _mem.Get("point", raw, "y"))!.Message, Does.Contain("outside the 4-byte allocation"));
        Assert.That(_mem.Get("point", raw, "x"), Is.Zero.Or.Not.Null);
        Assert.That(Assert.Throws<FfiMemoryException>(() => _mem.Get("int", NativePointer.Null))!.Message, Does.Contain("null pointer"));
        var p = _mem.Box("point");
        _mem.Free(p);
        Assert.That(Assert.Throws<FfiMemoryException>(() => _mem.Set(p, "x", 1))!.Message, Does.Contain("use after free"));
        Assert.That(Assert.Throws<FfiMemoryException>(() => _mem.Free(p))!.Message, Does.Contain("double free"));
        Assert.That(Assert.Throws<FfiMemoryException>(() => _mem.Free(p.Offset(4, null)))!.Message, Does.Contain("inside a block"));
    }

    // ---- bits -------------------------------------------------------------------------------------------------

    [Test]
    public void RawBitsWithTheOriginalsRulesAndMessages()
    {
        var p = _mem.Malloc(16);
        _mem.Fill(p, 0, 16);
        _mem.WriteBits(p, 1, 3, 10, 0x2AB);
        Assert.That(_mem.ReadBits(p, 1, 3, 10), Is.EqualTo(0x2AB));
        Assert.That(_mem.ReadBits(p, 0, 11, 10), Is.EqualTo(0x2AB), "bit offsets of 8 or more move on to later bytes");
        Assert.That(_mem.ReadBits(p, 1, 3, 10, signed: true), Is.EqualTo(0x2AB - 0x400));
        _mem.WriteBits(p, 8, 0, 64, long.MaxValue);
        Assert.That(_mem.ReadBits(p, 8, 0, 64), Is.EqualTo(long.MaxValue));
        Assert.That(Assert.Throws<FfiMemoryException>(() => _mem.ReadBits(p, -1, 0, 8))!.Message, Is.EqualTo("readBits: offsets must be >= 0"));
        Assert.That(Assert.Throws<FfiMemoryException>(() => _mem.ReadBits(p, 0, 0, 65))!.Message, Is.EqualTo("readBits: width must be in 1..64"));
        Assert.That(Assert.Throws<FfiMemoryException>(() => _mem.WriteBits(p, 0, -1, 8, 1))!.Message, Is.EqualTo("writeBits: offsets must be >= 0"));
        Assert.That(Assert.Throws<FfiMemoryException>(() => _mem.WriteBits(p, 0, 0, 0, 1))!.Message, Is.EqualTo("writeBits: width must be in 1..64"));
        Assert.That(Assert.Throws<FfiMemoryException>(() => _mem.WriteBits(p, 0, 0, 8, -1))!.Message, Is.EqualTo("writeBits: negative value not allowed"));
        Assert.That(Assert.Throws<FfiMemoryException>(() => _mem.WriteBits(p, 0, 0, 8, 256))!.Message, Does.StartWith("writeBits: value does not fit width"));
        Assert.Throws<FfiMemoryException>(() => _mem.ReadBits(p, 15, 4, 8), "straddles the end of the 16-byte block");
        Assert.Throws<FfiMemoryException>(() => _mem.WriteBits(p, 15, 4, 8, 1));
    }

    // ---- views ------------------------------------------------------------------------------------------------

    [StructLayout(LayoutKind.Sequential)]
    private struct Point
    {
        public int X, Y;
    }

    [Test]
    public void TypedViews()
    {
        var arr = _mem.Box("""{"kind":"array","of":"point","len":3}""");
        var span = _mem.AsSpan<Point>(arr);
        Assert.That(span.Length, Is.EqualTo(3));
        span[1].Y = 42;
        Assert.That(_mem.Get(arr, "[1].y"), Is.EqualTo(42));
        var p = _mem.Box("point", new { x = 3, y = 4 });
        Assert.That(_mem.Read<Point>(p).Y, Is.EqualTo(4));
        _mem.Write(p, new Point { X = 9, Y = 8 });
        Assert.That(_mem.Get(p, "x"), Is.EqualTo(9));
        Assert.That(Assert.Throws<FfiArgumentException>(() => _mem.Read<long>(_mem.Box("hdr")))!.Message, Does.Contain("Int64 is 8 bytes but hdr is 44"));
        Assert.That(Assert.Throws<FfiArgumentException>(() => _mem.AsSpan<int>(arr))!.Message, Does.Contain("Int32 is 4 bytes but the elements (point) are 8"));
        Assert.Throws<FfiMemoryException>(() => _mem.AsSpan<int>(_mem.Cast("pointer", p), 3), "12 bytes from an 8-byte box");
        Assert.That(Assert.Throws<FfiArgumentException>(() => _mem.AsSpan<int>(NativePointer.FromAddress(16, Spec.Types["vla"])))!.Message, Does.Contain("the length is unknown"));
    }

    // ---- lifetime ---------------------------------------------------------------------------------------------

    [Test]
    public void DisposeReleasesEverythingAndRefusesNewAllocations()
    {
        var mem = new FfiMemory(Spec.Types);
        var p = mem.Box("point", new { x = 1 });
        var arena = mem.CreateArena();
        var a = arena.Malloc(8);
        mem.Dispose();
        mem.Dispose();
        Assert.That(p.Block!.IsLive, Is.False);
        Assert.That(a.Block!.IsLive, Is.True, "an arena is released by its own Dispose");
        Assert.Throws<ObjectDisposedException>(() => mem.Malloc(1));
        Assert.Throws<ObjectDisposedException>(() => mem.Box("point"));
        Assert.That(Assert.Throws<FfiMemoryException>(() => mem.Get(p, "x"))!.Message, Does.Contain("use after free"));
        arena.Dispose();
    }

    [Test]
    public void GcAttachAndDetachWithLibcFree()
    {
        var p = _mem.Gc(_mem.Malloc(32), Finalizer.Function("free", "libc.so.6"));
        Assert.That(p.Block!.IsGcOwned, Is.True);
        Assert.That(_mem.LiveBlockCount, Is.Zero, "the GC owns it now, not the toolbox");
        p = _mem.Gc(p, Finalizer.None);
        Assert.That((p.Block!.IsGcOwned, _mem.LiveBlockCount), Is.EqualTo((false, 1)));
        _mem.Free(p);
        var q = _mem.Gc(_mem.Malloc(8), Finalizer.Free);
        _mem.Free(q);
        Assert.That(q.Block!.IsLive, Is.False);
        Assert.That(Assert.Throws<FfiBindException>(() => _mem.Gc(_mem.Malloc(8), Finalizer.Function("no_such_symbol_x", "libc.so.6")))!.Message,
            Is.EqualTo("symbol \"no_such_symbol_x\" not found in library \"libc.so.6\""));
        Assert.That(Assert.Throws<FfiMemoryException>(() => _mem.Gc(NativePointer.Null, Finalizer.Free))!.Message, Is.EqualTo("gc: null pointer"));
    }

    [Test]
    public void ModuleMemoryAndBindErrors()
    {
        using (var m = NativeModule.Open(Spec))
            Assert.That(m.Memory.SizeOf("hdr"), Is.EqualTo(44));
        var missingLib = FfiSpec.Parse("""{"version": "1", "lib": "libnope-ffi-test.so.9"}""");
        var ex = Assert.Throws<FfiBindException>(() => NativeModule.Open(missingLib));
        Assert.That(ex!.Message, Does.StartWith("cannot load library \"libnope-ffi-test.so.9\" (tried dlopen(\"libnope-ffi-test.so.9\"))"));
        var missingSym = FfiSpec.Parse("""{"version": "1", "lib": "libc.so.6", "functions": [{"name": "no_such_fn_x", "ret": "void", "params": []}]}""");
        Assert.That(Assert.Throws<FfiBindException>(() => NativeModule.Open(missingSym))!.Message, Is.EqualTo("symbol \"no_such_fn_x\" not found in library \"libc.so.6\""));
    }

    [Test]
    public void ThreadsShareOneToolbox()
    {
        int before = _mem.LiveBlockCount;
        var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            for (int i = 0; i < 10_000; i++)
            {
                var p = _mem.Box("point", new { x = i });
                _mem.Set(p, "y", t);
                if ((int)_mem.Get(p, "x")! != i || (int)_mem.Get(p, "y")! != t) throw new InvalidOperationException("mixed up");
                _mem.Free(p);
            }
        })).ToList();
        threads.ForEach(x => x.Start());
        threads.ForEach(x => x.Join());
        Assert.That(_mem.LiveBlockCount, Is.EqualTo(before));
    }
}
