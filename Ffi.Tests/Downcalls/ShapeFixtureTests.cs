using System.Globalization;
using System.Text.RegularExpressions;
using Ffi.Memory;
using Ffi.Spec;
using Ffi.Tests.Native;
using Ffi.Tests.Oracle;

namespace Ffi.Tests.Downcalls;

/// <summary>
/// One C function per calling-convention shape (Native/shapes.c), called through the dynamic API: every
/// scalar as parameter and return, structs of every eightbyte class mix from 1 to 64 bytes, unions, arrays
/// and nested structs inside structs, bitfields, packed structs, and calls where the registers run out.
/// Each C function depends on every argument and field, so a value in the wrong register, stack slot or
/// eightbyte half changes the result. Expected values are worked out here from the C source, never taken
/// from the engine.
/// </summary>
[TestFixture]
public sealed partial class ShapeFixtureTests
{
    /// <summary>One scalar inside an aggregate: its member path, its spec type and a value of its natural CLR type.</summary>
    public sealed record Leaf(string Path, string Type, object Value);

    /// <summary>
    /// An aggregate type of the fixture with its leaves in declaration order. The fixture has
    /// <c>double sum_NAME(struct NAME)</c> = 1*leaf0 + 2*leaf1 + … and <c>struct NAME make_NAME(leaf0, leaf1, …)</c>.
    /// </summary>
    public sealed record Shape(string Name, params Leaf[] Leaves)
    {
        public override string ToString() => Name;
    }

