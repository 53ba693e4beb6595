using Ffi.Types;

namespace Ffi.Spec.C;

/// <summary>
/// Turns <see cref="CDeclarations"/> into the same <see cref="RawSpec"/> the JSON reader makes, so the resolver,
/// layout, calls and callbacks are shared. The C rules applied here:
/// <list type="bullet">
/// <item>a pointer to a struct or union never completed in the text is a tagged handle
/// (<c>typedef struct sqlite3 sqlite3; int sqlite3_close(sqlite3 *);</c> takes a <c>handle&lt;sqlite3&gt;</c>);</item>
/// <item><c>const char *</c> is the spec's <c>string</c>, and a function returning it is read as a string;
/// <c>char *</c> is a writable buffer;</item>
/// <item>a pointer to a function type is a function pointer; <c>void *</c> is a pointer to void.</item>
/// </list>
/// Every syntax node's path is its <c>file:line:column</c>, so resolver errors point into the C text.
/// </summary>
internal sealed class CLowering
{
    private readonly CDeclarations _d;
    private readonly CSource _source;
    private readonly HashSet<string> _builtinRefs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SourcePosition> _positions = new(StringComparer.Ordinal);

    private CLowering(CDeclarations d, CSource source)
    {
        _d = d;
        _source = source;
    }

    /// <summary>The spec syntax, and the position behind each path (to put a caret under resolver errors).</summary>
    public static (RawSpec Raw, IReadOnlyDictionary<string, SourcePosition> Positions) Lower(CDeclarations d, string lib, CSource source)
    {
        var l = new CLowering(d, source);
        var types = l.Types();
        var functions = d.Functions.Select(l.Function).ToList();
        var variables = d.Variables.Select(v => new VariableSyntax(l.Path(v.At), v.Name, l.Value(v.Type, "a variable"), v.Annotations.Lib, v.Annotations.Doc, v.Annotations.Caps)).ToList();
        foreach (var (name, syntax) in types)
            if (l._builtinRefs.Contains(name) && BuiltinTypes.TryGet(name, out _))
                throw source.Error(Position(d, name), $"typedef {name} gives the builtin type name {name} another meaning; rename the typedef");
        return (new RawSpec(lib, types, functions, variables, d.Constants.Select(c => (c.Name, c.Value)).ToList(), CSpellings: true), l._positions);
    }

    /// <summary><c>sizeof</c>, <c>_Alignof</c> and the integer shape of a type, with the declarations read so far.</summary>
    public static CTypeFacts Measure(CDeclarations d, CDeclType type, SourcePosition at, CSource source)
    {
        try
        {
            var l = new CLowering(d, source);
            var resolver = new TypeResolver(l.Types());
            var t = resolver.Resolve(l.Value(type, "measured"));
            if (t is VoidType) throw source.Error(at, "void has no size");
            var shape = t switch
            {
                IntType i => (i.IsBool ? 1 : i.Bits, i.IsSigned),
                EnumType e => (e.Base.Bits, e.Base.IsSigned),
                PointerType or FuncPtrType or HandleType => (64, false),
                _ => ((int?)null, false),
            };
            return new CTypeFacts(t.Size, t.Align, shape.Item1, shape.Item2);
        }
        catch (FfiSpecException ex) when (!ex.Reason.Contains('\n'))
        {
            throw source.Error(at, ex.Reason, ex);
        }
    }

    private string Path(SourcePosition at)
    {
        var path = at.ToString();
        _positions.TryAdd(path, at);
        return path;
    }

    private static SourcePosition Position(CDeclarations d, string name) =>
        d.Typedefs.TryGetValue(name, out var t) ? t.At : d.Tags.TryGetValue(name, out var b) && b is not null ? b.At : default;

    private List<TypeDeclarationSyntax> Types()
    {
        var types = new List<TypeDeclarationSyntax>();
        foreach (var key in _d.TypeOrder)
        {
            _d.TypeAnnotations.TryGetValue(key, out var notes);
            if (_d.Tags.TryGetValue(key, out var body))
            {
                if (body is null)
                {
                    var at = key;
                    types.Add(new(key, key.StartsWith("enum ", StringComparison.Ordinal)
                        ? new AliasSyntax(at, null, notes?.Doc, new NameRefSyntax(at, "uint"))
                        : new HandleSyntax(at, null, notes?.Doc, notes?.Tag ?? key[(key.IndexOf(' ') + 1)..], new NameRefSyntax(at, "pointer"))));
                }
                else
                {
                    types.Add(new(key, WithDoc((TypeObjectSyntax)Inline(body), notes?.Doc)));
                }
                continue;
            }
            var t = _d.Typedefs[key];
            if (Chase(t) is CFunction) continue; // a function type: usable only behind a pointer, where it becomes a funcptr
            var lowered = Lower(t);
            if (Chase(t) is CTagRef { } chased && _d.Tags.TryGetValue(chased.Key, out var chasedBody) && chasedBody is null)
                notes = notes is null ? null : notes with { Tag = null }; // the tag went to the handle itself
            if (lowered is NameRefSyntax self && self.Name == key && !_d.TypedefAligns.ContainsKey(key)) continue; // typedef unsigned int uint;
            if (lowered is NameRefSyntax same && !_d.TypedefAligns.ContainsKey(key) && BuiltinTypes.TryGet(key, out var builtin) && BuiltinTypes.TryGet(same.Name, out var target) && SameScalar(builtin, target))
                continue; // typedef unsigned long size_t; means the builtin size_t
            TypeObjectSyntax declared = lowered switch
            {
                NameRefSyntax n when _d.TypedefAligns.TryGetValue(key, out int aligned) => new AliasSyntax(n.Path, null, notes?.Doc, n, aligned),
                NameRefSyntax n when notes?.Tag is { } tag => new HandleSyntax(n.Path, null, notes.Doc, tag, n),
                NameRefSyntax n => new AliasSyntax(n.Path, null, notes?.Doc, n),
                PointerSyntax p when notes?.Tag is { } tag => p with { Tag = tag, Doc = notes.Doc },
                HandleSyntax h when notes?.Tag is { } tag => h with { Tag = tag, Doc = notes.Doc },
                TypeObjectSyntax o => WithDoc(o, notes?.Doc),
                _ => throw new InvalidOperationException("unexpected lowering"),
            };
            types.Add(new(key, declared));
        }
        return types;
    }

