using System.Globalization;
using System.Text;

namespace Ffi.Tests.Oracle;

/// <summary>
/// Generates random struct and union types — nesting (named and inline), arrays (also of aggregates and
/// multi-dimensional), unions, bitfields (named, unnamed, zero-width, signed, bool, enum), packed,
/// aligned, <c>#pragma pack(N)</c>, members packed on their own, enums, aliases, pointers (also forward and self
/// references), flexible array members —
/// each written both as a spec type and as C, with the member designators C can name.
/// Deterministic for a given seed.
/// </summary>
internal sealed class RandomLayoutGenerator
{
    private sealed record Scalar(string Spec, string C, int Bits, bool IsInteger);

    private static readonly Scalar[] Scalars =
    [
        new("char", "char", 8, true), new("schar", "signed char", 8, true), new("uchar", "unsigned char", 8, true),
        new("short", "short", 16, true), new("ushort", "unsigned short", 16, true),
        new("int", "int", 32, true), new("uint", "unsigned int", 32, true),
        new("long", "long", 64, true), new("ulong", "unsigned long", 64, true),
        new("longlong", "long long", 64, true), new("ulonglong", "unsigned long long", 64, true),
        new("int8", "int8_t", 8, true), new("uint16", "uint16_t", 16, true), new("int32", "int32_t", 32, true), new("uint64", "uint64_t", 64, true),
        new("size_t", "size_t", 64, true), new("ssize_t", "ssize_t", 64, true), new("bool", "_Bool", 1, true),
        new("float", "float", 32, false), new("double", "double", 64, false),
        new("pointer", "void *", 64, false), new("string", "const char *", 64, false),
    ];

    // Scalars of the small profile: floats (six in eleven) more likely than integers, so eightbytes of every class mix turn up.
    private static readonly Scalar[] SmallScalars = Scalars.Where(s => s.Spec is "char" or "short" or "int" or "long" or "pointer")
        .Concat(Enumerable.Repeat(Scalars.Where(s => !s.IsInteger && s.Spec != "pointer" && s.Spec != "string"), 3).SelectMany(f => f)).ToArray();

    private readonly Random _rng;
    private readonly string _prefix;
    private readonly bool _small;
    private readonly List<LayoutCase> _cases = [];
    private readonly List<string> _extraSpec = [];
    private readonly StringBuilder _prelude = new();
    // Named aggregates usable by value (no flexible array member), with their C spelling.
    private readonly List<string> _byValue = [];
    private readonly List<(string Spec, string C, int Bits)> _enums = [];
    private readonly List<(string Spec, string C)> _aliases = [];
    private int _fieldCounter;

    /// <param name="seed">The seed; the same seed gives the same types.</param>
    /// <param name="prefix">The prefix of every type name.</param>
    /// <param name="small">
    /// Small aggregates: one to three members, two thirds of them plain scalars, floats more likely than integers, and no
    /// flexible array members, so that most fit in two eightbytes and every INTEGER/SSE mix turns up (the default
    /// profile makes mostly large or integer-only aggregates).
    /// </param>
    public RandomLayoutGenerator(int seed, string prefix, bool small = false)
    {
        _rng = new Random(seed);
        _prefix = prefix;
        _small = small;
    }

    public IReadOnlyList<LayoutCase> Cases => _cases;

    /// <summary>Spec entries (enums, aliases) the cases refer to, for <see cref="GccLayoutOracle.SpecJson"/>.</summary>
    public string ExtraSpecTypes => string.Join(",\n", _extraSpec);

    /// <summary>C declarations (enums as their base, aliases) that must precede the cases.</summary>
    public string Prelude => _prelude.ToString();