    private static readonly Shape[] Structs =
    [
        // One eightbyte.
        new("s_c", new Leaf("a", "char", (sbyte)-7)),
        new("s_s", new Leaf("a", "short", (short)-300)),
        new("s_i", new Leaf("a", "int", -100000)),
        new("s_f", new Leaf("a", "float", 1.5f)),
        new("s_d", new Leaf("a", "double", -2.25)),
        new("s_ii", new Leaf("a", "int", 7), new Leaf("b", "int", -9)),
        new("s_ff", new Leaf("a", "float", 1.5f), new Leaf("b", "float", -0.25f)),
        new("s_if", new Leaf("a", "int", -3), new Leaf("b", "float", 2.5f)),
        new("s_csf", new Leaf("a", "char", (sbyte)-1), new Leaf("b", "short", (short)1000), new Leaf("c", "float", 6.5f)),
        new("s_c3", new Leaf("a[0]", "char", (sbyte)1), new Leaf("a[1]", "char", (sbyte)-2), new Leaf("a[2]", "char", (sbyte)3)),
        // Two eightbytes.
        new("s_dl", new Leaf("a", "double", 0.5), new Leaf("b", "long", (1L << 40) + 1)),
        new("s_ld", new Leaf("a", "long", -(1L << 35)), new Leaf("b", "double", 3.75)),
        new("s_dd", new Leaf("a", "double", 1.25), new Leaf("b", "double", -8.5)),
        new("s_ll", new Leaf("a", "long", -(1L << 50)), new Leaf("b", "long", (3L << 44) + 5)),
        new("s_fd", new Leaf("a", "float", -1.5f), new Leaf("b", "double", 4.5)),
        new("s_ffl", new Leaf("a", "float", 0.75f), new Leaf("b", "float", -1.25f), new Leaf("c", "long", 5L << 33)),
        new("s_fff", new Leaf("a", "float", 0.5f), new Leaf("b", "float", 1.5f), new Leaf("c", "float", -2.75f)),
        new("s_fif", new Leaf("a", "float", 2.5f), new Leaf("b", "int", -40), new Leaf("c", "float", 0.375f)),
        new("s_cd", new Leaf("a", "char", (sbyte)9), new Leaf("b", "double", 0.125)),
        // Arrays and nested structs inside structs.
        new("s_v4", new Leaf("v[0]", "float", 1.5f), new Leaf("v[1]", "float", -2.5f), new Leaf("v[2]", "float", 3.25f), new Leaf("v[3]", "float", 0.125f)),
        new("s_s5n", new Leaf("s[0]", "char", (sbyte)10), new Leaf("s[1]", "char", (sbyte)-20), new Leaf("s[2]", "char", (sbyte)30),
            new Leaf("s[3]", "char", (sbyte)-40), new Leaf("s[4]", "char", (sbyte)50), new Leaf("n", "int", 123456)),
        new("s_nest", new Leaf("p.x", "float", 0.25f), new Leaf("p.y", "float", -0.5f), new Leaf("z", "double", 1024.75)),
        new("s_nest2", new Leaf("a", "int", -77), new Leaf("p.x", "float", 1.75f), new Leaf("p.y", "float", -3.5f)),
        // MEMORY: over 16 bytes.
        new("s24", new Leaf("a", "long", (1L << 33) + 7), new Leaf("b", "double", -6.5), new Leaf("c", "long", -(1L << 34))),
        new("s32", new Leaf("a", "double", 2.5), new Leaf("b", "long", -(1L << 36)), new Leaf("c", "float", 0.75f),
            new Leaf("d", "int", -5000), new Leaf("e", "double", 1000000.5)),
        new("s48", new Leaf("a[0]", "long", 1L << 32), new Leaf("a[1]", "long", -3L), new Leaf("a[2]", "long", 5L << 30),
            new Leaf("b[0]", "double", 0.5), new Leaf("b[1]", "double", -1.5), new Leaf("b[2]", "double", 2.25)),
        new("s64", new Leaf("a", "double", 8.5), new Leaf("b", "long", -(1L << 41)), new Leaf("c", "float", -0.5f),
            new Leaf("d", "int", 99999), new Leaf("e", "short", short.MinValue), new Leaf("f", "char", sbyte.MaxValue),
            new Leaf("g[0]", "long", 1L << 31), new Leaf("g[1]", "long", -(1L << 31) - 1), new Leaf("g[2]", "long", 0x1_2345_6789L),
            new Leaf("g[3]", "long", -1L)),
        // Bitfields.
        new("bf1", new Leaf("a", "uint", 5u), new Leaf("b", "int", -37), new Leaf("c", "uint", 0xABCDEu)),
        new("bf_f", new Leaf("f", "float", 1.25f), new Leaf("a", "uint", 31u), new Leaf("b", "int", -(1 << 19))),
        new("bf_sse", new Leaf("d", "double", -0.75), new Leaf("a", "uint", 6u), new Leaf("b", "int", 63)),
        new("bf_str", new Leaf("a", "ulong", (1UL << 49) + 12345), new Leaf("b", "ulong", 0xABCDEUL), new Leaf("c", "uint", 1000u)),
        // Packed.
        new("pk_reg", new Leaf("a", "int", -123456), new Leaf("b", "int", 654321), new Leaf("c", "char", (sbyte)-100)),
        new("pk_dc", new Leaf("d", "double", 3.5), new Leaf("c", "char", (sbyte)42)),
        new("pk_mem", new Leaf("c", "char", (sbyte)-3), new Leaf("i", "int", 1 << 30), new Leaf("d", "double", -0.0625)),
        new("pk_cd", new Leaf("c", "char", sbyte.MinValue), new Leaf("d", "double", 10.75)),
        // More mixes: bool and enum fields, an array of structs, a union inside, an empty member, gcc quirks.
        new("s_df", new Leaf("a", "double", -1024.5), new Leaf("b", "float", 0.0625f)),
        new("s_bec", new Leaf("a", "bool", true), new Leaf("b", "bool", false), new Leaf("c", "color", 7), new Leaf("d", "short", (short)-12345)),
        new("s_pts", new Leaf("p[0].x", "float", 1.5f), new Leaf("p[0].y", "float", -2.5f), new Leaf("p[1].x", "float", 0.125f),
            new Leaf("p[1].y", "float", 64f)),
        new("s_uni", new Leaf("tag", "char", (sbyte)-9), new Leaf("v.i", "int", 1 << 24), new Leaf("d", "double", -0.5)),
        new("s_ie", new Leaf("a", "int", 11), new Leaf("b", "float", -1.75f)),
        new("s_za", new Leaf("a", "float", 3.5f)),
        new("s_nc", new Leaf("d", "double", 2.5)),
        new("bf_mix", new Leaf("a", "uchar", (byte)5), new Leaf("b", "short", (short)-200), new Leaf("c", "long", -(1L << 38) + 3),
            new Leaf("d", "bool", true)),
    ];

