using System.Text;
using System.Text.Json;

namespace Ffi.Spec;

/// <summary>
/// A parsed JSON value of a spec: what <see cref="SpecReader"/> and <see cref="JsonObjectReader"/> read, with the
/// members of <see cref="JsonElement"/> they use. Built by one pass of <see cref="Utf8JsonReader"/> (the reader
/// <see cref="JsonDocument"/> uses too, so a syntax error has the same message and position), into plain classes:
/// <see cref="JsonDocument"/>'s metadata rows are generic code over value types that the JIT compiles in every process,
/// before the first spec is read (docs/benchmarks.md, cold start).
/// </summary>
internal sealed class SpecJson
{
    private static readonly SpecJson[] NoItems = [];
    private static readonly SpecJsonProperty[] NoProperties = [];

    private readonly string? _text;      // a string's text; null when it does not decode (see InvalidText)
    private readonly string _raw;        // the JSON as written (a string with its quotes), for messages
    private readonly long? _integer;     // a number that is a 64-bit integer
    private readonly SpecJson[] _items = NoItems;
    private readonly SpecJsonProperty[] _properties = NoProperties;

    internal SpecJson(JsonValueKind kind, string raw, string? text = null, long? integer = null)
    {
        ValueKind = kind;
        _raw = raw;
        _text = text;
        _integer = integer;
    }

    internal SpecJson(SpecJson[] items) : this(JsonValueKind.Array, "") => _items = items;

    internal SpecJson(SpecJsonProperty[] properties) : this(JsonValueKind.Object, "") => _properties = properties;

    /// <summary>The JSON kind.</summary>
    public JsonValueKind ValueKind { get; }

    /// <summary>
    /// Parses a whole document; a syntax error is the <see cref="JsonException"/> the reader throws. A document in the
    /// plain subset a spec is usually written in goes through <see cref="SpecJsonFastReader"/>, which does not load
    /// <c>System.Text.Json</c>'s reader at all (its first use costs a process about 30 ms); anything else, and every
    /// error, goes through <see cref="Utf8JsonReader"/>.
    /// </summary>
    public static SpecJson Parse(ReadOnlySpan<byte> utf8, JsonReaderOptions options) =>
        SpecJsonFastReader.TryParse(utf8, options.MaxDepth) ?? ParseWithReader(utf8, options);

    /// <summary>Parses with <see cref="Utf8JsonReader"/> (every document; the fast reader's results must equal these).</summary>
    internal static SpecJson ParseWithReader(ReadOnlySpan<byte> utf8, JsonReaderOptions options)
    {
        var reader = new Utf8JsonReader(utf8, options);
        reader.Read();
        var root = ReadValue(ref reader);
        // Only whitespace and comments may follow the root value: the reader throws for anything else.
        while (reader.Read()) { }
        return root;
    }

    /// <summary>A string's text (as <see cref="JsonElement.GetString"/>: an escape that decodes to an unpaired surrogate throws).</summary>
    /// <exception cref="InvalidOperationException">The string does not decode.</exception>
    public string GetString() =>
        ValueKind != JsonValueKind.String ? throw new InvalidOperationException($"not a string but {ValueKind}")
        : _text ?? throw new InvalidOperationException("the string holds an invalid UTF-16 surrogate");

    /// <summary>A number as a 64-bit integer, when it is one (as <see cref="JsonElement.TryGetInt64"/>).</summary>
    public bool TryGetInt64(out long value)
    {
        value = _integer ?? 0;
        return _integer is not null;
    }

    /// <summary>A number as a 32-bit integer, when it is one (as <see cref="JsonElement.TryGetInt32"/>).</summary>
    public bool TryGetInt32(out int value)
    {
        value = _integer is long n and >= int.MinValue and <= int.MaxValue ? (int)n : 0;
        return _integer is >= int.MinValue and <= int.MaxValue;
    }

    /// <summary>The value as written (strings, numbers, booleans, null).</summary>
    public string GetRawText() => _raw;

    /// <summary>An array's items.</summary>
    public IReadOnlyList<SpecJson> EnumerateArray() => _items;

    /// <summary>An object's properties, in document order.</summary>
    public IReadOnlyList<SpecJsonProperty> EnumerateObject() => _properties;

    /// <summary>An object's number of properties.</summary>
    public int GetPropertyCount() => _properties.Length;

    // The reader is on the value's first token; on return it is on its last.
    private static SpecJson ReadValue(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
            {
                var properties = new List<SpecJsonProperty>();
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = Decode(ref reader);
                    reader.Read();
                    properties.Add(new SpecJsonProperty(name, ReadValue(ref reader)));
                }
                return new SpecJson(properties.ToArray());
            }
            case JsonTokenType.StartArray:
            {
                var items = new List<SpecJson>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray) items.Add(ReadValue(ref reader));
                return new SpecJson(items.ToArray());
            }
            case JsonTokenType.String:
                return new SpecJson(JsonValueKind.String, "\"" + Encoding.UTF8.GetString(reader.ValueSpan) + "\"", Decode(ref reader));
            case JsonTokenType.Number:
                return new SpecJson(JsonValueKind.Number, Encoding.UTF8.GetString(reader.ValueSpan), integer: reader.TryGetInt64(out long n) ? n : null);
            case JsonTokenType.True:
                return new SpecJson(JsonValueKind.True, "true");
            case JsonTokenType.False:
                return new SpecJson(JsonValueKind.False, "false");
            default:
                return new SpecJson(JsonValueKind.Null, "null");
        }
    }

    // A string or property name's text, or null when an escape decodes to an unpaired surrogate (reported where used).
    private static string? Decode(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}

/// <summary>One property of a <see cref="SpecJson"/> object.</summary>
internal sealed class SpecJsonProperty(string? name, SpecJson value)
{
    /// <summary>The key (as <see cref="JsonProperty.Name"/>: one that does not decode throws).</summary>
    /// <exception cref="InvalidOperationException">The key holds an invalid UTF-16 surrogate.</exception>
    public string Name => name ?? throw new InvalidOperationException("the key holds an invalid UTF-16 surrogate");

    /// <summary>The value.</summary>
    public SpecJson Value { get; } = value;
}
