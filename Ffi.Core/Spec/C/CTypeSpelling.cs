namespace Ffi.Spec.C;

/// <summary>
/// C spellings of a type where a JSON spec expects a type name: <c>"unsigned int"</c>, <c>"char*"</c>,
/// <c>"const char *"</c>, <c>"uint8_t"</c>, <c>"struct tm *"</c>, <c>"void (*)(int)"</c>, <c>"int[4]"</c>. Names in the
/// spelling are the spec's own type names and builtins; <c>struct tm</c> is the type the spec declares as
/// <c>"struct tm"</c> (what <c>ffi import</c> writes).
/// </summary>
internal static class CTypeSpelling
{
    /// <summary>The spelling as spec syntax, or null when <paramref name="text"/> is not a C type name.</summary>
    public static TypeSyntax? TryParse(string text, string path, IEnumerable<string> typeNames)
    {
        if (text.Length > 1000) return null;
        try
        {
            var type = CParser.ReadTypeName(new CSource(text, path), typeNames);
            return type is null ? null : Lower(type, path);
        }
        catch (FfiSpecException)
        {
            return null;
        }
        catch (SkipDeclaration)
        {
            return null;
        }
    }

    private static TypeSyntax? Lower(CDeclType t, string path) => t switch
    {
        CBuiltin b => new NameRefSyntax(path, b.Name),
        CTypedefRef r => new NameRefSyntax(path, r.Name),
        CTagRef tag => new NameRefSyntax(path, tag.Key),
        CPointer { To: CBuiltin { Name: "char", Const: true } } => new NameRefSyntax(path, "string"),
        CPointer { To: CFunction f } => Lower(f.Ret, path) is { } ret && f.Params.Select(p => Lower(p.Type, path)).ToList() is var ps && ps.All(p => p is not null)
            ? new FuncPtrSyntax(path, null, null, ret, ps!, f.Variadic) : null,
        CPointer p => Lower(p.To, path) is { } to ? new PointerSyntax(path, null, null, to, null, p.To is CBuiltin { Const: true }) : null,
        CArray a => Lower(a.Of, path) is { } of ? new ArraySyntax(path, null, null, of, a.Length) : null,
        _ => null,
    };
}
