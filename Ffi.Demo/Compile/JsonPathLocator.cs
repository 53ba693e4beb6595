using System.Text.Json;

namespace Ffi.Demo.Compile;

/// <summary>
/// Finds where in a spec's JSON text the value named by an error's path starts, as a 1-based line and column, so that
/// <c>ffi compile</c> can print <c>zlib.json(12,17): error …</c> and an IDE can jump there.
/// </summary>
/// <remarks>
/// Paths are the ones <see cref="FfiSpecException.JsonPath"/> and <c>FfiCompileException.Subject</c> carry:
/// <c>types.point.fields[1].type</c>, <c>types["2d-point"]</c>, <c>functions[3] (crc32): param[1]</c>,
/// <c>variables[0] (errno): type</c>, <c>constants.Z_OK</c>, <c>$</c> for the document. A key is matched as the longest
/// key of the object that the rest of the path starts with (a type may be named <c>a.b</c>); <c>param[N]</c> is
/// <c>params[N]</c>; <c> (name)</c> after an index only repeats the name; <c>[]</c> (an array's element) is <c>"of"</c>
/// and <c>*</c> (a pointee) is <c>"to"</c>. A name that is no key is looked up by <c>"name"</c> among an array's
/// elements (<c>functions.crc32</c>) or a struct's fields (<c>types.point.y</c>). When the path goes on where the JSON does not (a name that refers to a
/// type declared elsewhere), the deepest value found is the answer: the error is still inside it.
/// Columns count characters (Unicode scalar values), as editors do; a byte order mark is not a column.
/// </remarks>
internal static class JsonPathLocator
{
    /// <summary>The line and column (1-based) of the value at <paramref name="path"/>; null when the text is not JSON or no part of the path is in it.</summary>
    public static (int Line, int Column)? Locate(ReadOnlySpan<byte> utf8, string path)
    {
        var text = WithoutBom(utf8);
        var root = Parse(text);
        if (root is null) return null;
        var node = Walk(root, path);
        return node is null ? null : PositionOf(text, node.Offset);
    }

    /// <summary>
    /// The line and column (1-based) of a place a <see cref="JsonException"/> gives (0-based line, 0-based byte in that
    /// line), in characters; null when the exception has no position.
    /// </summary>
    public static (int Line, int Column)? FromReaderPosition(ReadOnlySpan<byte> utf8, JsonException ex)
    {
        if (ex is not { LineNumber: long line, BytePositionInLine: long bytes }) return null;
        var text = WithoutBom(utf8);
        long offset = 0;
        for (long l = 0; l < line && offset < text.Length; offset++)
            if (text[(int)offset] == (byte)'\n') l++;
        return PositionOf(text, (int)Math.Min(text.Length, offset + bytes));
    }

    private static ReadOnlySpan<byte> WithoutBom(ReadOnlySpan<byte> utf8) => utf8.StartsWith("\uFEFF"u8) ? utf8[3..] : utf8;

    // A line counts '\n' (a "\r\n" file has the same lines); a column counts UTF-8 lead bytes, not continuation bytes.
    private static (int Line, int Column) PositionOf(ReadOnlySpan<byte> text, int offset)
    {
        int line = 1, column = 1;
        for (int i = 0; i < offset; i++)
        {
            if (text[i] == (byte)'\n')
            {
                line++;
                column = 1;
            }
            else if ((text[i] & 0xC0) != 0x80) column++;
        }
        return (line, column);
    }

    /// <summary>A JSON value and where it starts: an object's members (the first of duplicate keys), an array's items, a string's text.</summary>
    private sealed class Node(int offset)
    {
        public int Offset { get; } = offset;
        public Dictionary<string, Node>? Members { get; set; }
        public List<Node>? Items { get; set; }
        public string? Text { get; set; }
    }

