using System.Runtime.CompilerServices;
using Ffi.Layout;
using Ffi.Types;

namespace Ffi.Spec;

/// <summary>
/// Turns spec syntax into laid-out <see cref="CType"/>s: resolves names (declared, then builtin),
/// follows aliases, detects alias cycles and aggregates that contain themselves by value, validates
/// each use (void, flexible arrays, bitfields, handle representations) and computes layouts.
/// </summary>
/// <remarks>
/// By-value references are resolved depth first, with the chain of names in progress on a stack: a
/// name met again on that stack is a cycle. Pointer pointees and function pointer signatures are bound
/// later, from a queue, with an empty stack — that is how <c>struct node { struct node *next; }</c>
/// resolves without being a cycle. One resolver serves one spec; it is not thread-safe.
/// </remarks>
internal sealed partial class TypeResolver
{
    private readonly Dictionary<string, TypeObjectSyntax> _named = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CType> _resolved = new(StringComparer.Ordinal);
    private List<(string Name, bool IsAlias, bool IsAggregate)>? _inProgress; // made with the first named type
    // The names on _inProgress, for a constant-time cycle test: searching the list made a deep chain quadratic.
    private readonly HashSet<string> _inProgressNames = new(StringComparer.Ordinal);
    private readonly Queue<Action> _deferred = new();
    private readonly IReadOnlyList<TypeDeclarationSyntax> _declarations;
    private readonly TypeRegistry? _existing;

    /// <summary>A resolver for standalone types whose names refer to an existing registry.</summary>
    public TypeResolver(TypeRegistry existing)
    {
        _declarations = [];
        _existing = existing;
    }

    public TypeResolver(IReadOnlyList<TypeDeclarationSyntax> declarations)
    {
        _declarations = declarations;
        foreach (var (name, syntax) in declarations) _named.Add(name, syntax);
    }

    /// <summary>Resolves every declared type, in spec order, and returns the registry (<paramref name="cSpellings"/>: see <see cref="RawSpec"/>).</summary>
    public TypeRegistry ResolveAll(bool cSpellings = false)
    {
        foreach (var (name, syntax) in _declarations)
        {
            ResolveNamed(name, syntax.Path);
            Drain();
        }
        // Loops, not LINQ over the declarations: this runs on a process's first spec (docs/benchmarks.md, cold start).
        var named = new KeyValuePair<string, CType>[_declarations.Count];
        var aliases = new List<string>();
        for (int i = 0; i < named.Length; i++)
        {
            var d = _declarations[i];
            named[i] = KeyValuePair.Create(d.Name, _resolved[d.Name]);
            if (d.Syntax is AliasSyntax) aliases.Add(d.Name);
        }
        return new TypeRegistry(named, aliases, cSpellings);
    }

    /// <summary>Resolves a reference and everything it points to.</summary>
    public CType Resolve(TypeSyntax syntax)
    {
        var t = ResolveNow(syntax);
        Drain();
        return t;
    }

    /// <summary>The name a reference was written with, or null for inline type objects.</summary>
    public static string? WrittenName(TypeSyntax syntax) => (syntax as NameRefSyntax)?.Name;

    /// <summary>Rejects a type that cannot be held by value at <paramref name="path"/> (void, flexible arrays).</summary>
    public static void RequireValue(CType type, SpecPath path, string what)
    {
        if (type is VoidType)
            throw new FfiSpecException(path, $"void is only valid as a return type or a pointee, not as {what}");
        if (type is ArrayType { IsFlexible: true })
            throw new FfiSpecException(path, $"a flexible array ({type.DisplayName}) has no size and cannot be {what}; give it a \"len\" or use a pointer");
    }

    private void Drain()
    {
        while (_deferred.TryDequeue(out var bind)) bind();
    }

