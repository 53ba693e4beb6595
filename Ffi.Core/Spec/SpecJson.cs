namespace Ffi.Spec;

/// <summary>
/// A parsed JSON value of a spec: what <see cref="SpecReader"/> and <see cref="JsonObjectReader"/> read. Made by
/// <see cref="SpecJsonFastReader"/> for the plain documents specs are written as, else by <see cref="SpecJsonFullReader"/>
/// (<c>System.Text.Json</c>'s reader), into plain classes that hold no <c>System.Text.Json</c> type: reading a plain spec
/// never loads that assembly (docs/benchmarks.md, cold start). Values are immutable, so one node may stand for every
/// equal string of a document.
/// </summary>
internal sealed class SpecJson
{
    private static readonly SpecJson[] NoItems = [];
    private static readonly string?[] NoKeys = [];

    private readonly string? _text;      // a string's text; null when it does not decode (see InvalidText)
    private readonly string? _raw;       // the JSON as written, for messages; null when it is derived from the value
    private readonly long _integer;      // a number that is a 64-bit integer (HasInteger)
    private readonly bool _hasInteger;

    /// <summary>A scalar: <paramref name="raw"/> is the text as written, or null when it is the plain form of the value (a string without escapes, a literal).</summary>
    internal SpecJson(SpecJsonKind kind, string? raw, string? text = null, long? integer = null)
    {
        ValueKind = kind;
        _raw = raw;
        _text = text;
        _integer = integer ?? 0;
        _hasInteger = integer is not null;
    }

    internal SpecJson(SpecJson[] items) : this(SpecJsonKind.Array, "") => Items = items;

    /// <summary>An object: its keys (null for one that does not decode) and their values, in document order.</summary>
    internal SpecJson(string?[] keys, SpecJson[] values) : this(SpecJsonKind.Object, "")
    {
        Keys = keys;
        Items = values;
    }

    /// <summary>The JSON kind.</summary>
    public SpecJsonKind ValueKind { get; }

    /// <summary>An array's items, or an object's values in document order (empty for anything else).</summary>
    public SpecJson[] Items { get; } = NoItems;

    /// <summary>
    /// An object's keys in document order, each the key of the value at the same index of <see cref="Items"/>; null for
    /// a key whose escape decodes to an unpaired surrogate (empty for anything else). Objects with the same keys may
    /// share one array: never write to it.
    /// </summary>
    public string?[] Keys { get; } = NoKeys;

    /// <summary>A string's text (as <see cref="System.Text.Json.JsonElement.GetString"/>: an escape that decodes to an unpaired surrogate throws).</summary>
    /// <exception cref="InvalidOperationException">Not a string, or the string does not decode.</exception>
    public string GetString() =>
        ValueKind != SpecJsonKind.String ? throw new InvalidOperationException($"not a string but {ValueKind}")
        : _text ?? throw new InvalidOperationException("the string holds an invalid UTF-16 surrogate");

    /// <summary>A string's text; false when an escape decodes to an unpaired surrogate (or the value is not a string).</summary>
    public bool TryGetString(out string text)
    {
        text = ValueKind == SpecJsonKind.String ? _text ?? "" : "";
        return ValueKind == SpecJsonKind.String && _text is not null;
    }

    /// <summary>A number as a 64-bit integer, when it is one (as <see cref="System.Text.Json.JsonElement.TryGetInt64"/>).</summary>
    public bool TryGetInt64(out long value)
    {
        value = _integer;
        return _hasInteger;
    }

    /// <summary>A number as a 32-bit integer, when it is one (as <see cref="System.Text.Json.JsonElement.TryGetInt32"/>).</summary>
    public bool TryGetInt32(out int value)
    {
        bool fits = _hasInteger && _integer is >= int.MinValue and <= int.MaxValue;
        value = fits ? (int)_integer : 0;
        return fits;
    }

    /// <summary>The value as written (strings, numbers, booleans, null; empty for objects and arrays).</summary>
    public string GetRawText() => _raw ?? ValueKind switch
    {
        SpecJsonKind.String => "\"" + _text + "\"",
        SpecJsonKind.True => "true",
        SpecJsonKind.False => "false",
        SpecJsonKind.Null => "null",
        _ => "",
    };
}

