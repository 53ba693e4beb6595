using Ffi.Memory;
using Ffi.Spec;

namespace Ffi.Tests.Memory;

/// <summary>
/// The spec the memory tests share. Layouts (checked by hand against gcc 13 on x86-64; the C for each type
/// is written next to it) are the expected values of the tests, derived from C rules, not from the engine.
/// </summary>
internal static class MemoryTestSpec
{
    // struct point { int32_t x, y; };                                  size 8, align 4
    // struct rect  { struct point a, b; };                             size 16: a@0, b@8
    // struct item  { uint16_t len; uint8_t flags; double v; };         size 16: len@0, flags@2, v@8
    // struct hdr   { uint32_t count; struct item items[4]; };          size 72: count@0, items@8
    // struct msg   { char tag; struct hdr hdr; };                      size 80: tag@0, hdr@8
    //              -> hdr.count@8, hdr.items@16, hdr.items[3].len@64, hdr.items[3].v@72
    // struct bf    { int32_t a:3; uint32_t b:5; _Bool c:1;             a bits 0..2, b bits 3..7, c bit 8
    //                uint64_t w:64; int64_t s:40; };                   w bits 64..127, s bits 128..167; size 24
    // struct __attribute__((packed)) pk { uint8_t a:7; uint16_t b:10; uint32_t c:20; };
    //                                                                  a bits 0..6, b 7..16, c 17..36; size 5
    // struct bfe   { int8_t e:3; uint16_t k:4; };                      e bits 0..2, k bits 3..6; size 2
    // union  num   { int32_t i; float f; struct point p; };            size 8, align 4
    // struct sc    { int8_t i8; uint8_t u8; int16_t i16; uint16_t u16; int32_t i32; uint32_t u32;
    //                int64_t i64; uint64_t u64; _Bool b; float f; double d; enum color(uint16) e;
    //                void *vp; struct point *pp; int (*fn)(int); FILE *h; char name[8];
    //                int32_t fd; int8_t se; };
    //   offsets: i8 0, u8 1, i16 2, u16 4, i32 8, u32 12, i64 16, u64 24, b 32, f 36, d 40, e 48,
    //            vp 56, pp 64, fn 72, h 80, name 88, fd 96, se 100; size 104
    // struct flex  { uint32_t n; int32_t data[]; };                    size 4, data@4
    public const string Json = """
    {
      "version": "1",
      "lib": "libc.so.6",
      "types": {
        "point": {"kind": "struct", "fields": [{"name": "x", "type": "int32"}, {"name": "y", "type": "int32"}]},
        "rect": {"kind": "struct", "fields": [{"name": "a", "type": "point"}, {"name": "b", "type": "point"}]},
        "item": {"kind": "struct", "fields": [{"name": "len", "type": "uint16"}, {"name": "flags", "type": "uint8"}, {"name": "v", "type": "double"}]},
        "hdr": {"kind": "struct", "fields": [{"name": "count", "type": "uint32"}, {"name": "items", "type": {"kind": "array", "of": "item", "len": 4}}]},
        "msg": {"kind": "struct", "fields": [{"name": "tag", "type": "char"}, {"name": "hdr", "type": "hdr"}]},
        "bf": {"kind": "struct", "fields": [
          {"name": "a", "type": "int32", "bits": 3}, {"name": "b", "type": "uint32", "bits": 5}, {"name": "c", "type": "bool", "bits": 1},
          {"name": "w", "type": "uint64", "bits": 64}, {"name": "s", "type": "int64", "bits": 40}]},
        "pk": {"kind": "struct", "packed": true, "fields": [
          {"name": "a", "type": "uint8", "bits": 7}, {"name": "b", "type": "uint16", "bits": 10}, {"name": "c", "type": "uint32", "bits": 20}]},
        "bfe": {"kind": "struct", "fields": [{"name": "e", "type": "scolor", "bits": 3}, {"name": "k", "type": "color", "bits": 4}]},
        "num": {"kind": "union", "fields": [{"name": "i", "type": "int32"}, {"name": "f", "type": "float"}, {"name": "p", "type": "point"}]},
        "color": {"kind": "enum", "base": "uint16", "values": {"RED": 1, "GREEN": 2}},
        "scolor": {"kind": "enum", "base": "int8", "values": {"NEG": -1, "POS": 1}},
        "ptpoint": {"kind": "pointer", "to": "point", "tag": "pt"},
        "FILE_h": {"kind": "handle", "tag": "FILE", "rep": "pointer"},
        "fd_h": {"kind": "handle", "tag": "fd", "rep": "int32"},
        "unary": {"kind": "funcptr", "ret": "int", "params": ["int"]},
        "sc": {"kind": "struct", "fields": [
          {"name": "i8", "type": "int8"}, {"name": "u8", "type": "uint8"}, {"name": "i16", "type": "int16"}, {"name": "u16", "type": "uint16"},
          {"name": "i32", "type": "int32"}, {"name": "u32", "type": "uint32"}, {"name": "i64", "type": "int64"}, {"name": "u64", "type": "uint64"},
          {"name": "b", "type": "bool"}, {"name": "f", "type": "float"}, {"name": "d", "type": "double"}, {"name": "e", "type": "color"},
          {"name": "vp", "type": "pointer"}, {"name": "pp", "type": "ptpoint"}, {"name": "fn", "type": "unary"}, {"name": "h", "type": "FILE_h"},
          {"name": "name", "type": {"kind": "array", "of": "char", "len": 8}}, {"name": "fd", "type": "fd_h"}, {"name": "se", "type": "scolor"}]},
        "flex": {"kind": "struct", "fields": [{"name": "n", "type": "uint32"}, {"name": "data", "type": {"kind": "array", "of": "int32"}}]},
        "ints4": {"kind": "array", "of": "int32", "len": 4},
        "intflex": {"kind": "array", "of": "int32"},
        "points3": {"kind": "array", "of": "point", "len": 3},
        "chars8": {"kind": "array", "of": "char", "len": 8},
        "bools4": {"kind": "array", "of": "bool", "len": 4},
        "nothing": {"kind": "array", "of": "int32", "len": 0}
      }
    }
    """;

