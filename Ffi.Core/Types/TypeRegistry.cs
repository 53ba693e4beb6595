using System.Diagnostics.CodeAnalysis;

namespace Ffi.Types;

/// <summary>
/// The named types of a spec with their layouts: every key of the spec's <c>types</c> (aliases resolved
/// to their target) plus the builtin names the spec does not redeclare. Immutable and safe to share
/// between threads.
/// </summary>
public sealed class TypeRegistry
{
    private readonly Dictionary<string, CType> _declared;
    private readonly HashSet<string> _aliases;
    private readonly bool _cSpellings;

    internal TypeRegistry(IReadOnlyList<KeyValuePair<string, CType>> declared, IEnumerable<string> aliases, bool cSpellings = false)
    {
        _cSpellings = cSpellings;
        // A loop, not LINQ over the pairs: generic code over a value type, compiled by the JIT on a process's first spec.
        _declared = new Dictionary<string, CType>(declared.Count, StringComparer.Ordinal);
        var names = new string[declared.Count];
        for (int i = 0; i < names.Length; i++)
        {
            _declared.Add(declared[i].Key, declared[i].Value);
            names[i] = declared[i].Key;
        }
        _aliases = new HashSet<string>(aliases, StringComparer.Ordinal);
        Names = names;
    }

    /// <summary>A registry holding only the builtin types.</summary>
    public static TypeRegistry BuiltinsOnly { get; } = new([], []);

    /// <summary>The names the spec declares, in spec order (anonymous inline types are not listed).</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>
    /// Looks up a declared or builtin type; a declaration in the spec shadows a builtin of the same name. The registry of
    /// a spec read from C declarations also knows C's spellings of the builtins that need no declaration there: the
    /// names of <c>&lt;stdint.h&gt;</c>, <c>&lt;stddef.h&gt;</c> and <c>&lt;sys/types.h&gt;</c> (<c>int64_t</c>,
    /// <c>size_t</c>) and keyword combinations (<c>unsigned long</c>, <c>long long int</c>).
    /// </summary>
    /// <param name="name">A type name.</param>
    /// <param name="type">The type (for an alias: its resolved target), when found.</param>
    /// <returns>Whether the name is known.</returns>
    public bool TryGet(string name, [NotNullWhen(true)] out CType? type) =>
        _declared.TryGetValue(name, out type) || BuiltinTypes.TryGet(name, out type)
        || (_cSpellings && Spec.C.CTypeNames.TryBuiltin(name, out var builtin) && BuiltinTypes.TryGet(builtin, out type));

    /// <summary>Gets a declared or builtin type by name.</summary>
    /// <param name="name">A type name.</param>
    /// <exception cref="FfiNameException">No type has that name (the message suggests the nearest names).</exception>
    public CType this[string name] =>
        TryGet(name, out var t) ? t : throw FfiNameException.UnknownType(name, _declared.Keys.Concat(BuiltinTypes.All.Keys));

    /// <summary>Whether the spec declares <paramref name="name"/> (as opposed to it being a builtin or unknown).</summary>
    /// <param name="name">A type name.</param>
    public bool IsDeclared(string name) => _declared.ContainsKey(name);

    /// <summary>Whether the spec declares <paramref name="name"/> as an alias of another type.</summary>
    /// <param name="name">A type name.</param>
    public bool IsAlias(string name) => _aliases.Contains(name);
}