    private static bool SameScalar(CType a, CType b) =>
        ReferenceEquals(a, b) || (a is IntType x && b is IntType y && x.Bits == y.Bits && x.IsSigned == y.IsSigned && x.IsBool == y.IsBool);

    private static TypeObjectSyntax WithDoc(TypeObjectSyntax o, string? doc) => doc is null ? o : o with { Doc = doc };

    private FunctionSyntax Function(CFunctionDecl f)
    {
        var n = f.Annotations;
        var ret = f.Type.Ret is CBuiltin { Name: "void" } ? new NameRefSyntax(Path(f.Type.Ret.At), "void") : Value(f.Type.Ret, "a return type");
        var ps = f.Type.Params.Select(p => Value(p.Type, "a parameter")).ToList();
        // const char *name(void): the text is the library's, read as a string; char * (caller frees or writes) stays a pointer.
        bool retAsStr = n.RetAsStr || f.Type.Ret is CPointer { To: CBuiltin { Name: "char", Const: true } };
        return new FunctionSyntax(Path(f.At), f.Name, ret, ps, f.Type.Variadic, n.Lib, n.Doc, retAsStr, n.Errno, n.Caps, n.Trivial);
    }

    /// <summary>A type used by value (member, parameter, array element, variable): it must be complete.</summary>
    private TypeSyntax Value(CDeclType t, string what)
    {
        var target = Chase(t);
        if (target is CTagRef tag && _d.Tags.TryGetValue(tag.Key, out var body) && body is null && !tag.Key.StartsWith("enum ", StringComparison.Ordinal))
            throw _source.Error(t.At, $"{tag.Key} is incomplete (declared but never defined), so it cannot be {what} by value; use a pointer to it");
        if (target is CFunction) throw _source.Error(t.At, $"a function type cannot be {what}; use a pointer to it");
        return Lower(t);
    }

    private CDeclType Chase(CDeclType t)
    {
        for (int guard = 0; t is CTypedefRef r && _d.Typedefs.TryGetValue(r.Name, out var next) && guard < 1000; guard++) t = next;
        return t;
    }

    private TypeSyntax Lower(CDeclType t)
    {
        if (!System.Runtime.CompilerServices.RuntimeHelpers.TryEnsureSufficientExecutionStack())
            throw _source.Error(t.At, "the type nests too deeply");
        var path = Path(t.At);
        switch (t)
        {
            case CBuiltin b:
                _builtinRefs.Add(b.Name);
                return new NameRefSyntax(path, b.Name);
            case CTypedefRef r:
                return new NameRefSyntax(path, r.Name);
            case CTagRef tag:
                return new NameRefSyntax(path, tag.Key);
            case CPointer { To: CBuiltin { Name: "char", Const: true } }:
                _builtinRefs.Add("string");
                return new NameRefSyntax(path, "string");
            case CPointer p:
            {
                var target = Chase(p.To);
                if (target is CFunction f)
                {
                    var ret = f.Ret is CBuiltin { Name: "void" } ? new NameRefSyntax(Path(f.Ret.At), "void") : Value(f.Ret, "a return type");
                    return new FuncPtrSyntax(path, null, null, ret, f.Params.Select(x => Value(x.Type, "a parameter")).ToList(), f.Variadic);
                }
                if (target is CTagRef tag && _d.Tags.TryGetValue(tag.Key, out var body) && body is null && !tag.Key.StartsWith("enum ", StringComparison.Ordinal))
                    return Lower(p.To); // the incomplete tag is declared as a handle: the pointer is the handle
                return new PointerSyntax(path, null, null, Lower(p.To), null, p.To is CBuiltin { Const: true });
            }
            case CArray a:
                return new ArraySyntax(path, null, null, Value(a.Of, "an array element"), a.Length);
            case CAggregate or CEnum:
                return Inline(t);
            case CFunction:
                throw _source.Error(t.At, "a function type is only allowed behind a pointer");
            default:
                throw new InvalidOperationException($"unexpected C type {t.GetType().Name}");
        }
    }

    private TypeObjectSyntax Inline(CDeclType body)
    {
        var path = Path(body.At);
        return body switch
        {
            CAggregate g => new AggregateSyntax(path, null, null, g.IsUnion,
                g.Members.Select(m => new FieldSyntax(Path(m.At), m.Name, MemberType(m), m.Bits, m.Align, m.Packed)).ToList(), g.Packed, g.Align, g.Pack),
            CEnum e => new EnumSyntax(path, null, null, new NameRefSyntax(path, e.Base), e.Values.Select(v => (v.Name, v.Value, (SpecPath)Path(v.At))).ToList()),
            _ => throw new InvalidOperationException($"unexpected C body {body.GetType().Name}"),
        };
    }

    // A flexible array member (int data[]) has no size but is allowed as the last member.
    private TypeSyntax MemberType(CMember m) => m.Type is CArray { Length: null } a
        ? new ArraySyntax(Path(a.At), null, null, Value(a.Of, "an array element"), null)
        : Value(m.Type, "a member");
}