    public void Generate(int count)
    {
        for (int i = 0; i < 3; i++) AddEnum(i);
        for (int i = 0; i < count; i++)
        {
            var name = $"{_prefix}{i}";
            var allowFlexible = _rng.Next(8) == 0 && !_small;
            // The default profile only: the small one's stream (which the random call tiers use) stays as it was.
            int? pack = !_small && _rng.Next(8) == 0 ? 1 << _rng.Next(0, 5) : null;
            var (spec, cBody, members, hasFlexible) = Aggregate(name, depth: 0, allowFlexible, pack);
            // Forward declarations let any type point at any other, including later ones and itself.
            _prelude.Append(CultureInfo.InvariantCulture, $"typedef {cBody.Keyword} {name} {name};\n");
            var cDecl = $"{cBody.Keyword} {cBody.Attributes}{name} {{ {cBody.Members} }};";
            if (pack is int p) cDecl = $"#pragma pack(push, {p})\n{cDecl}\n#pragma pack(pop)\n";
            _cases.Add(new LayoutCase(name, spec, cDecl, members));
            if (!hasFlexible) _byValue.Add(name);
            if (_rng.Next(6) == 0 && !hasFlexible)
            {
                var alias = $"{name}_alias";
                _extraSpec.Add($"\"{alias}\": \"{name}\"");
                _aliases.Add((alias, alias));
                _cases[^1] = _cases[^1] with { CDecl = _cases[^1].CDecl + $" typedef {name} {alias};" };
            }
        }
    }

    private void AddEnum(int i)
    {
        var name = $"{_prefix}_enum{i}";
        var bases = new[] { ("uint8", "uint8_t", 8), ("int16", "int16_t", 16), ("int", "int", 32), ("uint64", "uint64_t", 64) };
        var (b, c, bits) = bases[_rng.Next(bases.Length)];
        _extraSpec.Add($"\"{name}\": {{\"kind\":\"enum\",\"base\":\"{b}\",\"values\":{{\"{name}_A\":0,\"{name}_B\":1}}}}");
        _prelude.Append(CultureInfo.InvariantCulture, $"typedef {c} {name};\n");
        _enums.Add((name, name, bits));
    }

    private sealed record CBody(string Keyword, string Attributes, string Members);

    // pack: the #pragma pack(N) around the whole declaration, so inline aggregates inside it are packed the same.
    private (string Spec, CBody C, List<(string, bool)> Members, bool HasFlexible) Aggregate(string name, int depth, bool allowFlexible, int? pack)
    {
        bool union = _rng.Next(4) == 0;
        bool packed = _rng.Next(4) == 0;
        int? align = _rng.Next(6) == 0 ? 1 << _rng.Next(0, 6) : null;
        int n = _small ? _rng.Next(1, depth == 0 ? 4 : 3) : _rng.Next(0, depth == 0 ? 9 : 5);
        if (n == 0 && _rng.Next(3) > 0) n = 1;

        var specFields = new List<string>();
        var cMembers = new StringBuilder();
        var members = new List<(string, bool)>();
        for (int i = 0; i < n; i++)
        {
            var fname = $"f{_fieldCounter++}";
            var (specType, cType, cSuffix, bits, isBitfield, named, nested) = Field(depth, union, pack);
            bool memberPacked = !_small && _rng.Next(12) == 0;
            var nameJson = named ? fname : "";
            var bitsJson = (bits is int w ? $",\"bits\":{w}" : "") + (memberPacked ? ",\"packed\":true" : "");
            specFields.Add($"{{\"name\":\"{nameJson}\",\"type\":{specType}{bitsJson}}}");
            var cName = named ? fname : "";
            var cBits = (bits is int cw ? $":{cw}" : "") + (memberPacked ? " __attribute__((packed))" : "");
            cMembers.Append(CultureInfo.InvariantCulture, $"{cType} {cName}{cSuffix}{cBits}; ");
            if (named)
            {
                members.Add((fname, isBitfield));
                foreach (var (path, bf) in nested) members.Add(($"{fname}.{path}", bf));
            }
        }
        bool flexible = allowFlexible && !union && members.Count > 0;
        if (flexible)
        {
            var (s, c, _) = ElementType();
            var fname = $"f{_fieldCounter++}";
            specFields.Add($"{{\"name\":\"{fname}\",\"type\":{{\"kind\":\"array\",\"of\":{s}}}}}");
            cMembers.Append(CultureInfo.InvariantCulture, $"{c} {fname}[]; ");
            members.Add((fname, false));
        }

        var attrs = new List<string>();
        if (packed) attrs.Add("packed");
        if (align is int a) attrs.Add($"aligned({a})");
        var cAttr = attrs.Count == 0 ? "" : $"__attribute__(({string.Join(", ", attrs)})) ";
        var specAttr = (packed ? ",\"packed\":true" : "") + (align is int sa ? $",\"align\":{sa}" : "") + (pack is int pk ? $",\"pack\":{pk}" : "");
        var kind = union ? "union" : "struct";
        var spec = $"{{\"kind\":\"{kind}\"{specAttr},\"fields\":[{string.Join(",", specFields)}]}}";
        return (spec, new CBody(kind, cAttr, cMembers.ToString()), members, flexible);
    }

