namespace Ffi.Spec.C;

/// <summary>A function prototype as read: its C name, its symbol (an <c>__asm__("…")</c> label wins), type and annotations.</summary>
internal sealed record CFunctionDecl(string Name, CFunction Type, CAnnotations Annotations, SourcePosition At);

internal sealed record CVariableDecl(string Name, CDeclType Type, CAnnotations Annotations, SourcePosition At);

/// <summary>Everything a text declares, in order, before it becomes a spec.</summary>
internal sealed class CDeclarations
{
    /// <summary>Typedef names and tag keys (<c>struct tm</c>) in the order first declared.</summary>
    public List<string> TypeOrder { get; } = [];

    public Dictionary<string, CDeclType> Typedefs { get; } = new(StringComparer.Ordinal);

    /// <summary>Typedefs that raise their type's alignment: <c>typedef int aint __attribute__((aligned(8)));</c>.</summary>
    public Dictionary<string, int> TypedefAligns { get; } = new(StringComparer.Ordinal);

    /// <summary>Tags: their body, or null while only forward-declared (<c>struct sqlite3;</c>).</summary>
    public Dictionary<string, CDeclType?> Tags { get; } = new(StringComparer.Ordinal);

    /// <summary>Annotations given to a typedef or tag (a handle's tag name).</summary>
    public Dictionary<string, CAnnotations> TypeAnnotations { get; } = new(StringComparer.Ordinal);

    public List<CFunctionDecl> Functions { get; } = [];

    public List<CVariableDecl> Variables { get; } = [];

    /// <summary>Enum constants and integer macros, in order of declaration.</summary>
    public List<(string Name, long Value, SourcePosition At)> Constants { get; } = [];

    public List<string> Notes { get; } = [];

    public void DeclareType(string key)
    {
        if (!Typedefs.ContainsKey(key) && !Tags.ContainsKey(key)) TypeOrder.Add(key);
    }
}
