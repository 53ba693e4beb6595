using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Ffi.Spec;

/// <summary>
/// The JSON path of a place in a spec (<c>types.point.fields[1].type</c>, <c>functions[3] (crc32): param[1]</c>),
/// written out only when a message needs it. Every syntax node carries its path, and a spec of 1,000 functions has
/// thousands of them, nearly all never read: formatting each as a string cost the spec reader a third of its time
/// and allocations (docs/benchmarks.md, cold start). A path is a parent and one step; its text is made once, on demand.
/// </summary>
internal sealed class SpecPath
{
    private enum Step : byte { Text, Key, Item, Named }

    // Names in paths stay readable: only quotes, backslashes and control characters are escaped. A static of its own
    // class, so that the encoder is made only when a key needs quoting.
    private static class Quoting
    {
        public static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
    }

    private readonly SpecPath? _parent;
    private readonly Step _step;
    private readonly string _part;   // the text; a key's separator and key; an item's label; a name
    private readonly string _key = "";
    private readonly int _index;
    private string? _text;

    private SpecPath(SpecPath? parent, Step step, string part, string key = "", int index = 0)
    {
        _parent = parent;
        _step = step;
        _part = part;
        _key = key;
        _index = index;
    }

    /// <summary>The document itself, <c>$</c>.</summary>
    public static readonly SpecPath Root = new(null, Step.Text, "$");

    /// <summary>
    /// The path of a type name shared by the signatures of a document's functions: it has no place of its own, the
    /// function that uses it gives one (<see cref="FunctionSyntax.PathOf"/>). Compared by reference.
    /// </summary>
    public static readonly SpecPath InSignature = new(null, Step.Text, "(a function signature)");

    /// <summary>A path written out already (<c>"types"</c>, or one made by the C reader).</summary>
    public static SpecPath Of(string text) => new(null, Step.Text, text);

    /// <summary>A path written out already.</summary>
    public static implicit operator SpecPath(string text) => Of(text);

    /// <summary>
    /// A key under this path after <paramref name="separator"/>: <c>types.point</c> (<c>"."</c>; a key that is not an
    /// identifier is quoted, <c>types["my type"]</c>), <c>functions[3] (crc32): ret</c> (<c>": "</c>); under the
    /// document (an empty separator), the key alone.
    /// </summary>
    public SpecPath Key(string separator, string key) => new(this, Step.Key, separator, key);

    /// <summary>An item: <c>functions[3]</c> (an empty label), <c>…: param[1]</c> (label <c>": param"</c>).</summary>
    public SpecPath Item(string label, int index) => new(this, Step.Item, label, index: index);

    /// <summary>This path with the name of what it holds: <c>functions[3] (crc32)</c>.</summary>
    public SpecPath Named(string name) => new(this, Step.Named, name);

    /// <summary>The path as messages show it.</summary>
    public override string ToString() => _text ??= Format();

    private string Format()
    {
        var parent = _parent?.ToString() ?? "";
        switch (_step)
        {
            case Step.Key:
                if (_part.Length == 0) return _key;
                if (_part == "." && !IsIdentifier(_key)) return $"{parent}[\"{JsonEncodedText.Encode(_key, Quoting.Encoder)}\"]";
                return parent + _part + _key;
            case Step.Item:
                return parent + _part + "[" + _index.ToString(CultureInfo.InvariantCulture) + "]";
            case Step.Named:
                return parent + " (" + _part + ")";
            default:
                return _part;
        }
    }

    private static bool IsIdentifier(string key)
    {
        if (key.Length == 0 || !(char.IsAsciiLetter(key[0]) || key[0] == '_')) return false;
        foreach (var c in key)
            if (!char.IsAsciiLetterOrDigit(c) && c != '_') return false;
        return true;
    }
}