    private CType ResolveNow(TypeSyntax syntax) => syntax switch
    {
        NameRefSyntax n => ResolveNamed(n.Name, n.Path),
        TypeObjectSyntax o => Build(o, null),
        _ => throw new InvalidOperationException($"unexpected syntax {syntax.GetType().Name}"),
    };

    private CType ResolveNamed(string name, SpecPath referencePath)
    {
        if (_resolved.TryGetValue(name, out var done)) return done;
        if (!_named.TryGetValue(name, out var syntax))
        {
            if (_existing is not null && _existing.TryGet(name, out var known)) return known;
            if (BuiltinTypes.TryGet(name, out var builtin)) return builtin;
            // "unsigned int", "const char *", "struct tm *", "void (*)(int)": a C spelling of a type.
            var spelled = C.CTypeSpelling.TryParse(name, referencePath.ToString(), KnownNames());
            if (spelled is NameRefSyntax alias && alias.Name != name) return ResolveNamed(alias.Name, referencePath);
            if (spelled is not null and not NameRefSyntax)
            {
                var fromC = ResolveNow(spelled);
                _resolved[name] = fromC;
                return fromC;
            }
            throw new FfiSpecException(referencePath, $"unknown type \"{name}\"{Suggest.DidYouMean(name, KnownNames())}");
        }

        if (_inProgressNames.Contains(name)) throw Cycle(name, referencePath);
        EnsureStack(referencePath);
        (_inProgress ??= []).Add((name, syntax is AliasSyntax, syntax is AggregateSyntax or ArraySyntax));
        _inProgressNames.Add(name);
        var t = Build(syntax, name);
        _inProgress.RemoveAt(_inProgress.Count - 1);
        _inProgressNames.Remove(name);
        _resolved.Add(name, t);
        return t;
    }

    // Its own method: the lambdas and LINQ over tuples of the message are code a process would otherwise load and
    // prepare with ResolveNamed, on its first spec (docs/benchmarks.md, cold start).
    private FfiSpecException Cycle(string name, SpecPath referencePath)
    {
        int at = _inProgress!.FindIndex(e => e.Name == name);
        var chain = _inProgress.Skip(at).ToList();
        var text = string.Join(" -> ", chain.Select(e => e.Name).Append(name));
        return new FfiSpecException(referencePath, chain.All(e => e.IsAlias) ? $"alias cycle: {text}"
            : chain.Any(e => e.IsAggregate) ? $"cyclic aggregate reference: {text} (a type cannot contain itself by value; use a pointer)"
            : $"cyclic type reference: {text} (an enum base or handle rep cannot refer back to the type itself)");
    }

    private IEnumerable<string> KnownNames() =>
        _named.Keys.Concat(BuiltinTypes.All.Keys).Concat(_existing?.Names ?? []);