    private static readonly Lazy<FfiSpec> LazySpec = new(() => FfiSpec.Parse(Json));

    public static FfiSpec Spec => LazySpec.Value;
}

/// <summary>A fresh toolbox over <see cref="MemoryTestSpec"/> per test, disposed after it.</summary>
public abstract class MemoryFixture
{
    private FfiMemory? _mem;

    protected FfiMemory Mem => _mem ?? throw new InvalidOperationException("no toolbox outside a test");

    [SetUp]
    public void CreateMemory() => _mem = new FfiMemory(MemoryTestSpec.Spec.Types);

    [TearDown]
    public void DisposeMemory() => _mem?.Dispose();

    /// <summary>Copies <paramref name="count"/> raw bytes at <paramref name="p"/> (no engine checks: the test's own view).</summary>
    protected static unsafe byte[] Raw(NativePointer p, int count) => new ReadOnlySpan<byte>((void*)p.Address, count).ToArray();

    protected static unsafe T RawAt<T>(NativePointer p, int offset) where T : unmanaged => *(T*)(p.Address + offset);

    protected static unsafe void PokeAt<T>(NativePointer p, int offset, T value) where T : unmanaged => *(T*)(p.Address + offset) = value;

    /// <summary>A malloc'd block of <paramref name="size"/> bytes all set to <paramref name="pattern"/> (written directly).</summary>
    protected unsafe NativePointer Patterned(int size, byte pattern = 0x5A)
    {
        var p = Mem.Malloc(size);
        new Span<byte>((void*)p.Address, size).Fill(pattern);
        return p;
    }
}
