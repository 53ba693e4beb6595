namespace Ffi.Spec.C;

/// <summary>
/// Reads C declarations into a <see cref="RawSpec"/>: lexer → directives → parser → lowering. Resolver
/// errors (a bitfield too wide, a struct that contains itself) are given the same <c>file:line:column</c>
/// and caret as the parser's own.
/// </summary>
internal static class CSpecReader
{
    public static (RawSpec Raw, IReadOnlyList<string> Notes, Func<FfiSpecException, FfiSpecException> Locate) Read(string text, string file, string lib, CHeaderFilter? filter)
    {
        var source = new CSource(text, file);
        var declarations = CParser.Read(source);
        if (filter is not null) declarations = CDeclarationFilter.Apply(declarations, filter);
        var (raw, positions) = CLowering.Lower(declarations, lib, source);
        return (raw, declarations.Notes, ex => Locate(ex, positions, source));
    }

    // A resolver error's path is "file:line:col" with perhaps a suffix (".bits", ": ret"): find the position it starts with.
    private static FfiSpecException Locate(FfiSpecException ex, IReadOnlyDictionary<string, SourcePosition> positions, CSource source)
    {
        if (ex.Reason.Contains('\n')) return ex;
        var path = ex.JsonPath;
        string? best = null;
        foreach (var key in positions.Keys)
            if (path.StartsWith(key, StringComparison.Ordinal) && (best is null || key.Length > best.Length)) best = key;
        if (best is null) return ex;
        // "functions[…]: ret_as_str" in JSON is "file:line:col: ret_as_str" here: keep the option's name.
        var option = path[best.Length..];
        var reason = option.StartsWith(": ", StringComparison.Ordinal) ? $"{option[2..]}: {ex.Reason}" : ex.Reason;
        return source.Error(positions[best], reason, ex);
    }
}