    private static void EnsureStack(SpecPath path)
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
            throw new FfiSpecException(path, "type references nest too deeply");
    }

    private CType Build(TypeObjectSyntax syntax, string? declaredName)
    {
        EnsureStack(syntax.Path);
        var name = declaredName ?? syntax.Name;
        var doc = syntax.Doc;
        switch (syntax)
        {
            case VoidSyntax:
                return new VoidType(name, doc);
            case IntSyntax i:
                return new IntType(i.Bits, i.Signed, false, name, doc);
            case FloatSyntax f:
                return new FloatType(f.Bits, name, doc);
            case PointerSyntax p:
            {
                var pointer = new PointerType(p.Tag, name, doc, p.Const);
                _deferred.Enqueue(() => pointer.Bind(ResolveNow(p.To), WrittenName(p.To)));
                return pointer;
            }
            case ArraySyntax a:
            {
                var element = ResolveNow(a.Of);
                RequireValue(element, a.Of.Path, "an array element");
                if (element.Size % element.Align != 0) // gcc: "alignment of array elements is greater than element size"
                    throw new FfiSpecException(a.Of.Path, $"{element.DisplayName} is {element.Size} bytes aligned {element.Align}: C refuses an array of it (its alignment is greater than its size)");
                if (a.Length is long len && element.Size > 0 && len > SysVLayout.MaxSize / element.Size)
                    throw new FfiSpecException(a.Path, $"the array is larger than {SysVLayout.MaxSize} bytes");
                return new ArrayType(element, a.Length, name, doc, WrittenName(a.Of));
            }
            case AggregateSyntax g:
                return BuildAggregate(g, name);
            case EnumSyntax e:
                return BuildEnum(e, name);
            case FuncPtrSyntax fp:
            {
                var funcPtr = new FuncPtrType(fp.Variadic, name, doc);
                _deferred.Enqueue(() =>
                {
                    var ret = ResolveNow(fp.Ret);
                    if (ret is ArrayType) throw new FfiSpecException(fp.Ret.Path, "a C function cannot return an array; return a pointer or a struct");
                    RequireByValueSize(ret, fp.Ret.Path);
                    var ps = new CType[fp.Params.Count];
                    for (int i = 0; i < ps.Length; i++)
                    {
                        ps[i] = ResolveNow(fp.Params[i]);
                        RequireParameter(ps[i], fp.Params[i].Path);
                    }
                    var names = new[] { WrittenName(fp.Ret) }.Concat(fp.Params.Select(WrittenName)).ToArray();
                    funcPtr.Bind(ret, ps, names);
                });
                return funcPtr;
            }
            case HandleSyntax h:
            {
                var rep = ResolveNow(h.Rep);
                if (rep.Kind is not (CTypeKind.Int or CTypeKind.Enum or CTypeKind.Pointer or CTypeKind.FuncPtr or CTypeKind.Handle))
                    throw new FfiSpecException(h.Rep.Path, $"a handle's rep must be an integer, enum, pointer, funcptr or handle, not {rep.DisplayName}");
                return new HandleType(h.Tag, rep, name, doc);
            }
            case AliasSyntax { Align: int raised } al:
                return Aligned(ResolveNamed(al.To.Name, al.To.Path), raised, name, doc, al.Path);
            case AliasSyntax al:
                return ResolveNamed(al.To.Name, al.To.Path);
            default:
                throw new InvalidOperationException($"unexpected syntax {syntax.GetType().Name}");
        }
    }

    // typedef int aint __attribute__((aligned(8))): the same scalar with a raised alignment (never lowered, as gcc
    // does for a typedef that does not say packed); its size stays, so an array of it is refused (see ArraySyntax).
    private static CType Aligned(CType target, int align, string? name, string? doc, SpecPath path) => target switch
    {
        IntType i => new IntType(i.Bits, i.IsSigned, i.IsBool, name, doc, Math.Max(i.Align, align)),
        FloatType f => new FloatType(f.Bits, name, doc, Math.Max(f.Align, align)),
        _ => throw new FfiSpecException($"{path}.align", $"an alignment on an alias applies to integer and floating types, not {target.DisplayName}"),
    };

    private AggregateType BuildAggregate(AggregateSyntax g, string? name)
    {
        var what = g.IsUnion ? "union" : "struct";
        var types = new CType[g.Fields.Count];
        var members = new MemberRequest[g.Fields.Count];
        for (int i = 0; i < types.Length; i++)
        {
            var f = g.Fields[i];
            var t = ResolveNow(f.Type);
            if (f.Bits is int width)
            {
                var storage = t as IntType ?? (t as EnumType)?.Base;
                if (storage is null)
                    throw new FfiSpecException(f.Type.Path, $"a bitfield must have an integer or enum type, not {WrittenName(f.Type) ?? DescribeInline(t)}");
                int max = storage.IsBool ? 1 : storage.Bits;
                if (width > max)
                    throw new FfiSpecException($"{f.Path}.bits", $"bitfield width {width} exceeds the {max} bit{(max == 1 ? "" : "s")} of {t.DisplayName}");
            }
            if (t is ArrayType { IsFlexible: true } && !g.IsUnion && i == types.Length - 1 && f.Bits is null)
            {
                // int data[]; as the last member of a struct: allowed, size 0 — but, as in C, only after a named member.
                if (!g.Fields.Take(i).Any(p => p.FieldName.Length > 0))
                    throw new FfiSpecException(f.Type.Path, "a flexible array member needs a named field before it (C forbids a struct with no other named member)");
            }
            else if (t is ArrayType { IsFlexible: true })
            {
                throw new FfiSpecException(f.Type.Path, g.IsUnion
                    ? "a union member cannot be a flexible array"
                    : "a flexible array must be the last field of a struct");
            }
            else
            {
                RequireValue(t, f.Type.Path, $"a {what} field");
            }
            types[i] = t;
            members[i] = new MemberRequest(t, f.Bits, f.FieldName.Length > 0, f.Align, f.Packed);
        }

        AggregateLayout layout;
        try
        {
            layout = g.IsUnion ? SysVLayout.Union(members, g.Packed, g.Align, g.Pack) : SysVLayout.Struct(members, g.Packed, g.Align, g.Pack);
        }
        catch (OverflowException)
        {
            throw new FfiSpecException(g.Path, $"the {what} is larger than {SysVLayout.MaxSize} bytes");
        }

        var fields = new CField[types.Length];
        for (int i = 0; i < fields.Length; i++)
        {
            var f = g.Fields[i];
            fields[i] = new CField(f.FieldName, types[i], WrittenName(f.Type), layout.BitOffsets[i], f.Bits, f.Align, f.Packed);
        }
        RequireUniqueThroughAnonymous(g, types);
        return g.IsUnion
            ? new UnionType(fields, layout.Size, layout.Align, g.Packed, g.Align, name, g.Doc, g.Pack)
            : new StructType(fields, layout.Size, layout.Align, g.Packed, g.Align, name, g.Doc, g.Pack);
    }

    // struct { int x; struct { int x; }; } is "duplicate member 'x'" in gcc: an anonymous member's names are the outer's.
    private static void RequireUniqueThroughAnonymous(AggregateSyntax g, CType[] types)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < types.Length; i++)
        {
            var f = g.Fields[i];
            IEnumerable<string> names = f.FieldName.Length > 0 ? [f.FieldName]
                : f.Bits is null && types[i] is AggregateType inner ? inner.FieldNames : [];
            foreach (var n in names)
                if (!seen.TryAdd(n, i) && seen[n] != i)
                    throw new FfiSpecException(f.Path, $"duplicate field name \"{n}\" (also fields[{seen[n]}]; the members of an anonymous struct or union are named as the outer aggregate's own)");
        }
    }

    // Inline pointers are bound after their field is checked, so they cannot be rendered yet: name the kind.
    private static string DescribeInline(CType t) => t switch
    {
        PointerType => "an inline pointer",
        FuncPtrType => "an inline function pointer",
        ArrayType { Element: PointerType or FuncPtrType } => "an inline array of pointers",
        _ => t.DisplayName,
    };

    private EnumType BuildEnum(EnumSyntax e, string? name)
    {
        var b = ResolveNamed(e.Base.Name, e.Base.Path);
        if (b is not IntType baseType)
            throw new FfiSpecException(e.Base.Path, $"an enum base must be an integer type, not {b.DisplayName}");
        var values = new List<KeyValuePair<string, long>>(e.Values.Count);
        foreach (var (constant, value, path) in e.Values)
        {
            bool fits = value >= baseType.MinValue && (value < 0 || (ulong)value <= baseType.MaxValue);
            if (!fits) throw new FfiSpecException(path, $"value {value} does not fit the enum's base {baseType.DisplayName}");
            values.Add(KeyValuePair.Create(constant, value));
        }
        return new EnumType(baseType, values, name, e.Doc);
    }
}