    private static readonly string[] ScalarTypes =
    [
        "char", "schar", "uchar", "short", "ushort", "int", "uint", "long", "ulong", "longlong", "ulonglong",
        "size_t", "ssize_t", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64",
        "intptr_t", "uintptr_t", "bool", "float", "double", "pointer", "color", "big", "tiny",
    ];

    private const string Types = """
        "color": { "kind": "enum", "base": "int", "values": { "RED": -1, "GREEN": 7, "BLUE": 2147483647 } },
        "big": { "kind": "enum", "base": "uint", "values": { "SMALL": 1, "HUGE": 4294967295 } },
        "tiny": { "kind": "enum", "base": "schar", "values": { "T_NEG": -3, "T_POS": 100 } },
        "s_c": { "kind": "struct", "fields": [ {"name":"a","type":"char"} ] },
        "s_s": { "kind": "struct", "fields": [ {"name":"a","type":"short"} ] },
        "s_i": { "kind": "struct", "fields": [ {"name":"a","type":"int"} ] },
        "s_f": { "kind": "struct", "fields": [ {"name":"a","type":"float"} ] },
        "s_d": { "kind": "struct", "fields": [ {"name":"a","type":"double"} ] },
        "s_ii": { "kind": "struct", "fields": [ {"name":"a","type":"int"}, {"name":"b","type":"int"} ] },
        "s_ff": { "kind": "struct", "fields": [ {"name":"a","type":"float"}, {"name":"b","type":"float"} ] },
        "s_if": { "kind": "struct", "fields": [ {"name":"a","type":"int"}, {"name":"b","type":"float"} ] },
        "s_csf": { "kind": "struct", "fields": [ {"name":"a","type":"char"}, {"name":"b","type":"short"}, {"name":"c","type":"float"} ] },
        "s_dl": { "kind": "struct", "fields": [ {"name":"a","type":"double"}, {"name":"b","type":"long"} ] },
        "s_ld": { "kind": "struct", "fields": [ {"name":"a","type":"long"}, {"name":"b","type":"double"} ] },
        "s_dd": { "kind": "struct", "fields": [ {"name":"a","type":"double"}, {"name":"b","type":"double"} ] },
        "s_ll": { "kind": "struct", "fields": [ {"name":"a","type":"long"}, {"name":"b","type":"long"} ] },
        "s_fd": { "kind": "struct", "fields": [ {"name":"a","type":"float"}, {"name":"b","type":"double"} ] },
        "s_ffl": { "kind": "struct", "fields": [ {"name":"a","type":"float"}, {"name":"b","type":"float"}, {"name":"c","type":"long"} ] },
        "s_fff": { "kind": "struct", "fields": [ {"name":"a","type":"float"}, {"name":"b","type":"float"}, {"name":"c","type":"float"} ] },
        "s_fif": { "kind": "struct", "fields": [ {"name":"a","type":"float"}, {"name":"b","type":"int"}, {"name":"c","type":"float"} ] },
        "s_c3": { "kind": "struct", "fields": [ {"name":"a","type":{"kind":"array","of":"char","len":3}} ] },
        "s_cd": { "kind": "struct", "fields": [ {"name":"a","type":"char"}, {"name":"b","type":"double"} ] },
        "s_v4": { "kind": "struct", "fields": [ {"name":"v","type":{"kind":"array","of":"float","len":4}} ] },
        "s_s5n": { "kind": "struct", "fields": [ {"name":"s","type":{"kind":"array","of":"char","len":5}}, {"name":"n","type":"int"} ] },
        "pt2f": { "kind": "struct", "fields": [ {"name":"x","type":"float"}, {"name":"y","type":"float"} ] },
        "s_nest": { "kind": "struct", "fields": [ {"name":"p","type":"pt2f"}, {"name":"z","type":"double"} ] },
        "s_nest2": { "kind": "struct", "fields": [ {"name":"a","type":"int"}, {"name":"p","type":"pt2f"} ] },
        "s24": { "kind": "struct", "fields": [ {"name":"a","type":"long"}, {"name":"b","type":"double"}, {"name":"c","type":"long"} ] },
        "s32": { "kind": "struct", "fields": [ {"name":"a","type":"double"}, {"name":"b","type":"long"}, {"name":"c","type":"float"},
                                               {"name":"d","type":"int"}, {"name":"e","type":"double"} ] },
        "s48": { "kind": "struct", "fields": [ {"name":"a","type":{"kind":"array","of":"long","len":3}},
                                               {"name":"b","type":{"kind":"array","of":"double","len":3}} ] },
        "s64": { "kind": "struct", "fields": [ {"name":"a","type":"double"}, {"name":"b","type":"long"}, {"name":"c","type":"float"},
                                               {"name":"d","type":"int"}, {"name":"e","type":"short"}, {"name":"f","type":"char"},
                                               {"name":"g","type":{"kind":"array","of":"long","len":4}} ] },
        "bf1": { "kind": "struct", "fields": [ {"name":"a","type":"uint","bits":3}, {"name":"b","type":"int","bits":7},
                                               {"name":"c","type":"uint","bits":20} ] },
        "bf_f": { "kind": "struct", "fields": [ {"name":"f","type":"float"}, {"name":"a","type":"uint","bits":5},
                                                {"name":"b","type":"int","bits":20} ] },
        "bf_sse": { "kind": "struct", "fields": [ {"name":"d","type":"double"}, {"name":"a","type":"uint","bits":3},
                                                  {"name":"b","type":"int","bits":7} ] },
        "bf_str": { "kind": "struct", "packed": true, "fields": [ {"name":"a","type":"ulong","bits":50},
                                                                  {"name":"b","type":"ulong","bits":20}, {"name":"c","type":"uint","bits":10} ] },
        "pk_reg": { "kind": "struct", "packed": true, "fields": [ {"name":"a","type":"int"}, {"name":"b","type":"int"}, {"name":"c","type":"char"} ] },
        "pk_dc": { "kind": "struct", "packed": true, "fields": [ {"name":"d","type":"double"}, {"name":"c","type":"char"} ] },
        "pk_mem": { "kind": "struct", "packed": true, "fields": [ {"name":"c","type":"char"}, {"name":"i","type":"int"}, {"name":"d","type":"double"} ] },
        "pk_cd": { "kind": "struct", "packed": true, "fields": [ {"name":"c","type":"char"}, {"name":"d","type":"double"} ] },
        "s_df": { "kind": "struct", "fields": [ {"name":"a","type":"double"}, {"name":"b","type":"float"} ] },
        "s_bec": { "kind": "struct", "fields": [ {"name":"a","type":"bool"}, {"name":"b","type":"bool"}, {"name":"c","type":"color"},
                                                 {"name":"d","type":"short"} ] },
        "s_pts": { "kind": "struct", "fields": [ {"name":"p","type":{"kind":"array","of":"pt2f","len":2}} ] },
        "s_uni": { "kind": "struct", "fields": [ {"name":"tag","type":"char"},
                                                 {"name":"v","type":{"kind":"union","fields":[ {"name":"i","type":"int"}, {"name":"f","type":"float"} ]}},
                                                 {"name":"d","type":"double"} ] },
        "empty": { "kind": "struct", "fields": [ ] },
        "s_ie": { "kind": "struct", "fields": [ {"name":"a","type":"int"}, {"name":"e","type":"empty"}, {"name":"b","type":"float"} ] },
        "s_za": { "kind": "struct", "fields": [ {"name":"a","type":"float"}, {"name":"z","type":{"kind":"array","of":"char","len":0}} ] },
        "s_nc": { "kind": "struct", "fields": [ {"name":"","type":"long","bits":64}, {"name":"d","type":"double"} ] },
        "bf_mix": { "kind": "struct", "fields": [ {"name":"a","type":"uchar","bits":3}, {"name":"b","type":"short","bits":9},
                                                  {"name":"c","type":"long","bits":40}, {"name":"d","type":"bool","bits":1} ] },
        "s_a32": { "kind": "struct", "align": 32, "fields": [ {"name":"a","type":"long"} ] },
        "s_huge": { "kind": "struct", "fields": [ {"name":"a","type":{"kind":"array","of":"long","len":130}} ] },
        "u_fi3": { "kind": "union", "fields": [ {"name":"f","type":{"kind":"array","of":"float","len":3}}, {"name":"i","type":"int"} ] },
        "s_a16": { "kind": "struct", "align": 16, "fields": [ {"name":"a","type":"long"}, {"name":"b","type":"long"} ] },
        "u_if": { "kind": "union", "fields": [ {"name":"i","type":"int"}, {"name":"f","type":"float"} ] },
        "u_fd": { "kind": "union", "fields": [ {"name":"f","type":"float"}, {"name":"d","type":"double"} ] },
        "u_dl": { "kind": "union", "fields": [ {"name":"d","type":"double"}, {"name":"l","type":"long"} ] },
        "u_big": { "kind": "union", "fields": [ {"name":"c","type":{"kind":"array","of":"char","len":20}}, {"name":"d","type":"double"} ] }
        """;

