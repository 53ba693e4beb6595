using Ffi.Tests.Oracle;

namespace Ffi.Tests.Compile;

/// <summary>
/// Shapes the compiled types need beyond the layout engine's named cases (<c>Layout/NamedLayoutCases</c>, which the
/// tests compile too): anonymous members reached as the holder's own, bitfields spread over nine bytes or ending a
/// small packed struct, enums of every width and handles as members, named arrays, typed pointers.
/// </summary>
internal static class CompileLayoutCases
{
    private static (string, bool) O(string path) => (path, false);
    private static (string, bool) B(string path) => (path, true);

    private static LayoutCase Case(string name, string spec, string c, params (string, bool)[] members) => new(name, spec, c, members);

    /// <summary>Enums of each width, handles and a named array the cases use, as spec entries.</summary>
    public const string ExtraTypes = """
        "e_i8": {"kind":"enum","base":"int8","values":{"I8_MIN":-128,"I8_MAX":127}},
        "e_u8": {"kind":"enum","base":"uint8","values":{"U8_MAX":255}},
        "e_i16": {"kind":"enum","base":"int16","values":{"I16_MIN":-32768}},
        "e_u16": {"kind":"enum","base":"uint16","values":{"U16_MAX":65535}},
        "e_i32": {"kind":"enum","base":"int","values":{"I32_MIN":-2147483648,"I32_ONE":1}},
        "e_u32": {"kind":"enum","base":"uint32","values":{"U32_MAX":4294967295}},
        "e_i64": {"kind":"enum","base":"int64","values":{"I64_MIN":-9223372036854775808}},
        "e_u64": {"kind":"enum","base":"uint64","values":{"U64_BIG":9223372036854775807}},
        "db": {"kind":"handle","tag":"db","rep":"pointer"},
        "stmt": {"kind":"handle","tag":"stmt","rep":"pointer"},
        "fd": {"kind":"handle","tag":"fd","rep":"int"},
        "vec3": {"kind":"array","of":"float","len":3},
        "mat3": {"kind":"array","of":"vec3","len":3}
        """;

    /// <summary>The C for <see cref="ExtraTypes"/> (enums and handles as their representation).</summary>
    public const string Prelude = """
        typedef int8_t e_i8; typedef uint8_t e_u8; typedef int16_t e_i16; typedef uint16_t e_u16;
        typedef int e_i32; typedef uint32_t e_u32; typedef int64_t e_i64; typedef uint64_t e_u64;
        typedef float vec3[3]; typedef vec3 mat3[3];
        """;

    public static IReadOnlyList<LayoutCase> All { get; } =
    [
        Case("anon_members",
            """{"kind":"struct","fields":[{"name":"a","type":"char"},{"name":"","type":{"kind":"union","fields":[{"name":"i","type":"int"},{"name":"f","type":"float"},{"name":"","type":{"kind":"struct","fields":[{"name":"s","type":"short"},{"name":"bits","type":"uint","bits":5}]}}]}},{"name":"named","type":{"kind":"struct","fields":[{"name":"d","type":"double"},{"name":"","type":{"kind":"struct","fields":[{"name":"deep","type":"int","bits":3}]}}]}},{"name":"tail","type":"long","bits":40}]}""",
            "typedef struct { char a; union { int i; float f; struct { short s; unsigned bits:5; }; }; struct { double d; struct { int deep:3; }; } named; long tail:40; } anon_members;",
            O("a"), O("i"), O("f"), O("s"), B("bits"), O("named"), O("named.d"), B("named.deep"), B("tail")),
        Case("straddle9",
            """{"kind":"struct","packed":true,"fields":[{"name":"c","type":"char","bits":3},{"name":"v","type":"ulonglong","bits":64},{"name":"w","type":"longlong","bits":63},{"name":"t","type":"char"}]}""",
            "typedef struct __attribute__((packed)) { char c:3; unsigned long long v:64; long long w:63; char t; } straddle9;",
            B("c"), B("v"), B("w"), O("t")),
        Case("three_bytes",
            """{"kind":"struct","packed":true,"fields":[{"name":"v","type":"uint","bits":23},{"name":"s","type":"int","bits":1}]}""",
            "typedef struct __attribute__((packed)) { unsigned v:23; int s:1; } three_bytes;", B("v"), B("s")),
        Case("bools",
            """{"kind":"struct","fields":[{"name":"b","type":"bool"},{"name":"f1","type":"bool","bits":1},{"name":"f2","type":"bool","bits":1},{"name":"x","type":"short","bits":9}]}""",
            "typedef struct { _Bool b; _Bool f1:1; _Bool f2:1; short x:9; } bools;", O("b"), B("f1"), B("f2"), B("x")),
        Case("enum_members",
            """{"kind":"struct","fields":[{"name":"a","type":"e_i8"},{"name":"b","type":"e_u16"},{"name":"c","type":"e_i32"},{"name":"d","type":"e_u64"},{"name":"e","type":"e_u8"},{"name":"f","type":"e_i64"},{"name":"g","type":"e_u32","bits":7},{"name":"h","type":"e_i16","bits":5}]}""",
            "typedef struct { e_i8 a; e_u16 b; e_i32 c; e_u64 d; e_u8 e; e_i64 f; e_u32 g:7; e_i16 h:5; } enum_members;",
            O("a"), O("b"), O("c"), O("d"), O("e"), O("f"), B("g"), B("h")),
        Case("handle_members",
            """{"kind":"struct","fields":[{"name":"c","type":"char"},{"name":"conn","type":"db"},{"name":"q","type":"stmt"},{"name":"file","type":"fd"}]}""",
            "typedef struct { char c; void *conn; void *q; int file; } handle_members;", O("c"), O("conn"), O("q"), O("file")),
        Case("named_arrays",
            """{"kind":"struct","fields":[{"name":"c","type":"char"},{"name":"v","type":"vec3"},{"name":"m","type":"mat3"},{"name":"ptrs","type":{"kind":"array","of":"pointer","len":2}},{"name":"grid","type":{"kind":"array","of":{"kind":"array","of":"uchar","len":3},"len":5}}]}""",
            "typedef struct { char c; vec3 v; mat3 m; void *ptrs[2]; unsigned char grid[5][3]; } named_arrays;",
            O("c"), O("v"), O("m"), O("ptrs"), O("grid")),
        Case("typed_pointers",
            """{"kind":"struct","fields":[{"name":"self","type":{"kind":"pointer","to":"typed_pointers"}},{"name":"v","type":{"kind":"pointer","to":"vec3"}},{"name":"h","type":{"kind":"pointer","to":"db"}},{"name":"s","type":"string"},{"name":"pp","type":{"kind":"pointer","to":"pointer"}},{"name":"fn","type":{"kind":"pointer","to":{"kind":"funcptr","ret":"void","params":[]}}}]}""",
            "typedef struct typed_pointers { struct typed_pointers *self; vec3 *v; void **h; const char *s; void **pp; void (**fn)(void); } typed_pointers;",
            O("self"), O("v"), O("h"), O("s"), O("pp"), O("fn")),
    ];
}
