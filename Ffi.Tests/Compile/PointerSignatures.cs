using System.Globalization;
using System.Text;

namespace Ffi.Tests.Compile;

/// <summary>
/// Seeded random C functions whose parameters are mostly data pointers, for the span form of compiled bindings
/// (<c>Span&lt;byte&gt;</c>, <c>ReadOnlySpan&lt;byte&gt;</c>, <c>ref T</c>, <c>in T</c>). Each function takes, in a random
/// order, byte buffers (<c>void *</c>, <c>unsigned char *</c>, <c>const void *</c>, <c>const unsigned char *</c>, each
/// followed by its length), pointers to <c>int</c> and <c>double</c> (const or not), pointers to random structs (const
/// or not) and a few scalars by value. It hashes everything it reads (a NULL buffer as a marker), writes something
/// derived from the hash through every pointer that is not const, and returns the hash:
/// <code>
/// unsigned long P3_f7(const struct P3_s1 *a0, void *a1, unsigned long a2, int a3)
/// {
///     unsigned long h = 7UL;                  // the function's index
///     h = mix(h, bits(&amp;a0->f0, 4)); …     // every field of the struct
///     h = mixb(h, a1, a2);                    // the bytes, or the NULL marker
///     h = mix(h, (unsigned long)(long)a3);
///     if (a1) fill(a1, a2, h + 1);            // writes after reading everything
///     return h;
/// }
/// </code>
/// <see cref="CSource"/> with a driver gives gcc's own calls of every function with the same arguments, printed as
/// <see cref="PointerFunction.Line"/> prints a call's outcome: the judge of the compiled calls.
/// </summary>
internal static class PointerSignatures
{
    /// <summary>A struct field: its spec type name, C type, byte size and whether it is floating point.</summary>
    internal sealed record Scalar(string Spec, string C, int Size, bool Floating);

    /// <summary>A generated struct.</summary>
    internal sealed record Struct(string Name, IReadOnlyList<(string Name, Scalar Type)> Fields);

    /// <summary>The kinds of parameter, with the buffer kinds' pointees.</summary>
    internal enum Kind { Bytes, ConstBytes, VoidBytes, ConstVoidBytes, IntRef, ConstIntRef, DoubleRef, ConstDoubleRef, StructRef, ConstStructRef, Int, Double }

    /// <summary>A parameter (a buffer's length parameter is implied: it follows the buffer).</summary>
    internal sealed record Param(Kind Kind, Struct? Struct = null)
    {
        public bool IsBuffer => Kind is Kind.Bytes or Kind.ConstBytes or Kind.VoidBytes or Kind.ConstVoidBytes;

        public bool IsConst => Kind is Kind.ConstBytes or Kind.ConstVoidBytes or Kind.ConstIntRef or Kind.ConstDoubleRef or Kind.ConstStructRef;
    }

    /// <summary>A generated function.</summary>
    internal sealed record PointerFunction(string Name, IReadOnlyList<Param> Params);

    internal static readonly Scalar[] Scalars =
    [
        new("char", "char", 1, false), new("uchar", "unsigned char", 1, false), new("short", "short", 2, false),
        new("int", "int", 4, false), new("long", "long", 8, false), new("float", "float", 4, true), new("double", "double", 8, true),
    ];

    /// <summary>The structs and functions of <paramref name="seed"/>.</summary>
    public static (List<Struct> Structs, List<PointerFunction> Functions) Generate(int seed, int count)
    {
        var rng = new Random(seed);
        var structs = Enumerable.Range(0, 4).Select(s => new Struct($"P{seed}_s{s}",
            Enumerable.Range(0, rng.Next(1, 6)).Select(f => ($"f{f}", Scalars[rng.Next(Scalars.Length)])).ToList())).ToList();
        var kinds = Enum.GetValues<Kind>();
        var functions = Enumerable.Range(0, count).Select(f => new PointerFunction($"P{seed}_f{f}",
            Enumerable.Range(0, rng.Next(1, 7)).Select(_ => kinds[rng.Next(kinds.Length)]).Select(k => k is Kind.StructRef or Kind.ConstStructRef
                ? new Param(k, structs[rng.Next(structs.Count)]) : new Param(k)).ToList())).ToList();
        return (structs, functions);
    }