    // The functions of shapes.c that are not generated from the tables: (name, return, parameters).
    private static readonly (string Name, string Ret, string[] Params)[] OtherFunctions =
    [
        ("widen_char", "long", ["char"]),
        ("widen_uchar", "ulong", ["uchar"]),
        ("widen_short", "long", ["short"]),
        ("widen_int", "long", ["int"]),
        ("widen_uint", "ulong", ["uint"]),
        ("bool_bits", "int", ["bool", "bool", "bool"]),
        ("is_negative", "bool", ["long"]),
        ("all_scalars", "ulonglong", ["char", "schar", "uchar", "short", "ushort", "int", "uint", "long", "ulong", "longlong",
            "ulonglong", "float", "double", "bool", "size_t", "ssize_t", "pointer", "color"]),
        ("s24_scribble", "long", ["s24"]),
        ("u_if_int", "int", ["u_if"]),
        ("u_if_float", "float", ["u_if"]),
        ("u_if_from_float", "u_if", ["float"]),
        ("u_fd_double", "double", ["u_fd"]),
        ("u_fd_float", "float", ["u_fd"]),
        ("u_fd_from_double", "u_fd", ["double"]),
        ("u_dl_twice", "double", ["u_dl"]),
        ("u_dl_long", "long", ["u_dl"]),
        ("u_dl_double", "double", ["u_dl"]),
        ("u_dl_from_double", "u_dl", ["double"]),
        ("u_fi3_sum", "double", ["u_fi3"]),
        ("u_fi3_make", "u_fi3", ["float", "float", "float"]),
        ("empty_between", "long", ["long", "empty", "long"]),
        ("empty_on_stack", "long", [.. Enumerable.Repeat("long", 6), "empty", "long"]),
        ("nc_then_double", "double", ["s_nc", "double"]),
        ("sum_huge", "long", ["s_huge", "long"]),
        ("make_huge", "s_huge", ["long", "long"]),
        ("u_big_sum", "long", ["u_big", "long"]),
        ("u_big_make", "u_big", ["char"]),
        ("ten_longs", "long", [.. Enumerable.Repeat("long", 10)]),
        ("twelve_doubles", "double", [.. Enumerable.Repeat("double", 12)]),
        ("interleaved", "double", ["int", "double", "long", "float", "short", "double", "char", "float", "long", "double",
            "int", "double", "long", "float", "uint", "double", "long", "double"]),
        ("small_ints_on_stack", "long", ["long", "long", "long", "long", "long", "long", "char", "short", "int", "uchar", "bool", "ushort"]),
        ("floats_on_stack", "double", [.. Enumerable.Repeat("double", 8), "float", "float", "double"]),
        ("ints_then_ll", "long", ["int", "int", "int", "int", "int", "s_ll", "long"]),
        ("ints_then_ld", "double", ["int", "int", "int", "int", "int", "s_ld", "long"]),
        ("doubles_then_dd", "double", [.. Enumerable.Repeat("double", 7), "s_dd", "double"]),
        ("doubles_then_dl", "double", [.. Enumerable.Repeat("double", 7), "s_dl", "double"]),
        ("longs_then_dl", "double", [.. Enumerable.Repeat("long", 6), "s_dl", "double"]),
        ("struct_mix", "double", ["s_ff", "s_ii", "s_dd", "s_if", "s_fff", "s_dl", "s_ld", "s_dd", "s_dd", "long", "double"]),
        ("aligned_on_stack", "long", [.. Enumerable.Repeat("long", 7), "s_a16", "long"]),
        ("aligned32_on_stack", "long", [.. Enumerable.Repeat("long", 7), "s_a32", "long"]),
        ("s24_from_longs", "s24", [.. Enumerable.Repeat("long", 6)]),
        ("s32_combine", "s32", ["long", "s24", "double", "s32", "long", "s48", "float"]),
        ("s_dl_from_many", "s_dl", [.. Enumerable.Repeat("long", 6), .. Enumerable.Repeat("double", 8), "long", "double"]),
        ("s_dl_from_ld", "s_dl", ["s_ld"]),
        ("s_fff_rotate", "s_fff", ["s_fff"]),
    ];

