using System.Globalization;
using System.Text;
using Ffi.Tests.Oracle;

namespace Ffi.Tests.Abi;

/// <summary>
/// Struct shapes with zero-size members — empty structs, arrays of them of any length (up to 2^59), zero-length
/// arrays at any offset (of elements up to 2^40 bytes), nested — written both as C and as a spec, with C functions
/// that return one, take one by value, and check every scalar leaf of one. gcc's own calls are the judge.
/// </summary>
internal static class ZeroSizeMemberShapes
{
    /// <summary>A member's type: a scalar, the empty struct, a 2^40-byte struct, an array, or a struct.</summary>
    public abstract record Node;

    /// <summary>A scalar (spec name, C name).</summary>
    public sealed record Scalar(string Spec, string C, bool IsFloat) : Node;

    /// <summary><c>struct E0 {}</c>.</summary>
    public sealed record Empty : Node;

    /// <summary><c>struct Big { char b[1L &lt;&lt; 40]; }</c>: only ever the element of a zero-length array.</summary>
    public sealed record Big : Node;

    /// <summary>An array.</summary>
    public sealed record Arr(Node Element, long Length) : Node;

    /// <summary>A struct of members.</summary>
    public sealed record Rec(IReadOnlyList<Node> Fields) : Node;

    public static readonly Scalar Char = new("char", "char", false), Short = new("short", "short", false),
        Int = new("int", "int", false), Long = new("long", "long", false), Float = new("float", "float", true), Double = new("double", "double", true);

    /// <summary>The named cases of issue 14 and their neighbours.</summary>
    public static IReadOnlyList<Rec> Named() =>
    [
        new([Int, new Arr(new Empty(), 1L << 59)]),                               // classification looped 2^59 times
        new([Char, new Arr(new Big(), 0)]),                                      // OverflowException in Merge
        new([Float, new Arr(new Rec([Int, Int, Int, Int]), 0)]),                 // element spans three eightbytes
        new([Float, new Arr(new Rec([Int, Int, Int]), 0)]),
        new([Float, new Arr(Char, 0)]),
        new([Float, new Arr(Double, 0)]),
        new([Char, new Arr(new Arr(Short, 0), 3)]),                              // short z[3][0]
        new([Float, new Arr(new Empty(), 1000), Float, new Arr(new Arr(Int, 2), 0)]),
        new([Double, new Arr(new Empty(), 7), Int, new Arr(new Big(), 0)]),
        new([Int, new Arr(new Empty(), 1L << 40), new Arr(new Rec([new Arr(new Empty(), 1L << 59)]), 1L << 40), Float]),
        new([Short, new Arr(new Rec([Char, Char, Char]), 0), Float]),
        new([Double, Double, new Arr(new Big(), 0)]),
        new([Char, new Arr(new Arr(new Rec([Double]), 2), 0), Long]),
    ];

    /// <summary><paramref name="count"/> random shapes from <paramref name="seed"/>.</summary>
    public static IReadOnlyList<Rec> Random(int seed, int count)
    {
        var rng = new Random(seed);
        Scalar[] scalars = [Char, Short, Int, Long, Float, Double];
        long[] hugeLengths = [1, 2, 7, 1000, 1L << 32, 1L << 40, 1L << 59];

        Node Zero(int depth) => rng.Next(6) switch
        {
            0 => new Empty(),
            1 => new Arr(new Empty(), hugeLengths[rng.Next(hugeLengths.Length)]),
            2 => new Arr(new Big(), 0),
            3 => new Arr(depth < 2 ? Member(depth + 1) : scalars[rng.Next(scalars.Length)], 0),
            4 => new Arr(Zero(depth + 1), hugeLengths[rng.Next(hugeLengths.Length)]),
            _ => new Rec([new Empty(), new Arr(new Empty(), 3)]),
        };
        Node Member(int depth) => rng.Next(10) switch
        {
            < 5 => scalars[rng.Next(scalars.Length)],
            < 8 => Zero(depth),
            8 when depth < 2 => new Arr(scalars[rng.Next(scalars.Length)], rng.Next(1, 3)),
            _ when depth < 2 => new Rec([scalars[rng.Next(scalars.Length)], Member(depth + 1)]),
            _ => scalars[rng.Next(scalars.Length)],
        };
        return Enumerable.Range(0, count).Select(_ =>
        {
            var fields = new List<Node> { scalars[rng.Next(scalars.Length)] };
            for (int n = rng.Next(1, 5); n > 0; n--) fields.Add(Member(0));
            return new Rec(fields);
        }).ToList();
    }

    /// <summary>Whether C gives the node size 0.</summary>
    public static bool IsZeroSize(Node n) => n switch
    {
        Scalar or Big => false,
        Empty => true,
        Arr a => a.Length == 0 || IsZeroSize(a.Element),
        Rec r => r.Fields.All(IsZeroSize),
        _ => throw new ArgumentOutOfRangeException(nameof(n)),
    };

