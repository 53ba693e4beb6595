namespace Ffi.Spec.C;

/// <summary>
/// Narrows <see cref="CDeclarations"/> to what a <see cref="CHeaderFilter"/> keeps: declarations made in the named
/// headers (by their line markers) whose names match the prefix, then every typedef and tag they reach, from
/// whatever file (zlib.h's functions need zconf.h's <c>uLong</c>).
/// </summary>
internal static class CDeclarationFilter
{
    public static CDeclarations Apply(CDeclarations all, CHeaderFilter filter)
    {
        bool Named(string name) => filter.NamePrefix is not { } p || BareName(name).StartsWith(p, StringComparison.Ordinal);
        bool Kept(SourcePosition at, string name) => filter.KeepFile(at.File) && Named(name);

        var kept = new CDeclarations();
        var reached = new HashSet<string>(StringComparer.Ordinal);
        var work = new Stack<CDeclType>();
        foreach (var f in all.Functions.Where(f => Kept(f.At, f.Name))) { kept.Functions.Add(f); work.Push(f.Type); }
        foreach (var v in all.Variables.Where(v => Kept(v.At, v.Name))) { kept.Variables.Add(v); work.Push(v.Type); }
        foreach (var key in all.TypeOrder)
        {
            var at = all.Typedefs.TryGetValue(key, out var t) ? t.At : all.Tags[key]?.At;
            if (at is { } pos && Kept(pos, key) && reached.Add(key)) work.Push(all.Typedefs.TryGetValue(key, out var td) ? td : all.Tags[key]!);
        }
        while (work.TryPop(out var type)) Reach(type, all, reached, work);

        foreach (var key in all.TypeOrder.Where(reached.Contains))
        {
            kept.TypeOrder.Add(key);
            if (all.Typedefs.TryGetValue(key, out var td)) kept.Typedefs[key] = td;
            else kept.Tags[key] = all.Tags[key];
            if (all.TypedefAligns.TryGetValue(key, out int aligned)) kept.TypedefAligns[key] = aligned;
            if (all.TypeAnnotations.TryGetValue(key, out var notes)) kept.TypeAnnotations[key] = notes;
        }
        kept.Constants.AddRange(all.Constants.Where(c => Kept(c.At, c.Name)));
        kept.Notes.AddRange(all.Notes.Where(n => filter.KeepFile(n[..Math.Max(0, n.IndexOf(':'))])));
        return kept;
    }

    private static string BareName(string key) => key.StartsWith("struct ", StringComparison.Ordinal) || key.StartsWith("union ", StringComparison.Ordinal)
        || key.StartsWith("enum ", StringComparison.Ordinal) ? key[(key.IndexOf(' ') + 1)..] : key;

    private static void Reach(CDeclType type, CDeclarations all, HashSet<string> reached, Stack<CDeclType> work)
    {
        switch (type)
        {
            case CTypedefRef r when all.Typedefs.TryGetValue(r.Name, out var t):
                if (reached.Add(r.Name)) work.Push(t);
                break;
            case CTagRef tag when all.Tags.TryGetValue(tag.Key, out var body):
                if (reached.Add(tag.Key) && body is not null) work.Push(body);
                break;
            case CPointer p: work.Push(p.To); break;
            case CArray a: work.Push(a.Of); break;
            case CFunction f:
                work.Push(f.Ret);
                foreach (var p in f.Params) work.Push(p.Type);
                break;
            case CAggregate g:
                foreach (var m in g.Members) work.Push(m.Type);
                break;
        }
    }
}