    private NativeModule _m = null!;

    [OneTimeSetUp]
    public void Open() => _m = NativeModule.Open(FfiSpec.Parse(SpecJson(Fixtures.ShapesLibrary)));

    [OneTimeTearDown]
    public void Close() => _m.Dispose();

    // The spec of every fixture function; with `flags` (e.g. `"errno": true`) added to each function.
    internal static string SpecJson(string library, string flags = "")
    {
        var functions = new List<(string Name, string Ret, string[] Params)>();
        foreach (var t in ScalarTypes)
        {
            functions.Add(("id_" + t, t, [t]));
            functions.Add(("next_" + t, t, [t]));
        }
        foreach (var s in Structs)
        {
            functions.Add(("sum_" + s.Name, "double", [s.Name]));
            functions.Add(("make_" + s.Name, s.Name, [.. s.Leaves.Select(l => l.Type)]));
        }
        functions.AddRange(OtherFunctions);
        var fns = string.Join(",\n", functions.Select(f =>
            $$"""{ "name": "{{f.Name}}", "ret": "{{f.Ret}}", "params": [{{string.Join(", ", f.Params.Select(p => $"\"{p}\""))}}]{{flags}} }"""));
        return $$"""
            { "version": "1", "lib": "{{library}}",
              "types": { {{Types}} },
              "functions": [ {{fns}} ] }
            """;
    }