    /// <summary>The C source and the spec for <paramref name="cases"/>, case i named <c>c{i}</c>.</summary>
    public static (string C, string Spec) Render(IReadOnlyList<Rec> cases)
    {
        var c = new StringBuilder("#include <string.h>\nstruct E0 {};\nstruct Big { char b[1099511627776L]; };\n");
        var types = new List<string>
        {
            "\"E0\": { \"kind\": \"struct\", \"fields\": [] }",
            "\"Big\": { \"kind\": \"struct\", \"fields\": [ { \"name\": \"b\", \"type\": { \"kind\": \"array\", \"of\": \"char\", \"len\": 1099511627776 } } ] }",
        };
        var functions = new List<string>();
        int inner = 0;

        // Declares every struct a node needs (inner ones first) and returns (C element name, C dims, spec JSON).
        (string Name, string Dims, string Json) Declare(Node n)
        {
            switch (n)
            {
                case Scalar s: return (s.C, "", Q(s.Spec));
                case Empty: return ("struct E0", "", Q("E0"));
                case Big: return ("struct Big", "", Q("Big"));
                case Arr a:
                {
                    var (name, dims, json) = Declare(a.Element);
                    return (name, $"[{a.Length}L]{dims}", $"{{ \"kind\": \"array\", \"of\": {json}, \"len\": {a.Length} }}");
                }
                case Rec r:
                {
                    string tag = $"t{inner++}";
                    DeclareStruct(tag, r);
                    return ($"struct {tag}", "", Q(tag));
                }
                default: throw new ArgumentOutOfRangeException(nameof(n));
            }
        }
        void DeclareStruct(string tag, Rec r)
        {
            var members = r.Fields.Select((f, i) => (Field: $"f{i}", Decl: Declare(f))).ToList();
            c.Append($"struct {tag} {{ ").Append(string.Concat(members.Select(m => $"{m.Decl.Name} {m.Field}{m.Decl.Dims}; "))).Append("};\n");
            types.Add($"{Q(tag)}: {{ \"kind\": \"struct\", \"fields\": [ {string.Join(", ", members.Select(m => $"{{ \"name\": {Q(m.Field)}, \"type\": {m.Decl.Json} }}"))} ] }}");
        }

        for (int i = 0; i < cases.Count; i++)
        {
            string tag = $"c{i}";
            DeclareStruct(tag, cases[i]);
            var leaves = new List<(string Path, bool IsFloat)>();
            Leaves(cases[i], "s->", leaves);
            string Value(int k, bool isFloat) => isFloat ? F($"{k}.5") : F($"{(k * 37 + 5) % 100 + 1}");
            c.Append($"static void fill_{tag}(struct {tag} *s) {{ memset(s, 0, sizeof *s); ")
                .Append(string.Concat(leaves.Select((l, k) => $"{l.Path} = {Value(k, l.IsFloat)}; "))).Append("}\n");
            c.Append($"static int same_{tag}(const struct {tag} *s) {{ return 1")
                .Append(string.Concat(leaves.Select((l, k) => $" && {l.Path} == {Value(k, l.IsFloat)}"))).Append("; }\n");
            c.Append($"struct {tag} ret_{tag}(void) {{ struct {tag} s; fill_{tag}(&s); return s; }}\n");
            c.Append($"int check_{tag}(long r1, struct {tag} s, double d, long r2) {{ return same_{tag}(&s) && r1 == 11 && d == 0.25 && r2 == 22; }}\n");
            c.Append($"int late_{tag}(long a, long b, long c, long d, long e, struct {tag} s, long r2, double x) {{ return same_{tag}(&s) && a + b + c + d + e == 15 && r2 == 22 && x == 0.25; }}\n");
            c.Append($"int ptr_{tag}(const struct {tag} *s) {{ return same_{tag}(s); }}\n");
            functions.Add($"{{ \"name\": \"ret_{tag}\", \"ret\": {Q(tag)}, \"params\": [] }}");
            functions.Add($"{{ \"name\": \"check_{tag}\", \"ret\": \"int\", \"params\": [\"long\", {Q(tag)}, \"double\", \"long\"] }}");
            functions.Add($"{{ \"name\": \"late_{tag}\", \"ret\": \"int\", \"params\": [\"long\", \"long\", \"long\", \"long\", \"long\", {Q(tag)}, \"long\", \"double\"] }}");
            functions.Add($"{{ \"name\": \"ptr_{tag}\", \"ret\": \"int\", \"params\": [{{ \"kind\": \"pointer\", \"to\": {Q(tag)} }}] }}");
        }
        return (c.ToString(), $"{{ \"version\": \"1\", \"lib\": \"LIB\",\n \"types\": {{\n{string.Join(",\n", types)} }},\n \"functions\": [\n{string.Join(",\n", functions)} ] }}");
    }

    // Every scalar a C function can compare: members of size 0 have none (they overlap what follows them).
    private static void Leaves(Node n, string path, List<(string, bool)> into)
    {
        switch (n)
        {
            case Scalar s: into.Add((path, s.IsFloat)); break;
            case Arr a when !IsZeroSize(a):
                for (long i = 0; i < a.Length; i++) Leaves(a.Element, $"{path}[{i}]", into);
                break;
            case Rec r:
                for (int i = 0; i < r.Fields.Count; i++) Leaves(r.Fields[i], path.EndsWith("->", StringComparison.Ordinal) ? $"{path}f{i}" : $"{path}.f{i}", into);
                break;
        }
    }

    private static string Q(string s) => $"\"{s}\"";

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
