using System.Text.Json;

namespace Ffi.Spec;

/// <summary>
/// Reads the keys of one JSON object with the spec's rules: duplicate keys are errors, a known key of
/// the wrong JSON kind is an error naming the key, and an unknown key is an error with a did-you-mean
/// (<see cref="RejectUnknownKeys"/>; the original ignored them, so a typo such as <c>"ret_as_string"</c> did nothing).
/// Child paths are <c>Prefix + key</c>; the prefix is <c>"types.point."</c> for type objects and
/// <c>"functions[3] (crc32): "</c> for functions, matching the paths docs/spec-format.md shows.
/// </summary>
internal sealed class JsonObjectReader
{
    // Names in paths stay readable: only quotes, backslashes and control characters are escaped.
    private static readonly System.Text.Encodings.Web.JavaScriptEncoder PathQuoting = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    // Each key's index in document order, into _values: a Dictionary<string, int> is code the runtime already holds
    // precompiled (docs/benchmarks.md, cold start).
    private readonly Dictionary<string, int> _keys;
    private readonly List<string> _order;
    private readonly SpecJson[] _values;

    private JsonObjectReader(string path, string prefix, int count)
    {
        Path = path;
        Prefix = prefix;
        _keys = new Dictionary<string, int>(count, StringComparer.Ordinal); // sized once: no rehash per object
        _order = new List<string>(count);
        _values = new SpecJson[count];
    }

    public string Path { get; private set; }

    public string Prefix { get; private set; }

