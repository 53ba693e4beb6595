namespace Ffi.Spec.C;

internal sealed partial class CParser
{
    /// <summary>
    /// <c>struct NAME</c>, <c>struct NAME { … }</c>, <c>struct { … }</c> (and the same for union and enum). A body
    /// with a tag is registered under its key (<c>struct tm</c>); a tag without one is forward-declared.
    /// </summary>
    private CDeclType TagSpecifier(out string? tagDefined)
    {
        tagDefined = null;
        int keywordIndex = _c.Index;
        var kw = _c.Next();
        Attributes(out bool packedBefore, out int? alignBefore);
        CToken? name = _c.Peek().Kind == CTokenKind.Identifier && !IsReserved(_c.Peek().Text) ? _c.Next() : null;
        Attributes(out bool packedAfterName, out int? alignAfterName);
        string? key = name is { } n ? $"{kw.Text} {n.Text}" : null;
        if (!_c.Peek().Is("{"))
        {
            if (key is null) throw _c.Fail(_c.Peek(), $"expected a tag name or '{{' after '{kw.Text}'");
            if (_skipped.Contains(key)) throw new SkipDeclaration($"uses {key}, which was skipped");
            if (!_d.Tags.ContainsKey(key))
            {
                _d.DeclareType(key);
                _d.Tags[key] = null;
            }
            return new CTagRef(name!.Value.At, key);
        }
        if (key is not null && _d.Tags.TryGetValue(key, out var existing) && existing is not null)
            throw _c.Error(name!.Value.At, $"redefinition of {key}");
        if (key is not null && !_d.Tags.ContainsKey(key))
        {
            // Incomplete until its body is read, so the body can point at it: struct node { struct node *next; }.
            _d.DeclareType(key);
            _d.Tags[key] = null;
        }
        CDeclType body;
        if (kw.Text == "enum")
        {
            var values = EnumBody();
            Attributes(out bool packedEnum, out _);
            body = new CEnum(kw.At, EnumBase(values, packedBefore || packedAfterName || packedEnum), values);
        }
        else
        {
            var members = AggregateBody(kw.Text);
            Attributes(out bool packedAfter, out int? alignAfter);
            int pack = keywordIndex < _packAt.Length ? _packAt[keywordIndex] : 0;
            bool packed = packedBefore || packedAfterName || packedAfter;
            int? align = Max(Max(alignBefore, alignAfterName), alignAfter);
            body = new CAggregate(kw.At, kw.Text == "union", members, packed, align, pack > 0 ? pack : null);
        }
        if (key is null) return body;
        _d.Tags[key] = body;
        tagDefined = key;
        return new CTagRef(name!.Value.At, key);
    }

    private static int? Max(int? a, int? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);

    private List<CMember> AggregateBody(string keyword)
    {
        var open = _c.Expect("{", "'{'");
        var members = new List<CMember>();
        while (!_c.Accept("}"))
        {
            var t = _c.Peek();
            if (t.Kind == CTokenKind.End) throw _c.Error(open.At, $"the {keyword} body is not closed: expected '}}' before the end of the input");
            if (t.Kind == CTokenKind.Annotation) throw _c.Error(t.At, "an ffi: annotation cannot stand inside a struct or union; put it before the declaration");
            if (_c.Accept(";")) continue;
            if (t.Is("_Static_assert"))
            {
                _c.Next();
                _c.SkipBalanced();
                _c.Expect(";", "';' after _Static_assert(…)");
                continue;
            }
            if (!IsTypeStart(t) && t.Kind == CTokenKind.Identifier && !IsReserved(t.Text)) throw UnknownTypeName(t);
            var spec = Specifiers(allowStorage: false);
            if (_c.Accept(";"))
            {
                // C11 anonymous struct or union member: struct { int a; union { int b; float c; }; }
                if (spec.Type is CAggregate) members.Add(new CMember("", spec.Type, null, spec.Type.At));
                continue;
            }
            while (true)
            {
                var at = _c.Peek().At;
                string name = "";
                CDeclType type = spec.Type;
                if (!_c.Peek().Is(":"))
                {
                    var d = Declarator(abstractAllowed: false);
                    type = d.Apply(spec.Type);
                    name = d.Name!.Value.Text;
                    at = d.Name!.Value.At;
                }
                int? bits = null;
                if (_c.Accept(":"))
                {
                    var widthAt = _c.Peek();
                    var w = ConstantExpression.Evaluate(_c, this);
                    if (w.Value < 0 || w.Value > 64) throw _c.Error(widthAt.At, $"bitfield width {w.Value} is out of range 0..64");
                    if (w.Value == 0 && name.Length > 0) throw _c.Error(at, $"zero-width bitfield '{name}' must be unnamed");
                    bits = (int)w.Value;
                }
                Attributes(out bool memberPacked, out int? memberAlign);
                int? align = Max(Max(spec.AlignAs, spec.AttributeAlign), memberAlign);
                if (align is not null && bits is not null) throw _c.Error(at, $"bitfield '{name}' cannot have an alignment of its own");
                if (type is CFunction) throw _c.Error(at, $"member '{name}' has a function type; a function pointer is written (*{name})(…)");
                if (name.Length > 0 && members.Any(m => m.Name == name)) throw _c.Error(at, $"duplicate member '{name}'");
                members.Add(new CMember(name, type, bits, at, align, memberPacked || spec.AttributePacked));
                if (_c.Accept(",")) continue;
                _c.Expect(";", $"';' after member '{name}'");
                break;
            }
        }
        return members;
    }

    private List<(string Name, long Value, SourcePosition At)> EnumBody()
    {
        var open = _c.Expect("{", "'{'");
        var values = new List<(string, long, SourcePosition)>();
        long next = 0;
        while (!_c.Accept("}"))
        {
            if (_c.Peek().Kind == CTokenKind.End) throw _c.Error(open.At, "the enum body is not closed: expected '}' before the end of the input");
            var name = _c.ExpectIdentifier("an enum constant name or '}'");
            Attributes(out _, out _);
            long value = next;
            if (_c.Accept("=")) value = ConstantExpression.Evaluate(_c, this).Value;
            if (_enumConstants.ContainsKey(name.Text)) throw _c.Error(name.At, $"redeclaration of enum constant '{name.Text}'");
            values.Add((name.Text, value, name.At));
            _enumConstants[name.Text] = value;
            _d.Constants.Add((name.Text, value, name.At));
            next = unchecked(value + 1);
            if (!_c.Accept(","))
            {
                _c.Expect("}", "',' or '}' after the enum constant");
                break;
            }
        }
        if (values.Count == 0) throw _c.Error(open.At, "an enum needs at least one constant");
        return values;
    }

    // gcc: unsigned int when no constant is negative and all fit, int when some are negative and all fit int,
    // else a 64-bit type; a packed enum takes the smallest type that holds every constant.
    private static string EnumBase(List<(string Name, long Value, SourcePosition At)> values, bool packed)
    {
        long min = values.Min(v => v.Value), max = values.Max(v => v.Value);
        if (packed)
        {
            if (min >= 0) return max <= byte.MaxValue ? "uchar" : max <= ushort.MaxValue ? "ushort" : max <= uint.MaxValue ? "uint" : "ulong";
            return min >= sbyte.MinValue && max <= sbyte.MaxValue ? "schar" : min >= short.MinValue && max <= short.MaxValue ? "short"
                : min >= int.MinValue && max <= int.MaxValue ? "int" : "long";
        }
        if (min >= 0) return max <= uint.MaxValue ? "uint" : "ulong";
        return min >= int.MinValue && max <= int.MaxValue ? "int" : "long";
    }
}