    // ------------------------------------------------------------------ scalars

    [TestCase("char", (sbyte)-128, (sbyte)-127)]
    [TestCase("char", (sbyte)127, (sbyte)-128)]
    [TestCase("schar", (sbyte)-1, (sbyte)0)]
    [TestCase("uchar", (byte)255, (byte)0)]
    [TestCase("uchar", (byte)127, (byte)128)]
    [TestCase("short", short.MinValue, (short)-32767)]
    [TestCase("short", short.MaxValue, short.MinValue)]
    [TestCase("ushort", ushort.MaxValue, (ushort)0)]
    [TestCase("int", int.MinValue, int.MinValue + 1)]
    [TestCase("int", int.MaxValue, int.MinValue)]
    [TestCase("uint", uint.MaxValue, 0u)]
    [TestCase("uint", 0x7FFF_FFFFu, 0x8000_0000u)]
    [TestCase("long", long.MinValue, long.MinValue + 1)]
    [TestCase("long", 0xFFFF_FFFFL, 0x1_0000_0000L)]
    [TestCase("long", -1L, 0L)]
    [TestCase("ulong", ulong.MaxValue, 0UL)]
    [TestCase("longlong", long.MaxValue, long.MinValue)]
    [TestCase("ulonglong", 0x7FFF_FFFF_FFFF_FFFFUL, 0x8000_0000_0000_0000UL)]
    [TestCase("size_t", ulong.MaxValue, 0UL)]
    [TestCase("ssize_t", -1L, 0L)]
    [TestCase("int8", sbyte.MaxValue, sbyte.MinValue)]
    [TestCase("uint8", byte.MaxValue, (byte)0)]
    [TestCase("int16", (short)-1, (short)0)]
    [TestCase("uint16", (ushort)0x7FFF, (ushort)0x8000)]
    [TestCase("int32", -2, -1)]
    [TestCase("uint32", 0xFFFF_FFFEu, 0xFFFF_FFFFu)]
    [TestCase("int64", long.MaxValue - 1, long.MaxValue)]
    [TestCase("uint64", ulong.MaxValue, 0UL)]
    [TestCase("intptr_t", long.MinValue, long.MinValue + 1)]
    [TestCase("uintptr_t", ulong.MaxValue - 1, ulong.MaxValue)]
    [TestCase("bool", true, false)]
    [TestCase("bool", false, true)]
    [TestCase("float", 1.5f, 2.5f)]
    [TestCase("float", -0.25f, 0.75f)]
    [TestCase("double", 0.25, 1.25)]
    [TestCase("double", -1e300, -1e300)]
    [TestCase("color", -1, 7)]
    [TestCase("color", 7, int.MaxValue)]
    [TestCase("color", int.MaxValue, -1)]
    [TestCase("big", 0xFFFF_FFFFu, 0u)]
    [TestCase("big", 1u, 2u)]
    [TestCase("tiny", (sbyte)-3, (sbyte)100)]
    [TestCase("tiny", (sbyte)100, (sbyte)-3)]
    public void ScalarIdentityAndSuccessor(string type, object value, object next)
    {
        var same = _m.Invoke("id_" + type, value);
        var succ = _m.Invoke("next_" + type, value);
        Assert.Multiple(() =>
        {
            Assert.That(same, Is.EqualTo(value));
            Assert.That(same?.GetType(), Is.EqualTo(value.GetType()), "the return's natural CLR type");
            Assert.That(succ, Is.EqualTo(next));
            Assert.That(succ?.GetType(), Is.EqualTo(next.GetType()));
        });
    }

