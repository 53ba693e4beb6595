using System.Globalization;
using System.Text;
using Ffi.Types;

namespace Ffi.Spec.C;

/// <summary>
/// Writes a resolved spec as C declarations that <see cref="FfiSpec.ParseC(string, string, string)"/> reads back
/// to the same types, functions, variables and constants: tags are forward-declared first, typedefs follow in
/// dependency order, options C cannot say become <c>/* ffi: … */</c> annotations.
/// </summary>
internal sealed class CDeclarationWriter
{
    private static readonly Dictionary<string, string> Builtins = new(StringComparer.Ordinal)
    {
        ["void"] = "void", ["__void__"] = "void", ["bool"] = "_Bool", ["char"] = "char", ["__char__"] = "signed char", ["schar"] = "signed char",
        ["uchar"] = "unsigned char", ["__uchar__"] = "unsigned char", ["short"] = "short", ["ushort"] = "unsigned short", ["int"] = "int",
        ["uint"] = "unsigned int", ["long"] = "long", ["ulong"] = "unsigned long", ["longlong"] = "long long", ["ulonglong"] = "unsigned long long",
        ["int8"] = "int8_t", ["uint8"] = "uint8_t", ["int16"] = "int16_t", ["uint16"] = "uint16_t", ["int32"] = "int32_t", ["uint32"] = "uint32_t",
        ["int64"] = "int64_t", ["uint64"] = "uint64_t", ["size_t"] = "size_t", ["ssize_t"] = "ssize_t", ["intptr_t"] = "intptr_t",
        ["uintptr_t"] = "uintptr_t", ["float"] = "float", ["double"] = "double", ["pointer"] = "void *", ["string"] = "const char *",
    };

    private readonly FfiSpec _spec;
    private readonly StringBuilder _out = new();
    private readonly HashSet<string> _done = new(StringComparer.Ordinal);
    private readonly HashSet<string> _inProgress = new(StringComparer.Ordinal);
    private int? _pack; // the #pragma pack around the declaration being written

    private CDeclarationWriter(FfiSpec spec) => _spec = spec;

    public static string Write(FfiSpec spec)
    {
        var w = new CDeclarationWriter(spec);
        w.All();
        return w._out.ToString();
    }

    private void All()
    {
        _out.Append(CultureInfo.InvariantCulture, $"/* {_spec.Lib}: written by the ffi engine from a spec */\n");
        foreach (var name in _spec.Types.Names) RequireIdentifier(name);
        // Every struct and union tag first, so pointers may name any of them in any order.
        foreach (var name in _spec.Types.Names)
            if (!_spec.Types.IsAlias(name) && _spec.Types[name] is AggregateType or HandleType { Rep: PointerType })
                if (_spec.Types[name] is AggregateType || name.StartsWith("struct ", StringComparison.Ordinal))
                {
                    Line($"{Tag(name, _spec.Types[name])};");
                    if (_spec.Types[name] is AggregateType && !IsTagKey(name)) Line($"typedef {Tag(name, _spec.Types[name])} {name};");
                }
        foreach (var name in _spec.Types.Names) Declare(name);
        var enumConstants = _spec.Types.Names.Select(n => _spec.Types[n]).OfType<EnumType>().SelectMany(e => e.Values.Select(v => v.Key)).ToHashSet();
        foreach (var (name, value) in _spec.Constants)
            if (!enumConstants.Contains(name)) Line($"#define {name} {Literal(value)}");
        foreach (var v in _spec.Variables)
        {
            Annotate(false, false, false, v.Library, v.Doc, v.Capabilities);
            Line($"extern {Decl(v.Type, null, v.Name)};");
        }
        foreach (var f in _spec.Functions)
        {
            bool autoString = f.ReturnType is PointerType { Name: "string" };
            Annotate(f.CapturesErrno, f.IsTrivial, f.ReturnsString && !autoString, f.Library, f.Doc, f.Capabilities);
            var ps = f.ParameterTypes.Select((p, i) => Decl(p, f.ParameterNames[i], "")).ToList();
            if (f.IsVariadic) ps.Add("...");
            var retName = autoString && !f.ReturnsString ? null : f.ReturnName;
            var ret = autoString && !f.ReturnsString ? "char *" : null;
            var head = $"{f.Name}({(ps.Count == 0 ? "void" : string.Join(", ", ps))})";
            Line(ret is not null ? $"{ret}{head};" : $"{Decl(f.ReturnType, retName, head)};");
        }
    }

    private static string Literal(long v) => v == long.MinValue ? "(-9223372036854775807L - 1)" : v.ToString(CultureInfo.InvariantCulture) + (v is > int.MaxValue or < int.MinValue ? "L" : "");

    private void Line(string s) => _out.Append(s).Append('\n');

