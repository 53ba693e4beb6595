using System.Text;
using System.Text.Json;

namespace Ffi.Spec;

/// <summary>
/// Reads a spec document with <see cref="Utf8JsonReader"/>: every document <see cref="SpecJsonFastReader"/> declines
/// (comments, fractions, surrogate escapes, anything invalid), so every syntax error is worded by
/// <c>System.Text.Json</c>, with its line and byte. Kept apart from <see cref="SpecJson"/> so that a plain spec never
/// loads <c>System.Text.Json</c>.
/// </summary>
internal static class SpecJsonFullReader
{
    /// <summary>The deepest nesting a spec may have.</summary>
    public const int MaxDepth = 256;

    private static JsonReaderOptions Options => new()
    {
        MaxDepth = MaxDepth,
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = false,
    };

    /// <summary>
    /// Parses a whole document; a syntax error is an <see cref="FfiSpecException"/> at <c>$</c>, naming line and byte
    /// when <paramref name="position"/> (a document; a one-line type standing alone names neither).
    /// </summary>
    public static SpecJson Parse(ReadOnlySpan<byte> utf8, bool position = true)
    {
        try
        {
            return ParseWithReader(utf8);
        }
        catch (JsonException ex)
        {
            var where = position && ex.LineNumber is long line ? $" at line {line + 1}, byte {ex.BytePositionInLine + 1}" : "";
            throw new FfiSpecException("$", $"invalid JSON{where}: {FirstSentence(ex.Message)}", ex);
        }
    }

    /// <summary>Parses with <see cref="Utf8JsonReader"/>; a syntax error is its <see cref="JsonException"/> (the fast reader's results must equal these).</summary>
    internal static SpecJson ParseWithReader(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, Options);
        reader.Read();
        var root = ReadValue(ref reader);
        // Only whitespace and comments may follow the root value: the reader throws for anything else.
        while (reader.Read()) { }
        return root;
    }

    private static string FirstSentence(string message)
    {
        int cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd();
    }

    // The reader is on the value's first token; on return it is on its last.
    private static SpecJson ReadValue(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
            {
                var keys = new List<string?>();
                var values = new List<SpecJson>();
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    keys.Add(Decode(ref reader));
                    reader.Read();
                    values.Add(ReadValue(ref reader));
                }
                return new SpecJson(keys.ToArray(), values.ToArray());
            }
            case JsonTokenType.StartArray:
            {
                var items = new List<SpecJson>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray) items.Add(ReadValue(ref reader));
                return new SpecJson(items.ToArray());
            }
            case JsonTokenType.String:
                return new SpecJson(SpecJsonKind.String, "\"" + Encoding.UTF8.GetString(reader.ValueSpan) + "\"", Decode(ref reader));
            case JsonTokenType.Number:
                return new SpecJson(SpecJsonKind.Number, Encoding.UTF8.GetString(reader.ValueSpan), integer: reader.TryGetInt64(out long n) ? n : null);
            case JsonTokenType.True:
                return new SpecJson(SpecJsonKind.True, null);
            case JsonTokenType.False:
                return new SpecJson(SpecJsonKind.False, null);
            default:
                return new SpecJson(SpecJsonKind.Null, null);
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