    [TestCase(0x8000_0000_0000_0000UL)] // -0.0
    [TestCase(0x7FF0_0000_0000_0000UL)] // +inf
    [TestCase(0xFFF0_0000_0000_0000UL)] // -inf
    [TestCase(0x7FF8_0000_0000_1234UL)] // quiet NaN with a payload
    [TestCase(0xFFF8_0000_0000_0000UL)] // negative quiet NaN (x86's default NaN)
    [TestCase(0x7FF0_0000_0000_0001UL)] // signalling NaN
    [TestCase(0x0000_0000_0000_0001UL)] // smallest subnormal
    [TestCase(0x7FEF_FFFF_FFFF_FFFFUL)] // double.MaxValue
    public void DoubleBitPatternsRoundTrip(ulong bits)
    {
        var d = BitConverter.UInt64BitsToDouble(bits);
        var returned = (double)_m.Invoke("u_dl_double", new { l = unchecked((long)bits) })!; // C makes the double
        var written = (long)_m.Invoke("u_dl_long", new { d })!;                              // the engine writes the double
        var both = (double)_m.Invoke("id_double", d)!;
        Assert.Multiple(() =>
        {
            Assert.That(BitConverter.DoubleToUInt64Bits(returned), Is.EqualTo(bits), "a double return");
            Assert.That(unchecked((ulong)written), Is.EqualTo(bits), "a double written by the engine");
            Assert.That(BitConverter.DoubleToUInt64Bits(both), Is.EqualTo(bits), "a double argument and return");
        });
    }

    [TestCase(0x8000_0000u)] // -0.0f
    [TestCase(0xFF80_0000u)] // -inf
    [TestCase(0x7FC0_0123u)] // quiet NaN with a payload
    [TestCase(0x7F80_0001u)] // signalling NaN
    [TestCase(0x0000_0001u)] // smallest subnormal
    public void FloatBitPatternsRoundTrip(uint bits)
    {
        var f = BitConverter.UInt32BitsToSingle(bits);
        var returned = (float)_m.Invoke("u_if_float", new { i = unchecked((int)bits) })!; // C makes the float
        var written = (int)_m.Invoke("u_if_int", new { f })!;                             // the engine writes the float
        var both = (float)_m.Invoke("id_float", f)!;
        Assert.Multiple(() =>
        {
            Assert.That(BitConverter.SingleToUInt32Bits(returned), Is.EqualTo(bits), "a float return");
            Assert.That(unchecked((uint)written), Is.EqualTo(bits), "a float written by the engine");
            Assert.That(BitConverter.SingleToUInt32Bits(both), Is.EqualTo(bits), "a float argument and return");
        });
    }