    /// <summary>Opens <paramref name="element"/> as an object or throws naming <paramref name="what"/>.</summary>
    public static JsonObjectReader Open(SpecJson element, string path, string what, string? prefix = null, string duplicateNoun = "key")
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw new FfiSpecException(path, $"{what} must be a JSON object, not {Describe(element)}");
        var r = new JsonObjectReader(path, prefix ?? path + ".", element.GetPropertyCount());
        foreach (var p in element.EnumerateObject())
        {
            string name;
            try
            {
                name = p.Name;
            }
            catch (InvalidOperationException ex)
            {
                throw new FfiSpecException(path, $"invalid key: {InvalidStringReason}", ex);
            }
            if (!r._keys.TryAdd(name, r._order.Count))
                throw new FfiSpecException(r.ChildPath(name), $"duplicate {duplicateNoun} \"{name}\"");
            r._values[r._order.Count] = p.Value;
            r._order.Add(name);
        }
        return r;
    }

    /// <summary>The keys in document order.</summary>
    public IReadOnlyList<string> Keys => _order;

    public void SetPrefix(string prefix) => Prefix = prefix;

    /// <summary>Names the object anew once its name is known (<c>functions[3]</c> becomes <c>functions[3] (crc32)</c>).</summary>
    public void Rename(string path, string prefix)
    {
        Path = path;
        Prefix = prefix;
    }

    /// <summary>The path of a child key: <c>types.point</c>, or <c>types["my type"]</c> for a key that is not an identifier.</summary>
    public string ChildPath(string key) =>
        Prefix.EndsWith('.') && !IsIdentifier(key) ? $"{Prefix[..^1]}[\"{JsonEncodedText.Encode(key, PathQuoting)}\"]" : Prefix + key;

    private static bool IsIdentifier(string key)
    {
        if (key.Length == 0 || !(char.IsAsciiLetter(key[0]) || key[0] == '_')) return false;
        foreach (var c in key)
            if (!char.IsAsciiLetterOrDigit(c) && c != '_') return false;
        return true;
    }

    public bool Has(string key) => _keys.ContainsKey(key);

    /// <summary>The prefix of keys left free for a spec's own annotations (<c>"x-origin": "zlib.h"</c>), as OpenAPI does.</summary>
    public const string AnnotationPrefix = "x-";

    /// <summary>
    /// Throws for the first key (in document order) that is not one of <paramref name="allowed"/> and does not start
    /// with <see cref="AnnotationPrefix"/>: <c>functions[0] (f): ret_as_string: unknown key "ret_as_string" in a
    /// function (did you mean "ret_as_str"?)</c>, or, with nothing close, the list of the keys <paramref name="what"/> takes.
    /// </summary>
    public void RejectUnknownKeys(string what, params string[] allowed)
    {
        foreach (var key in _order)
        {
            if (Array.IndexOf(allowed, key) >= 0 || key.StartsWith(AnnotationPrefix, StringComparison.Ordinal)) continue;
            var hint = Suggest.DidYouMean(key, allowed);
            if (hint.Length == 0)
                hint = allowed.Length == 0 ? $" ({what} takes no other keys)"
                    : allowed.Length == 1 ? $" (expected {allowed[0]})"
                    : $" (expected {string.Join(", ", allowed[..^1])} or {allowed[^1]})";
            throw new FfiSpecException(ChildPath(key), $"unknown key \"{key}\" in {what}{hint}");
        }
    }

    public bool TryGet(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out SpecJson value)
    {
        if (_keys.TryGetValue(key, out int at))
        {
            value = _values[at];
            return true;
        }
        value = null;
        return false;
    }

    /// <summary>The value of a key of <see cref="Keys"/>.</summary>
    public SpecJson Get(string key) => _values[_keys[key]];

    public SpecJson Required(string key, string what)
    {
        if (!TryGet(key, out var v))
            throw new FfiSpecException(Path, $"missing required key \"{key}\" ({what})");
        return v;
    }

    public string RequiredString(string key)
    {
        var v = Required(key, "a string");
        return v.ValueKind == JsonValueKind.String ? Text(v, ChildPath(key)) : throw WrongKind(key, v, "a string");
    }

    public string? OptionalString(string key)
    {
        if (!TryGet(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.String ? Text(v, ChildPath(key)) : throw WrongKind(key, v, "a string");
    }

    public bool RequiredBool(string key)
    {
        var v = Required(key, "true or false");
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw WrongKind(key, v, "true or false"),
        };
    }

    public bool OptionalBool(string key)
    {
        if (!TryGet(key, out var v) || v.ValueKind == JsonValueKind.Null) return false;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw WrongKind(key, v, "true or false"),
        };
    }

    public long? OptionalInteger(string key, long min, long max)
    {
        if (!TryGet(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return Integer(v, ChildPath(key), min, max);
    }

    public SpecJson RequiredArray(string key)
    {
        var v = Required(key, "an array");
        return v.ValueKind == JsonValueKind.Array ? v : throw WrongKind(key, v, "an array");
    }

    public IReadOnlyList<string> OptionalStringArray(string key)
    {
        if (!TryGet(key, out var v) || v.ValueKind == JsonValueKind.Null) return [];
        if (v.ValueKind != JsonValueKind.Array) throw WrongKind(key, v, "an array of strings");
        var list = new List<string>();
        int i = 0;
        foreach (var e in v.EnumerateArray())
        {
            var itemPath = $"{ChildPath(key)}[{i}]";
            var text = e.ValueKind == JsonValueKind.String ? Text(e, itemPath) : "";
            if (text.Length == 0)
                throw new FfiSpecException(itemPath, $"must be a non-empty string, not {Describe(e)}");
            list.Add(text);
            i++;
        }
        return list;
    }

    private const string InvalidStringReason = "an escape decodes to an unpaired UTF-16 surrogate (such as \"\\ud800\")";

    /// <summary>The text of a JSON string; an escape that decodes to an unpaired surrogate is an error at <paramref name="path"/>.</summary>
    public static string Text(SpecJson v, string path)
    {
        try
        {
            return v.GetString()!;
        }
        catch (InvalidOperationException ex)
        {
            throw new FfiSpecException(path, $"invalid string: {InvalidStringReason}", ex);
        }
    }

    public static long Integer(SpecJson v, string path, long min, long max)
    {
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out long n))
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
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"a string ({Truncate(v.GetRawText())})",
        JsonValueKind.Number => $"a number ({Truncate(v.GetRawText())})",
        JsonValueKind.True or JsonValueKind.False => $"a boolean ({v.GetRawText()})",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..37] + "...";
}
