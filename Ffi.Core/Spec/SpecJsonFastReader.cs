using System.Text;

namespace Ffi.Spec;

/// <summary>
/// A JSON reader for the plain subset a spec is written in: objects, arrays, strings (escapes included, except those
/// to UTF-16 surrogates), integers that fit in 64 bits, <c>true</c>, <c>false</c>, <c>null</c>, and whitespace. It returns null
/// for anything else — a comment, a surrogate escape, a fraction or exponent, a trailing comma, a syntax error, depth past the
/// limit — and the caller parses the document again with <see cref="System.Text.Json.Utf8JsonReader"/>, which gives the same values for
/// everything this accepts and words every error. So the fast path is never the one that decides what is valid.
/// </summary>
/// <remarks>
/// The point is start-up time: the first use of <see cref="System.Text.Json.Utf8JsonReader"/> in a process costs about
/// 30 ms (the assembly, and generic search code the JIT compiles), more than the whole target for loading a spec
/// (docs/benchmarks.md, cold start). The input was checked to be valid UTF-8 before. A spec repeats itself (every
/// function has a "name", "ret" and "params"; most parameters are "int" or a few other names), so short strings
/// without escapes are shared: one string per key, one node per value, for the whole document.
/// </remarks>
internal ref partial struct SpecJsonFastReader
{
    private const int SharedLength = 32;   // strings up to this many bytes are shared
    private const int SharedSlots = 128;   // a power of two
    private const int MaxKeySets = 16;     // key arrays remembered for sharing

    private readonly ReadOnlySpan<byte> _text;
    private readonly int _maxDepth;
    private int _at;
    private int _depth;
    private bool _nonAscii;
    // The properties and items of the objects and arrays being read, innermost last: one list for the whole document
    // rather than one per object.
    private readonly List<string> _keyStack = [];
    private readonly List<SpecJson> _items = [];
    private SpecJson? _lastArray; // the last non-empty array read (SharedArray)
    private SpecJson? _emptyArray;
    // Key arrays already made: objects with the same keys in the same order (every function of a spec, mostly) share one.
    private readonly List<string?[]> _keySets = [];
    private readonly string?[] _keys = new string?[SharedSlots];
    private readonly SpecJson?[] _strings = new SpecJson?[SharedSlots];

    private SpecJsonFastReader(ReadOnlySpan<byte> text, int maxDepth)
    {
        _text = text;
        _maxDepth = maxDepth <= 0 ? 64 : maxDepth;
    }

    /// <summary>The document's value, or null when it is not in the subset (or not valid).</summary>
    public static SpecJson? TryParse(ReadOnlySpan<byte> utf8, int maxDepth) => TryParse(utf8, maxDepth, out _);

    /// <summary>
    /// The document's value, or null when it is not in the subset (or not valid); <paramref name="ascii"/> says whether
    /// every byte it read is ASCII. Only then is the text known to be valid UTF-8 without checking it: a string with
    /// other bytes is decoded leniently here, so the caller checks the whole text first.
    /// </summary>
    public static SpecJson? TryParse(ReadOnlySpan<byte> utf8, int maxDepth, out bool ascii)
    {
        var r = new SpecJsonFastReader(utf8, maxDepth);
        r.SkipWhitespace();
        var root = r.Value();
        r.SkipWhitespace();
        ascii = !r._nonAscii;
        return root is not null && r._at == r._text.Length ? root : null;
    }

    private SpecJson? Value()
    {
        if (_at >= _text.Length) return null;
        switch (_text[_at])
        {
            case (byte)'{': return Object();
            case (byte)'[': return Array();
            case (byte)'"': return StringValue();
            case (byte)'t': return Literal("true"u8) ? new SpecJson(SpecJsonKind.True, null) : null;
            case (byte)'f': return Literal("false"u8) ? new SpecJson(SpecJsonKind.False, null) : null;
            case (byte)'n': return Literal("null"u8) ? new SpecJson(SpecJsonKind.Null, null) : null;
            default: return Integer();
        }
    }

    private SpecJson? Object()
    {
        if (++_depth >= _maxDepth) return null; // at the limit, the full reader decides
        _at++; // {
        int firstKey = _keyStack.Count, first = _items.Count;
        SkipWhitespace();
        if (_at < _text.Length && _text[_at] == '}')
        {
            _at++;
            _depth--;
            return new SpecJson([], []);
        }
        while (true)
        {
            SkipWhitespace();
            if (_at >= _text.Length || _text[_at] != '"') return null;
            if (Key() is not { } name) return null;
            SkipWhitespace();
            if (_at >= _text.Length || _text[_at] != ':') return null;
            _at++;
            SkipWhitespace();
            var value = Value();
            if (value is null) return null;
            _keyStack.Add(name);
            _items.Add(value);
            SkipWhitespace();
            if (_at >= _text.Length) return null;
            if (_text[_at] == ',')
            {
                _at++;
                continue;
            }
            if (_text[_at] != '}') return null;
            _at++;
            _depth--;
            return new SpecJson(KeySet(firstKey), Take(_items, first));
        }
    }

    private SpecJson? Array()
    {
        if (++_depth >= _maxDepth) return null; // at the limit, the full reader decides
        _at++; // [
        int first = _items.Count;
        SkipWhitespace();
        if (_at < _text.Length && _text[_at] == ']')
        {
            _at++;
            _depth--;
            return _emptyArray ??= new SpecJson([]);
        }
        while (true)
        {
            SkipWhitespace();
            var item = Value();
            if (item is null) return null;
            _items.Add(item);
            SkipWhitespace();
            if (_at >= _text.Length) return null;
            if (_text[_at] == ',')
            {
                _at++;
                continue;
            }
            if (_text[_at] != ']') return null;
            _at++;
            _depth--;
            return SharedArray(first);
        }
    }

    // The array of the items from `first` on. An array holding the same nodes as the previous one read is that node
    // again (values are immutable): the "params" of functions of one signature in a row are one node, which saves 88
    // bytes of new memory per function and lets SignatureNames share the parameter list (docs/benchmarks.md).
    private SpecJson SharedArray(int first)
    {
        var last = _lastArray;
        if (last is not null && SameItems(last.Items, first))
        {
            _items.RemoveRange(first, _items.Count - first);
            return last;
        }
        return _lastArray = new SpecJson(Take(_items, first));
    }

    private bool SameItems(SpecJson[] items, int first)
    {
        if (items.Length != _items.Count - first) return false;
        for (int i = 0; i < items.Length; i++)
            if (!ReferenceEquals(items[i], _items[first + i])) return false;
        return true;
    }

    // The entries of `list` from `first` on, removed from it.
    private static T[] Take<T>(List<T> list, int first) where T : class
    {
        int count = list.Count - first;
        if (count == 0) return [];
        var taken = new T[count];
        list.CopyTo(first, taken, 0, count);
        list.RemoveRange(first, count);
        return taken;
    }

    // A string: its raw text between the quotes (escapes as written) and its decoded text; null for a control
    // character, an escape to a surrogate or a malformed escape (the full reader decides those).
    private (string Raw, string Text)? String()
    {
        int start = ++_at;
        StringBuilder? decoded = null;
        int copied = start;
        while (_at < _text.Length)
        {
            byte b = _text[_at];
            if (b == '"')
            {
                var raw = Encoding.UTF8.GetString(_text[start.._at]);
                string text = raw;
                if (decoded is not null) text = decoded.Append(Encoding.UTF8.GetString(_text[copied.._at])).ToString();
                _at++;
                return (raw, text);
            }
            if (b < 0x20) return null;
            if (b >= 0x80) _nonAscii = true;
            if (b != '\\')
            {
                _at++;
                continue;
            }
            decoded ??= new StringBuilder();
            decoded.Append(Encoding.UTF8.GetString(_text[copied.._at]));
            if (++_at >= _text.Length) return null;
            char c;
            switch (_text[_at])
            {
                case (byte)'"': c = '"'; break;
                case (byte)'\\': c = '\\'; break;
                case (byte)'/': c = '/'; break;
                case (byte)'b': c = '\b'; break;
                case (byte)'f': c = '\f'; break;
                case (byte)'n': c = '\n'; break;
                case (byte)'r': c = '\r'; break;
                case (byte)'t': c = '\t'; break;
                case (byte)'u':
                    if (_at + 4 >= _text.Length) return null;
                    int code = 0;
                    for (int i = 1; i <= 4; i++)
                    {
                        int digit = HexDigit(_text[_at + i]);
                        if (digit < 0) return null;
                        code = code * 16 + digit;
                    }
                    if (char.IsSurrogate((char)code)) return null; // pairs and lone halves: the full reader
                    c = (char)code;
                    _at += 4;
                    break;
                default:
                    return null;
            }
            decoded.Append(c);
            copied = ++_at;
        }
        return null;
    }

    private static int HexDigit(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    // -?(0|[1-9][0-9]*) that fits in a long, not followed by a fraction or exponent.
    private SpecJson? Integer()
    {
        int start = _at;
        bool negative = _at < _text.Length && _text[_at] == '-';
        if (negative) _at++;
        if (_at >= _text.Length || !char.IsAsciiDigit((char)_text[_at])) return null;
        if (_text[_at] == '0' && _at + 1 < _text.Length && char.IsAsciiDigit((char)_text[_at + 1])) return null;
        ulong magnitude = 0;
        while (_at < _text.Length && char.IsAsciiDigit((char)_text[_at]))
        {
            if (magnitude > (ulong.MaxValue - 9) / 10) return null;
            magnitude = magnitude * 10 + (ulong)(_text[_at] - '0');
            _at++;
        }
        if (_at < _text.Length && _text[_at] is (byte)'.' or (byte)'e' or (byte)'E') return null;
        long value;
        if (negative)
        {
            if (magnitude > (ulong)long.MaxValue + 1) return null;
            value = magnitude == (ulong)long.MaxValue + 1 ? long.MinValue : -(long)magnitude;
        }
        else
        {
            if (magnitude > long.MaxValue) return null;
            value = (long)magnitude;
        }
        return new SpecJson(SpecJsonKind.Number, Encoding.UTF8.GetString(_text[start.._at]), integer: value);
    }

    private bool Literal(ReadOnlySpan<byte> word)
    {
        if (!_text[_at..].StartsWith(word)) return false;
        _at += word.Length;
        // "truex" is not a literal: a letter or digit must not follow (the full reader words the error).
        return _at >= _text.Length || !char.IsAsciiLetterOrDigit((char)_text[_at]);
    }

    private void SkipWhitespace()
    {
        while (_at < _text.Length && _text[_at] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r') _at++;
    }
}
