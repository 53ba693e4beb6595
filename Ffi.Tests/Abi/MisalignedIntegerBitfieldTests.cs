using System.Runtime.InteropServices;
using Ffi.Spec;
using Ffi.Tests.Adversarial;
using Ffi.Tests.Oracle;

namespace Ffi.Tests.Abi;

/// <summary>
/// gcc lays out a bitfield of 16, 32 or 64 bits that starts at a multiple of its width in its own (unpacked) struct or
/// union as an ordinary integer of that width; placed at a misaligned offset by a packed outer struct, it sends the
/// whole value to memory, as any misaligned integer does. Found by the compiled random tier (seed 78, default profile):
/// <code>
/// struct __attribute__((packed)) S1 { _Bool b:1; union __attribute__((aligned(4))) { int f:32; } u; };  /* rdi */
/// struct __attribute__((packed)) S4 { char c; struct { int f:24; } t; };                                /* eax */
/// </code>
/// The engine classified S1 as INTEGER and the call wrote through a garbage pointer. A record under
/// <c>#pragma pack</c> (a spec's <c>"pack"</c>) is not packed to this rule (gcc sets no DECL_PACKED for it): S7 goes to
/// memory as S2 does, while S8, packed by attribute, keeps its bitfield and its registers. Each shape is returned by value
/// from C and passed back by value, through typed delegates and the object API, in a child process (a wrong
/// classification crashes it).
/// </summary>
[TestFixture]
public sealed class MisalignedIntegerBitfieldTests
{
    private const string Source = """
        #include <string.h>
        struct __attribute__((packed)) S1 { _Bool b:1; union __attribute__((aligned(4))) { int f:32; } u; };  /* memory */
        struct __attribute__((packed)) S2 { char c; struct { int f:32; } t; };                                /* memory */
        struct __attribute__((packed)) S3 { char c; struct { short f:16; } t; };                              /* memory */
        struct __attribute__((packed)) S4 { char c; struct { int f:24; } t; };                                /* registers: no 24-bit integer */
        struct __attribute__((packed)) S5 { char c; struct { int f:8; } t; };                                 /* registers: a byte is aligned */
        struct __attribute__((packed)) S6 { char c; struct __attribute__((packed)) { short f:16; } t; };      /* registers: packed stays a bitfield */
        #pragma pack(push, 1)
        struct R7 { char a[4]; int f:32; };                                                                 /* #pragma pack is not packed: */
        #pragma pack(pop)
        struct __attribute__((packed)) S7 { char c; struct R7 t; };                                         /* memory, as S2 */
        struct R8 { char a[4]; int f:32; } __attribute__((packed));
        struct __attribute__((packed)) S8 { char c; struct R8 t; };                                         /* registers, as S6 */
        #define SHAPE(N, FIRST, F) \
            struct N make_##N(int v) { struct N s; memset(&s, 0, sizeof s); s.FIRST = 1; s.F = v; return s; } \
            int take_##N(struct N s) { return s.FIRST * 1000 + s.F; }
        SHAPE(S1, b, u.f) SHAPE(S2, c, t.f) SHAPE(S3, c, t.f) SHAPE(S4, c, t.f) SHAPE(S5, c, t.f) SHAPE(S6, c, t.f)
        SHAPE(S7, c, t.f) SHAPE(S8, c, t.f)
        """;

    private static readonly (string Name, string Type, int Size)[] Shapes =
    [
        ("S1", """{ "kind": "struct", "packed": true, "fields": [ { "name": "b", "type": "bool", "bits": 1 }, { "name": "u", "type": { "kind": "union", "align": 4, "fields": [ { "name": "f", "type": "int32", "bits": 32 } ] } } ] }""", 5),
        ("S2", Outer("""{ "kind": "struct", "fields": [ { "name": "f", "type": "int32", "bits": 32 } ] }"""), 5),
        ("S3", Outer("""{ "kind": "struct", "fields": [ { "name": "f", "type": "int16", "bits": 16 } ] }"""), 3),
        ("S4", Outer("""{ "kind": "struct", "fields": [ { "name": "f", "type": "int32", "bits": 24 } ] }"""), 5),
        ("S5", Outer("""{ "kind": "struct", "fields": [ { "name": "f", "type": "int32", "bits": 8 } ] }"""), 5),
        ("S6", Outer("""{ "kind": "struct", "packed": true, "fields": [ { "name": "f", "type": "int16", "bits": 16 } ] }"""), 3),
        ("S7", Outer("""{ "kind": "struct", "pack": 1, "fields": [ { "name": "a", "type": { "kind": "array", "of": "char", "len": 4 } }, { "name": "f", "type": "int32", "bits": 32 } ] }"""), 9),
        ("S8", Outer("""{ "kind": "struct", "packed": true, "fields": [ { "name": "a", "type": { "kind": "array", "of": "char", "len": 4 } }, { "name": "f", "type": "int32", "bits": 32 } ] }"""), 9),
    ];

    private static string Outer(string inner) =>
        $$"""{ "kind": "struct", "packed": true, "fields": [ { "name": "c", "type": "char" }, { "name": "t", "type": {{inner}} } ] }""";

    [StructLayout(LayoutKind.Sequential, Size = 5)]
    private struct Five
    {
        public byte B0;
    }

    [StructLayout(LayoutKind.Sequential, Size = 9)]
    private struct Nine
    {
        public byte B0;
    }

    [StructLayout(LayoutKind.Sequential, Size = 3)]
    private struct Three
    {
        public byte B0;
    }

    [Test]
    public void EachShapeTravelsAsGccPassesIt() => Isolated.Run(() =>
    {
        var lib = Gcc.Compile(Source, "misaligned_integer_bitfields", "-shared -fPIC");
        var types = string.Join(",\n", Shapes.Select(s => $"\"{s.Name}\": {s.Type}"));
        var functions = string.Join(",\n", Shapes.SelectMany(s => new[]
        {
            $$"""{ "name": "make_{{s.Name}}", "ret": "{{s.Name}}", "params": ["int"] }""",
            $$"""{ "name": "take_{{s.Name}}", "ret": "int", "params": ["{{s.Name}}"] }""",
        }));
        using var m = NativeModule.Open(FfiSpec.Parse($$"""{ "version": "1", "lib": "{{lib}}", "types": { {{types}} }, "functions": [ {{functions}} ] }"""));
        using (Assert.EnterMultipleScope())
        {
            foreach (var (name, _, size) in Shapes)
            {
                Assert.That(m.Memory.SizeOf(name), Is.EqualTo(size), name);
                int typed = size switch
                {
                    5 => m.GetFunction<Func<Five, int>>("take_" + name)(m.GetFunction<Func<int, Five>>("make_" + name)(7)),
                    9 => m.GetFunction<Func<Nine, int>>("take_" + name)(m.GetFunction<Func<int, Nine>>("make_" + name)(7)),
                    _ => m.GetFunction<Func<Three, int>>("take_" + name)(m.GetFunction<Func<int, Three>>("make_" + name)(7)),
                };
                Assert.That(typed, Is.EqualTo(1007), $"{name}, typed");
                Assert.That(m.Invoke("take_" + name, m.Invoke("make_" + name, 9)), Is.EqualTo(1009), $"{name}, objects");
            }
        }
    });
}
