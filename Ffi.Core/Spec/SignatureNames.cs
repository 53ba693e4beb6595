using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Ffi.Spec;

/// <summary>
/// The type names written in the signatures of one document's functions, each read once: <c>"int"</c> in a thousand
/// signatures is one <see cref="NameRefSyntax"/>, whose path is <see cref="SpecPath.InSignature"/> (the function gives
/// the place, <see cref="FunctionSyntax.PathOf"/>). The fast JSON reader makes one node per short string of a document,
/// so a name is found by its node: a small table keyed by reference, where a collision only means a name read twice.
/// Not thread-safe: one per reading.
/// </summary>
internal sealed class SignatureNames
{
    private const int Slots = 16; // a power of two
    private readonly SpecJson?[] _nodes = new SpecJson?[Slots];
    private readonly NameRefSyntax?[] _names = new NameRefSyntax?[Slots];

    /// <summary>
    /// The shared name for a JSON string that names a type; false for anything else (a type object, another JSON kind,
    /// an empty name, text that does not decode), which the caller reads with its path, for the message.
    /// </summary>
    public bool TryGet(SpecJson node, [NotNullWhen(true)] out NameRefSyntax? name)
    {
        int slot = RuntimeHelpers.GetHashCode(node) & (Slots - 1);
        if (ReferenceEquals(_nodes[slot], node))
        {
            name = _names[slot]!;
            return true;
        }
        if (!node.TryGetString(out var text) || text.Length == 0)
        {
            name = null;
            return false;
        }
        name = new NameRefSyntax(SpecPath.InSignature, text);
        _nodes[slot] = node;
        _names[slot] = name;
        return true;
    }

    private TypeSyntax[] _lastParams = [];

    /// <summary>
    /// The previous function's parameter list when <paramref name="items"/> names the same types (functions of one
    /// signature often come in a row: they share one list, never written after reading, and a large spec makes a page
    /// less of new memory per 100 functions).
    /// </summary>
    public bool TryReuse(SpecJson[] items, [NotNullWhen(true)] out TypeSyntax[]? ps)
    {
        ps = items.Length == 0 ? [] : _lastParams;
        if (items.Length != ps.Length) return false;
        for (int i = 0; i < items.Length; i++)
            if (!TryGet(items[i], out var name) || !ReferenceEquals(name, ps[i])) return false;
        return true;
    }

    /// <summary>The parameter list <see cref="TryReuse"/> compares the next function's with.</summary>
    public void Remember(TypeSyntax[] ps) => _lastParams = ps;
}