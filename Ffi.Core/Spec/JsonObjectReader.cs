namespace Ffi.Spec;

/// <summary>
/// Reads the keys of one JSON object with the spec's rules: duplicate keys are errors, a known key of
/// the wrong JSON kind is an error naming the key, and an unknown key is an error with a did-you-mean
/// (<see cref="RejectUnknownKeys"/>; the original ignored them, so a typo such as <c>"ret_as_string"</c> did nothing).
/// Child paths are the object's path, a separator and the key: <c>types.point</c> for type objects and
/// <c>functions[3] (crc32): ret</c> for functions, matching the paths docs/spec-format.md shows; they are written out
/// only for messages (<see cref="SpecPath"/>). A struct: one is made per object of the spec, and a spec of 1,000
/// functions should not allocate 1,000 of them (docs/benchmarks.md, cold start); pass it by <c>in</c>.
/// </summary>
internal struct JsonObjectReader
{
    // Up to this many keys, a key is found by comparing it with each (a function has three to six): no dictionary
    // to build per object. Larger objects (a spec's "types", "constants") get one.
    private const int LinearKeys = 8;

    private readonly string?[] _keys;       // none null: Open checked
    private readonly SpecJson[] _values;
    private readonly Dictionary<string, int>? _index;

    private JsonObjectReader(SpecPath path, string separator, SpecJson element, Dictionary<string, int>? index)
    {
        Path = path;
        Separator = separator;
        _keys = element.Keys;
        _values = element.Items;
        _index = index;
    }

    public SpecPath Path { get; private set; }

    /// <summary>What comes between <see cref="Path"/> and a key in a child's path: <c>"."</c>, <c>": "</c>, or nothing at the root.</summary>
    public string Separator { get; private set; }

    /// <summary>Opens <paramref name="element"/> as an object or throws naming <paramref name="what"/>.</summary>
    public static JsonObjectReader Open(SpecJson element, SpecPath path, string what, string separator = ".", string duplicateNoun = "key")
    {
        if (element.ValueKind != SpecJsonKind.Object)
            throw new FfiSpecException(path, $"{what} must be a JSON object, not {Describe(element)}");
        var keys = element.Keys;
        foreach (var key in keys)
            if (key is null) throw new FfiSpecException(path, $"invalid key: {InvalidStringReason}");
        Dictionary<string, int>? index = null;
        if (keys.Length > LinearKeys)
        {
            index = new Dictionary<string, int>(keys.Length, StringComparer.Ordinal); // sized once: no rehash
            for (int i = 0; i < keys.Length; i++)
                if (!index.TryAdd(keys[i]!, i)) throw Duplicate(path, separator, keys[i]!, duplicateNoun);
        }
        else
        {
            for (int i = 1; i < keys.Length; i++)
                for (int j = 0; j < i; j++)
                    if (keys[i] == keys[j]) throw Duplicate(path, separator, keys[i]!, duplicateNoun);
        }
        return new JsonObjectReader(path, separator, element, index);
    }

    private static FfiSpecException Duplicate(SpecPath path, string separator, string name, string noun) =>
        new(path.Key(separator, name), $"duplicate {noun} \"{name}\"");

    /// <summary>The keys in document order.</summary>
    public IReadOnlyList<string> Keys => _keys!;

    /// <summary>Names the object anew once its name is known (<c>functions[3]</c> becomes <c>functions[3] (crc32)</c>).</summary>
    public void Rename(SpecPath path, string separator)
    {
        Path = path;
        Separator = separator;
    }

    /// <summary>The path of a child key: <c>types.point</c>, or <c>types["my type"]</c> for a key that is not an identifier.</summary>
    public SpecPath ChildPath(string key) => Path.Key(Separator, key);

    public bool Has(string key) => Find(key) >= 0;

    private int Find(string key)
    {
        if (_index is not null) return _index.TryGetValue(key, out int at) ? at : -1;
        for (int i = 0; i < _keys.Length; i++)
            if (_keys[i] == key) return i;
        return -1;
    }

    /// <summary>The prefix of keys left free for a spec's own annotations (<c>"x-origin": "zlib.h"</c>), as OpenAPI does.</summary>
    public const string AnnotationPrefix = "x-";

    /// <summary>
    /// Throws for the first key (in document order) that is not one of <paramref name="allowed"/> and does not start
    /// with <see cref="AnnotationPrefix"/>: <c>functions[0] (f): ret_as_string: unknown key "ret_as_string" in a
    /// function (did you mean "ret_as_str"?)</c>, or, with nothing close, the list of the keys <paramref name="what"/> takes.
    /// </summary>
    public void RejectUnknownKeys(string what, params string[] allowed)
    {
        foreach (var key in _keys)
        {
            if (key is null) continue; // Open refused these
            if (Array.IndexOf(allowed, key) >= 0 || key.StartsWith(AnnotationPrefix, StringComparison.Ordinal)) continue;
            throw UnknownKey(what, allowed, key);
        }
    }