    [Test]
    public void MinusOnePlusOneIsPositiveZero()
    {
        var d = (double)_m.Invoke("next_double", -1.0)!;
        var f = (float)_m.Invoke("next_float", -1.0f)!;
        var fromNegZero = (double)_m.Invoke("next_double", -0.0)!;
        Assert.Multiple(() =>
        {
            Assert.That(BitConverter.DoubleToUInt64Bits(d), Is.Zero);
            Assert.That(BitConverter.SingleToUInt32Bits(f), Is.Zero);
            Assert.That(fromNegZero, Is.EqualTo(1.0));
        });
    }

    [TestCase(0L)]
    [TestCase(0x1234_5678L)]
    [TestCase(0x7FFF_FFFF_FFFF_FFF0L)]
    [TestCase(-8L)] // 0xFFFF_FFFF_FFFF_FFF8: all 64 bits matter
    public void PointerIdentityAndArithmetic(long address)
    {
        var same = (NativePointer)_m.Invoke("id_pointer", (nint)address)!;
        var next = (NativePointer)_m.Invoke("next_pointer", (nint)address)!;
        Assert.Multiple(() =>
        {
            Assert.That((long)same.Address, Is.EqualTo(address));
            Assert.That((long)next.Address, Is.EqualTo(address + 1));
        });
    }

    [Test]
    public void PointersFromNullAndFromStorage()
    {
        var storage = _m.Memory.New("long");
        var fromNull = (NativePointer)_m.Invoke("id_pointer", [null])!;
        var fromStorage = (NativePointer)_m.Invoke("id_pointer", storage)!;
        Assert.Multiple(() =>
        {
            Assert.That(fromNull.Address, Is.EqualTo((nint)0));
            Assert.That(fromStorage.Address, Is.EqualTo(storage.Address));
        });
    }

    [Test]
    public void SmallScalarsWidenedByTheCallee()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_m.Invoke("widen_char", (sbyte)-1), Is.EqualTo(-1L));
            Assert.That(_m.Invoke("widen_char", -128), Is.EqualTo(-128L), "an int that fits converts");
            Assert.That(_m.Invoke("widen_uchar", (byte)200), Is.EqualTo(200UL));
            Assert.That(_m.Invoke("widen_short", (short)-2), Is.EqualTo(-2L));
            Assert.That(_m.Invoke("widen_int", int.MinValue), Is.EqualTo((long)int.MinValue));
            Assert.That(_m.Invoke("widen_uint", uint.MaxValue), Is.EqualTo(4294967295UL));
            Assert.That(_m.Invoke("bool_bits", true, false, true), Is.EqualTo(5));
            Assert.That(_m.Invoke("bool_bits", false, true, true), Is.EqualTo(6));
            Assert.That(_m.Invoke("is_negative", long.MinValue), Is.True);
            Assert.That(_m.Invoke("is_negative", 0L), Is.False);
        });
    }

    [Test]
    public void EveryScalarKindInOneCall()
    {
        object?[] args =
        [
            (sbyte)-5, (sbyte)-128, (byte)200, (short)-30000, (ushort)60000, -2_000_000_000, 4_000_000_000u,
            -(1L << 60), ulong.MaxValue - 5, long.MinValue + 9, 1UL << 63, -2.25f, 1e10 + 0.75, true,
            ulong.MaxValue, -7L, unchecked((nint)0x7FFF_0000_1234L), -1,
        ];
        // The C side mixes each argument as (unsigned long long)(v): signed values sign-extend; l and m as (long long)(v * 4).
        ulong[] mixed =
        [
            unchecked((ulong)-5L), unchecked((ulong)-128L), 200, unchecked((ulong)-30000L), 60000, unchecked((ulong)-2_000_000_000L),
            4_000_000_000, unchecked((ulong)-(1L << 60)), ulong.MaxValue - 5, unchecked((ulong)(long.MinValue + 9)), 1UL << 63,
            unchecked((ulong)-9L), 40_000_000_003, 1, ulong.MaxValue, unchecked((ulong)-7L), 0x7FFF_0000_1234, ulong.MaxValue,
        ];
        ulong h = 17;
        foreach (var v in mixed) h = unchecked(h * 31 + v);
        Assert.That(_m.Invoke("all_scalars", args), Is.EqualTo(h));
    }
}