    private static Node? Parse(ReadOnlySpan<byte> text)
    {
        // As the spec reader reads it: comments allowed, no trailing commas.
        var reader = new Utf8JsonReader(text, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 256 });
        try
        {
            return reader.Read() ? ReadValue(ref reader) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Node ReadValue(ref Utf8JsonReader reader)
    {
        var node = new Node(checked((int)reader.TokenStartIndex));
        if (reader.TokenType == JsonTokenType.StartObject)
        {
            node.Members = new Dictionary<string, Node>(StringComparer.Ordinal);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = reader.GetString()!;
                reader.Read();
                node.Members.TryAdd(key, ReadValue(ref reader));
            }
        }
        else if (reader.TokenType == JsonTokenType.StartArray)
        {
            node.Items = [];
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray) node.Items.Add(ReadValue(ref reader));
        }
        else if (reader.TokenType == JsonTokenType.String) node.Text = reader.GetString();
        return node;
    }

    // Null when not even the first step of the path is in the document (an option such as "--namespace").
    private static Node? Walk(Node root, string path)
    {
        if (path == "$") return root;
        var rest = path.StartsWith('$') ? path[1..] : path;
        var node = root;
        bool moved = false;
        while (true)
        {
            rest = SkipSeparators(rest);
            if (rest.Length == 0) return node;
            var (next, remaining) = Step(node, rest);
            if (next is null) return moved ? node : null;
            node = next;
            rest = remaining;
            moved = true;
        }
    }

    private static string SkipSeparators(string rest)
    {
        while (true)
        {
            if (rest.StartsWith(": ", StringComparison.Ordinal)) rest = rest[2..];
            else if (rest.StartsWith('.')) rest = rest[1..];
            else if (rest.StartsWith(" (", StringComparison.Ordinal) && rest.IndexOf(')', StringComparison.Ordinal) is int close and > 0) rest = rest[(close + 1)..];
            else return rest;
        }
    }

    private static (Node? Next, string Remaining) Step(Node node, string rest)
    {
        if (rest.StartsWith("[]", StringComparison.Ordinal)) return (Member(node, "of"), rest[2..]);
        if (rest.StartsWith('*')) return (Member(node, "to"), rest[1..]);
        if (rest.StartsWith("[\"", StringComparison.Ordinal) && QuotedKey(rest) is ({ } key, int length)) return (Member(node, key), rest[length..]);
        if (rest.StartsWith('[') && Index(rest) is (int index, int used))
            return (node.Items is { } items && index < items.Count ? items[index] : null, rest[used..]);
        if (node.Members is { } members && Longest(members.Keys, rest) is { } member) return (members[member], rest[member.Length..]);
        // "functions[3] (f): param[1]" is the value params[1].
        if (rest.StartsWith("param[", StringComparison.Ordinal)) return (Member(node, "params"), rest["param".Length..]);
        // By name: "functions.crc32" is the element of functions named crc32, "types.point.y" the field y of point.
        var named = node.Items ?? (Member(node, "fields")?.Items);
        if (named is not null && Longest(named.Select(NameOf).OfType<string>(), rest) is { } name)
            return (named.First(n => NameOf(n) == name), rest[name.Length..]);
        return (null, rest);
    }

    private static string? NameOf(Node n) => Member(n, "name")?.Text;

    // The longest of the names that the rest of the path starts with, as a whole step.
    private static string? Longest(IEnumerable<string> names, string rest)
    {
        string? best = null;
        foreach (var k in names)
            if (k.Length > (best?.Length ?? -1) && rest.StartsWith(k, StringComparison.Ordinal) && EndsStep(rest, k.Length)) best = k;
        return best;
    }

    private static bool EndsStep(string rest, int at) => at == rest.Length || rest[at] is '.' or '[' or ':' or ' ' or '*';

    private static Node? Member(Node node, string key) => node.Members is { } m && m.TryGetValue(key, out var n) ? n : null;

    // ["key"]: a JSON string (escapes included) followed by ']'.
    private static (string Key, int Length)? QuotedKey(string rest)
    {
        for (int i = 2; i < rest.Length; i++)
        {
            if (rest[i] == '\\') i++;
            else if (rest[i] == '"')
            {
                if (i + 1 >= rest.Length || rest[i + 1] != ']') return null;
                try
                {
                    return (JsonSerializer.Deserialize<string>(rest[1..(i + 1)])!, i + 2);
                }
                catch (JsonException)
                {
                    return null;
                }
            }
        }
        return null;
    }

    private static (int Index, int Length)? Index(string rest)
    {
        int close = rest.IndexOf(']', StringComparison.Ordinal);
        return close > 1 && int.TryParse(rest.AsSpan(1, close - 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int index)
            ? (index, close + 1) : null;
    }
}