    private FfiSpecException UnknownKey(string what, string[] allowed, string key)
    {
        var hint = Suggest.DidYouMean(key, allowed);
        if (hint.Length == 0)
            hint = allowed.Length == 0 ? $" ({what} takes no other keys)"
                : allowed.Length == 1 ? $" (expected {allowed[0]})"
                : $" (expected {string.Join(", ", allowed[..^1])} or {allowed[^1]})";
        return new FfiSpecException(ChildPath(key), $"unknown key \"{key}\" in {what}{hint}");
    }

    public bool TryGet(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out SpecJson value)
    {
        int at = Find(key);
        value = at >= 0 ? _values[at] : null;
        return at >= 0;
    }

    /// <summary>The value of a key of <see cref="Keys"/>.</summary>
    public SpecJson Get(string key) => _values[Find(key)];

    public SpecJson Required(string key, string what)
    {
        if (!TryGet(key, out var v))
            throw new FfiSpecException(Path, $"missing required key \"{key}\" ({what})");
        return v;
    }

    public string RequiredString(string key)
    {
        var v = Required(key, "a string");
        return v.ValueKind == SpecJsonKind.String ? Text(v, key) : throw WrongKind(key, v, "a string");
    }

    public string? OptionalString(string key)
    {
        if (!TryGet(key, out var v) || v.ValueKind == SpecJsonKind.Null) return null;
        return v.ValueKind == SpecJsonKind.String ? Text(v, key) : throw WrongKind(key, v, "a string");
    }

    // A key's string: its path is written out only if the string does not decode.
    private string Text(SpecJson v, string key) => v.TryGetString(out var text) ? text : Text(v, ChildPath(key));

    public bool RequiredBool(string key)
    {
        var v = Required(key, "true or false");
        return v.ValueKind switch
        {
            SpecJsonKind.True => true,
            SpecJsonKind.False => false,
            _ => throw WrongKind(key, v, "true or false"),
        };
    }

    public bool OptionalBool(string key)
    {
        if (!TryGet(key, out var v) || v.ValueKind == SpecJsonKind.Null) return false;
        return v.ValueKind switch
        {
            SpecJsonKind.True => true,
            SpecJsonKind.False => false,
            _ => throw WrongKind(key, v, "true or false"),
        };
    }

    public long? OptionalInteger(string key, long min, long max)
    {
        if (!TryGet(key, out var v) || v.ValueKind == SpecJsonKind.Null) return null;
        return Integer(v, ChildPath(key), min, max);
    }

    public SpecJson RequiredArray(string key)
    {
        var v = Required(key, "an array");
        return v.ValueKind == SpecJsonKind.Array ? v : throw WrongKind(key, v, "an array");
    }

    public IReadOnlyList<string> OptionalStringArray(string key)
    {
        if (!TryGet(key, out var v) || v.ValueKind == SpecJsonKind.Null) return [];
        if (v.ValueKind != SpecJsonKind.Array) throw WrongKind(key, v, "an array of strings");
        var items = v.Items;
        var list = new string[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            var e = items[i];
            var itemPath = ChildPath(key).Item("", i);
            var text = e.ValueKind == SpecJsonKind.String ? Text(e, itemPath) : "";
            if (text.Length == 0)
                throw new FfiSpecException(itemPath, $"must be a non-empty string, not {Describe(e)}");
            list[i] = text;
        }
        return list;
    }

    private const string InvalidStringReason = "an escape decodes to an unpaired UTF-16 surrogate (such as \"\\ud800\")";

    /// <summary>The text of a JSON string; an escape that decodes to an unpaired surrogate is an error at <paramref name="path"/>.</summary>
    public static string Text(SpecJson v, SpecPath path) =>
        v.TryGetString(out var text) ? text : throw new FfiSpecException(path, $"invalid string: {InvalidStringReason}");

    public static long Integer(SpecJson v, SpecPath path, long min, long max)
    {
        if (v.ValueKind != SpecJsonKind.Number || !v.TryGetInt64(out long n))
            throw new FfiSpecException(path, $"must be an integer from {min} to {max}, not {Describe(v)}");
        if (n < min || n > max)
            throw new FfiSpecException(path, $"must be an integer from {min} to {max}, not {n}");
        return n;
    }

    public FfiSpecException WrongKind(string key, SpecJson v, string expected) =>
        new(ChildPath(key), $"must be {expected}, not {Describe(v)}");

    /// <summary>A short description of a JSON value for messages: <c>a number (3.5)</c>, <c>an object</c>…</summary>
    public static string Describe(SpecJson v) => v.ValueKind switch
    {
        SpecJsonKind.Object => "an object",
        SpecJsonKind.Array => "an array",
        SpecJsonKind.String => $"a string ({Truncate(v.GetRawText())})",
        SpecJsonKind.Number => $"a number ({Truncate(v.GetRawText())})",
        SpecJsonKind.True or SpecJsonKind.False => $"a boolean ({v.GetRawText()})",
        SpecJsonKind.Null => "null",
        _ => "nothing",
    };

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..37] + "...";
}