    private (string Spec, string C, string CSuffix, int? Bits, bool IsBitfield, bool Named, List<(string, bool)> Nested) Field(int depth, bool inUnion, int? pack)
    {
        if (_small && _rng.Next(3) > 0)
        {
            var s = SmallScalars[_rng.Next(SmallScalars.Length)];
            return (Quote(s.Spec), s.C, "", null, false, true, []);
        }
        int roll = _rng.Next(100);
        if (roll < 30)
        {
            // A bitfield: an integer, bool or enum type; sometimes unnamed, sometimes zero-width.
            var (spec, c, bits) = BitfieldType();
            int width = _rng.Next(6) == 0 ? 0 : _rng.Next(1, bits + 1);
            bool named = width > 0 && _rng.Next(5) > 0;
            return (Quote(spec), c, "", width, true, named, []);
        }
        if (roll < 40 && depth < 3)
        {
            // An inline anonymous struct or union.
            var (spec, body, members, _) = Aggregate("", depth + 1, allowFlexible: false, pack);
            return (spec, $"{body.Keyword} {body.Attributes}{{ {body.Members} }}", "", null, false, true, members);
        }
        if (roll < 55)
        {
            // An array, sometimes two-dimensional, of scalars or named aggregates.
            var (es, ec, _) = ElementType();
            int len = _rng.Next(0, 5);
            if (_rng.Next(5) == 0)
            {
                int inner = _rng.Next(1, 4);
                return ($"{{\"kind\":\"array\",\"of\":{{\"kind\":\"array\",\"of\":{es},\"len\":{inner}}},\"len\":{len}}}", ec, $"[{len}][{inner}]", null, false, true, []);
            }
            return ($"{{\"kind\":\"array\",\"of\":{es},\"len\":{len}}}", ec, $"[{len}]", null, false, true, []);
        }
        if (roll < 60 && _cases.Count > 0)
        {
            // A pointer to any generated type (earlier, or the one being generated: a self reference).
            var target = $"{_prefix}{_rng.Next(_cases.Count + 1)}";
            return ($"{{\"kind\":\"pointer\",\"to\":\"{target}\"}}", $"{target} *", "", null, false, true, []);
        }
        if (roll < 63)
        {
            var (s, c, _) = _enums[_rng.Next(_enums.Count)];
            return (Quote(s), c, "", null, false, true, []);
        }
        if (roll < 66 && _aliases.Count > 0)
        {
            var (s, c) = _aliases[_rng.Next(_aliases.Count)];
            return (Quote(s), c, "", null, false, true, []);
        }
        var (ts, tc, _) = ElementType();
        return (ts, tc, "", null, false, true, []);
    }

    private (string Spec, string C, int Bits) BitfieldType()
    {
        if (_rng.Next(8) == 0)
        {
            var e = _enums[_rng.Next(_enums.Count)];
            return (e.Spec, e.C, e.Bits);
        }
        var ints = Scalars.Where(s => s.IsInteger).ToArray();
        var s = ints[_rng.Next(ints.Length)];
        return (s.Spec, s.C, s.Bits);
    }

    // A scalar or an earlier named aggregate, as a (JSON type reference, C type) pair.
    private (string Spec, string C, int Bits) ElementType()
    {
        if (_byValue.Count > 0 && _rng.Next(3) == 0)
        {
            var name = _byValue[_rng.Next(_byValue.Count)];
            return (Quote(name), name, 0);
        }
        var s = Scalars[_rng.Next(Scalars.Length)];
        return (Quote(s.Spec), s.C, s.Bits);
    }

    private static string Quote(string name) => $"\"{name}\"";
}