    /// <summary>The spec of the functions in <paramref name="lib"/>.</summary>
    public static string SpecJson(string lib, List<Struct> structs, List<PointerFunction> functions)
    {
        var types = structs.Select(s => $"\"{s.Name}\": {{\"kind\": \"struct\", \"fields\": [{string.Join(", ", s.Fields.Select(f => $"{{\"name\": \"{f.Name}\", \"type\": \"{f.Type.Spec}\"}}"))}]}}");
        var fns = functions.Select(f => $"{{\"name\": \"{f.Name}\", \"ret\": \"ulong\", \"params\": [{string.Join(", ", f.Params.SelectMany(SpecParams))}]}}");
        return $"{{\"version\": \"1\", \"lib\": \"{lib}\", \"types\": {{{string.Join(", ", types)}}}, \"functions\": [{string.Join(", ", fns)}]}}";
    }

    private static IEnumerable<string> SpecParams(Param p)
    {
        string Pointer(string to, bool isConst) => $"{{\"kind\": \"pointer\", \"to\": \"{to}\"{(isConst ? ", \"const\": true" : "")}}}";
        yield return p.Kind switch
        {
            Kind.Bytes or Kind.ConstBytes => Pointer("uchar", p.IsConst),
            Kind.VoidBytes or Kind.ConstVoidBytes => Pointer("void", p.IsConst),
            Kind.IntRef or Kind.ConstIntRef => Pointer("int", p.IsConst),
            Kind.DoubleRef or Kind.ConstDoubleRef => Pointer("double", p.IsConst),
            Kind.StructRef or Kind.ConstStructRef => Pointer(p.Struct!.Name, p.IsConst),
            Kind.Int => "\"int\"",
            _ => "\"double\"",
        };
        if (p.IsBuffer) yield return "\"ulong\"";
    }

    /// <summary>The C of the structs and functions; with <paramref name="driver"/>, a <c>main</c> that calls each with its arguments.</summary>
    public static string CSource(List<Struct> structs, List<PointerFunction> functions, Func<PointerFunction, PointerArguments>? driver)
    {
        var c = new StringBuilder("""
            #include <stdio.h>
            #include <string.h>
            static unsigned long mix(unsigned long h, unsigned long v) { h ^= v; h *= 1099511628211UL; return h ^ (h >> 29); }
            static unsigned long mixb(unsigned long h, const void *p, unsigned long n)
            {
                if (!p) return mix(h, 0xdead0000UL + n);
                for (unsigned long i = 0; i < n; i++) h = mix(h, ((const unsigned char *)p)[i]);
                return mix(h, n);
            }
            static unsigned long bits(const void *p, unsigned long n) { unsigned long u = 0; memcpy(&u, p, n); return u; }
            static void fill(void *p, unsigned long n, unsigned long h) { for (unsigned long i = 0; i < n; i++) ((unsigned char *)p)[i] = (unsigned char)(h >> (i % 8 * 8)) ^ (unsigned char)i; }
            static void hex(const void *p, unsigned long n) { putchar(' '); for (unsigned long i = 0; i < n; i++) printf("%02x", ((const unsigned char *)p)[i]); }

            """);
        foreach (var s in structs)
            c.Append($"struct {s.Name} {{ {string.Concat(s.Fields.Select(f => $"{f.Type.C} {f.Name}; "))}}};\n");
        foreach (var f in functions) c.Append(Function(f));
        if (driver is not null)
        {
            c.Append("int main(void)\n{\n");
            foreach (var f in functions) c.Append(driver(f).CCall(f));
            c.Append("    return 0;\n}\n");
        }
        return c.ToString();
    }

    private static string Function(PointerFunction f)
    {
        var decl = new List<string>();
        var body = new StringBuilder($"    unsigned long h = {f.Name[(f.Name.LastIndexOf('f') + 1)..]}UL;\n");
        var writes = new StringBuilder();
        for (int i = 0, a = 0; i < f.Params.Count; i++, a++)
        {
            var p = f.Params[i];
            string arg = $"a{a}", cnst = p.IsConst ? "const " : "";
            switch (p.Kind)
            {
                case Kind.Bytes or Kind.ConstBytes or Kind.VoidBytes or Kind.ConstVoidBytes:
                    decl.Add($"{cnst}{(p.Kind is Kind.Bytes or Kind.ConstBytes ? "unsigned char" : "void")} *{arg}");
                    decl.Add($"unsigned long a{++a}");
                    body.Append($"    h = mixb(h, {arg}, a{a});\n");
                    if (!p.IsConst) writes.Append($"    if ({arg}) fill({arg}, a{a}, h + {i});\n");
                    break;
                case Kind.IntRef or Kind.ConstIntRef or Kind.DoubleRef or Kind.ConstDoubleRef:
                    var type = p.Kind is Kind.IntRef or Kind.ConstIntRef ? "int" : "double";
                    decl.Add($"{cnst}{type} *{arg}");
                    body.Append($"    h = mix(h, bits({arg}, sizeof *{arg}));\n");
                    if (!p.IsConst) writes.Append(type == "int" ? $"    *{arg} = (int)(h >> {i});\n" : $"    *{arg} = (double)(long)(h % 100003) / 8.0 - {i};\n");
                    break;
                case Kind.StructRef or Kind.ConstStructRef:
                    decl.Add($"{cnst}struct {p.Struct!.Name} *{arg}");
                    foreach (var (name, t) in p.Struct.Fields)
                    {
                        body.Append($"    h = mix(h, bits(&{arg}->{name}, {t.Size}));\n");
                        if (!p.IsConst)
                            writes.Append(t.Floating ? $"    {arg}->{name} = ({t.C})((long)(h % 9973) - 4986) / 4;\n" : $"    {arg}->{name} = ({t.C})(h >> {i + name.Length});\n");
                    }
                    break;
                case Kind.Int:
                    decl.Add($"int {arg}");
                    body.Append($"    h = mix(h, (unsigned long)(long){arg});\n");
                    break;
                default:
                    decl.Add($"double {arg}");
                    body.Append($"    h = mix(h, bits(&{arg}, 8));\n");
                    break;
            }
        }
        return $"unsigned long {f.Name}({string.Join(", ", decl)})\n{{\n{body}{writes}    return h;\n}}\n";
    }

    /// <summary>A C literal for <paramref name="value"/> as <paramref name="t"/>.</summary>
    internal static string Literal(Scalar t, double value) => t.Floating
        ? value.ToString("0.0#", CultureInfo.InvariantCulture) + (t.Size == 4 ? "f" : "")
        : ((long)value).ToString(CultureInfo.InvariantCulture) + "L";
}
