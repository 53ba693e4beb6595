using System.Runtime.CompilerServices;

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

    // Two fields serve every kind, so that a node is 48 bytes, not 64: a spec of 1,000 functions is some 4,000 nodes,
    // and on a process's first spec every page of new memory is a page fault (docs/benchmarks.md, cold start).
    private readonly object? _value;     // a string's text (null when it does not decode, see InvalidText); an array's or object's items
    private readonly object? _extra;     // a scalar's JSON as written (null when it is derived from the value); an object's keys
    private readonly long _integer;      // a number that is a 64-bit integer (_hasInteger)
    private readonly bool _hasInteger;

    /// <summary>A scalar: <paramref name="raw"/> is the text as written, or null when it is the plain form of the value (a string without escapes, a literal).</summary>
    internal SpecJson(SpecJsonKind kind, string? raw, string? text = null, long? integer = null)
    {
        ValueKind = kind;
        _extra = raw;
        _value = text;
        _integer = integer ?? 0;
        _hasInteger = integer is not null;
    }

    internal SpecJson(SpecJson[] items)
    {
        ValueKind = SpecJsonKind.Array;
        _value = items;
    }

    /// <summary>An object: its keys (null for one that does not decode) and their values, in document order.</summary>
    internal SpecJson(string?[] keys, SpecJson[] values)
    {
        ValueKind = SpecJsonKind.Object;
        _value = values;
        _extra = keys;
    }

    /// <summary>The JSON kind.</summary>
    public SpecJsonKind ValueKind { get; }

    private string? StringText => ValueKind == SpecJsonKind.String ? Unsafe.As<string>(_value) : null;
    private string? WrittenText => ValueKind is SpecJsonKind.Array or SpecJsonKind.Object ? "" : Unsafe.As<string>(_extra);

    /// <summary>An array's items, or an object's values in document order (empty for anything else).</summary>
    public SpecJson[] Items => ValueKind is SpecJsonKind.Array or SpecJsonKind.Object ? Unsafe.As<SpecJson[]>(_value!) : NoItems;

    /// <summary>
    /// An object's keys in document order, each the key of the value at the same index of <see cref="Items"/>; null for
    /// a key whose escape decodes to an unpaired surrogate (empty for anything else). Objects with the same keys may
    /// share one array: never write to it.
    /// </summary>
    public string?[] Keys => ValueKind == SpecJsonKind.Object ? Unsafe.As<string?[]>(_extra!) : NoKeys;

    /// <summary>A string's text (as <see cref="System.Text.Json.JsonElement.GetString"/>: an escape that decodes to an unpaired surrogate throws).</summary>
    /// <exception cref="InvalidOperationException">Not a string, or the string does not decode.</exception>
    public string GetString() =>
        ValueKind != SpecJsonKind.String ? throw new InvalidOperationException($"not a string but {ValueKind}")
        : StringText ?? throw new InvalidOperationException("the string holds an invalid UTF-16 surrogate");

    /// <summary>A string's text; false when an escape decodes to an unpaired surrogate (or the value is not a string).</summary>
    public bool TryGetString(out string text)
    {
        text = ValueKind == SpecJsonKind.String ? StringText ?? "" : "";
        return ValueKind == SpecJsonKind.String && StringText is not null;
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
    public string GetRawText() => WrittenText ?? ValueKind switch
    {
        SpecJsonKind.String => "\"" + StringText + "\"",
        SpecJsonKind.True => "true",
        SpecJsonKind.False => "false",
        SpecJsonKind.Null => "null",
        _ => "",
    };
}