    private void Annotate(bool errno, bool trivial, bool retAsStr, string? lib, string? doc, IReadOnlyList<string> caps, string? tag = null)
    {
        var words = new List<string>();
        if (errno) words.Add("errno");
        if (trivial) words.Add("trivial");
        if (retAsStr) words.Add("ret_as_str");
        if (caps.Count > 0) words.Add("caps=" + string.Join(",", caps));
        if (lib is not null) words.Add("lib=" + lib);
        if (tag is not null) words.Add("tag=" + tag);
        if (doc is not null) words.Add($"doc=\"{doc.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)}\"");
        // A line comment: a doc may contain "*/" but, escaped, never a newline.
        if (words.Count > 0) Line($"// ffi: {string.Join(" ", words)}");
    }

    private static void RequireIdentifier(string name)
    {
        var bare = name.StartsWith("struct ", StringComparison.Ordinal) || name.StartsWith("union ", StringComparison.Ordinal) || name.StartsWith("enum ", StringComparison.Ordinal)
            ? name[(name.IndexOf(' ') + 1)..] : name;
        if (bare.Length == 0 || !(char.IsAsciiLetter(bare[0]) || bare[0] == '_') || !bare.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            throw new FfiSpecException($"types[\"{name}\"]", "cannot be written as C: the name is not a C identifier");
    }

    // The tag of a named aggregate or handle: its own key when that is "struct X", else a tag made from the name.
    private string Tag(string name, CType t)
    {
        if (name.StartsWith("struct ", StringComparison.Ordinal) || name.StartsWith("union ", StringComparison.Ordinal)) return name;
        var kw = t is UnionType ? "union" : "struct";
        var tag = $"{kw} {name}";
        return _spec.Types.IsDeclared(tag) ? $"{kw} {name}_" : tag;
    }

    private void Declare(string name)
    {
        if (_done.Contains(name) || !_spec.Types.IsDeclared(name)) return;
        if (!_inProgress.Add(name)) return; // reached again through a pointer: the forward declaration covers it
        var t = _spec.Types[name];
        foreach (var dep in Dependencies(t, top: true)) Declare(dep);
        _inProgress.Remove(name);
        _done.Add(name);
        bool alias = _spec.Types.IsAlias(name);
        var target = alias ? Named(t) : null;
        if (alias && t is HandleType { Rep: PointerType } && target is not null && target.StartsWith("struct ", StringComparison.Ordinal))
        {
            Line($"typedef {target} {name};"); // typedef struct sqlite3 sqlite3; — the handle is what a pointer to it is
            return;
        }
        if (t is IntType or FloatType && t.Align > t.Size)
        {
            Line($"typedef {Decl(t, null, name, top: true)} __attribute__((aligned({t.Align})));");
            return;
        }
        if (alias && target is not null)
        {
            Line($"typedef {Decl(t, target, name)};");
            return;
        }
        switch (t)
        {
            case AggregateType g:
                Annotate(false, false, false, null, t.Doc, []);
                if (g.Pack is int pack) Line($"#pragma pack(push, {pack})");
                _pack = g.Pack;
                Line($"{Tag(name, g)} {Body(g)};");
                _pack = null;
                if (g.Pack is not null) Line("#pragma pack(pop)");
                break;
            case HandleType { Rep: PointerType } h when name.StartsWith("struct ", StringComparison.Ordinal):
                if (h.Tag != name["struct ".Length..]) Line($"/* ffi: tag={h.Tag} */ {name};");
                break;
            case HandleType { Rep: PointerType } h:
                Annotate(false, false, false, null, t.Doc, [], h.Tag);
                Line($"typedef {Tag(name, h)} {name};");
                break;
            case HandleType h:
                Annotate(false, false, false, null, t.Doc, [], h.Tag);
                Line($"typedef {Decl(h.Rep, null, name)};");
                break;
            case EnumType e when name.StartsWith("enum ", StringComparison.Ordinal) && GccBase(e):
                Line($"{name} {{ {Enumerators(e)} }};");
                break;
            case EnumType e when !GccBase(e):
                // gcc would give this enum another integer type: the type is its base, the constants an anonymous enum.
                Line($"typedef {Decl(e.Base, null, name)};");
                Line($"enum {{ {Enumerators(e)} }};");
                break;
            default:
                Annotate(false, false, false, null, t.Doc, [], (t as PointerType)?.Tag);
                Line($"typedef {Decl(t, null, name, top: true)};");
                break;
        }
    }

    private static bool IsTagKey(string name) =>
        name.StartsWith("struct ", StringComparison.Ordinal) || name.StartsWith("union ", StringComparison.Ordinal) || name.StartsWith("enum ", StringComparison.Ordinal);

    // The integer type gcc gives an enum with these constants (unsigned int, int, or a 64-bit type).
    private static bool GccBase(EnumType e)
    {
        if (e.Values.Count == 0) return false;
        long min = e.Values.Min(v => v.Value), max = e.Values.Max(v => v.Value);
        var (bits, signed) = min >= 0 ? (max <= uint.MaxValue ? 32 : 64, false) : (min >= int.MinValue && max <= int.MaxValue ? 32 : 64, true);
        return e.Base.Bits == bits && e.Base.IsSigned == signed && !e.Base.IsBool;
    }

    private string Enumerators(EnumType e) => string.Join(", ", e.Values.Select(v => $"{v.Key} = {Literal(v.Value)}"));

    private string Body(AggregateType g)
    {
        // #pragma pack applies to a whole declaration: an inline aggregate can only share its holder's.
        if (g.Pack != _pack)
            throw new FfiSpecException(g.DisplayName, $"cannot be written as C: a struct or union under #pragma pack({g.Pack?.ToString(CultureInfo.InvariantCulture) ?? ""}) is inline in a declaration packed otherwise; declare it as a named type");
        var attrs = (g.IsPacked ? " __attribute__((packed))" : "") + (g.RequestedAlign is int a ? $" __attribute__((aligned({a})))" : "");
        var fields = g.Fields.Select(f =>
            (f.RequestedAlign is int fa ? $"_Alignas({fa}) " : "") + Decl(f.Type, f.TypeName, f.Name) + (f.BitWidth is int b ? $" : {b}" : "")
            + (f.IsPacked ? " __attribute__((packed))" : "") + ";");
        return $"{{ {string.Join(" ", fields)} }}{attrs}";
    }

    // The names a type needs declared before it: typedef names it mentions anywhere, aggregates it holds by value.
    private IEnumerable<string> Dependencies(CType t, bool top)
    {
        if (!top && Named(t) is { } n) return _spec.Types.IsDeclared(n) ? [n] : [];
        return t switch
        {
            PointerType p => Dependencies(p.Pointee, false).Concat(p.WrittenPointeeName is { } w && _spec.Types.IsDeclared(w) ? [w] : []),
            ArrayType a => Dependencies(a.Element, false),
            AggregateType g => g.Fields.SelectMany(f => Dependencies(f.Type, false).Concat(_spec.Types.IsDeclared(f.TypeName) ? [f.TypeName] : [])),
            FuncPtrType fp => Dependencies(fp.Return, false).Concat(fp.Parameters.SelectMany(p => Dependencies(p, false))),
            HandleType h => Dependencies(h.Rep, false),
            _ => [],
        };
    }

    private string? Named(CType t, string? written = null)
    {
        if (written is not null && _spec.Types.TryGet(written, out var w) && ReferenceEquals(w, t)) return written;
        return t.Name is { } n && _spec.Types.TryGet(n, out var x) && ReferenceEquals(x, t) ? n : null;
    }

    /// <summary>C for "<paramref name="declarator"/> has type <paramref name="t"/>", inside out: <c>int (*cmp)(const void *, const void *)</c>.</summary>
    private string Decl(CType t, string? written, string declarator, bool top = false)
    {
        if (!top && Named(t, written) is { } name) return Join(Spell(name, t), declarator);
        switch (t)
        {
            case PointerType p:
                return (p.IsPointeeConst ? "const " : "") + Decl(p.Pointee, p.WrittenPointeeName, "*" + declarator);
            case ArrayType a:
                var inner = declarator.StartsWith('*') ? $"({declarator})" : declarator;
                return Decl(a.Element, a.WrittenElementName, $"{inner}[{a.Length?.ToString(CultureInfo.InvariantCulture)}]");
            case FuncPtrType fp:
                var names = fp.WrittenNames;
                var ps = fp.Parameters.Select((p, i) => Decl(p, names.Count > i + 1 ? names[i + 1] : null, "")).ToList();
                if (fp.IsVariadic) ps.Add("...");
                return Decl(fp.Return, names.Count > 0 ? names[0] : null, $"(*{declarator})({(ps.Count == 0 ? "void" : string.Join(", ", ps))})");
            case AggregateType g:
                return Join($"{(g is UnionType ? "union" : "struct")} {Body(g)}", declarator);
            case EnumType e when GccBase(e):
                return Join($"enum {{ {Enumerators(e)} }}", declarator);
            case EnumType e:
                return Decl(e.Base, null, declarator);
            case HandleType h:
                return Decl(h.Rep, null, declarator);
            case IntType i:
                return Join(Builtins[$"{(i.IsBool ? "bool" : (i.IsSigned ? "int" : "uint") + i.Bits)}"], declarator);
            case FloatType f:
                return Join(f.Bits == 32 ? "float" : "double", declarator);
            default:
                return Join("void", declarator);
        }
    }

    // How a reference by name is spelt: builtins by their C name; a handle named "struct X" stands for struct X *.
    private string Spell(string name, CType t)
    {
        if (!_spec.Types.IsDeclared(name) && Builtins.TryGetValue(name, out var c)) return c;
        return t is HandleType { Rep: PointerType } ? name + " *" : name;
    }

    private static string Join(string type, string declarator) =>
        declarator.Length == 0 ? type : type.EndsWith('*') ? type + declarator : $"{type} {declarator}";
}
