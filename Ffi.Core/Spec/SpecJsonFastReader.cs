using System.Text;
using System.Text.Json;

namespace Ffi.Spec;

/// <summary>
/// A JSON reader for the plain subset a spec is written in: objects, arrays, strings (escapes included, except those
/// to UTF-16 surrogates), integers that fit in 64 bits, <c>true</c>, <c>false</c>, <c>null</c>, and whitespace. It returns null
/// for anything else — a comment, a surrogate escape, a fraction or exponent, a trailing comma, a syntax error, depth past the
/// limit — and the caller parses the document again with <see cref="Utf8JsonReader"/>, which gives the same values for
/// everything this accepts and words every error. So the fast path is never the one that decides what is valid.
/// </summary>
/// <remarks>
/// The point is start-up time: the first use of <see cref="Utf8JsonReader"/> in a process costs about 30 ms (the
/// assembly, and generic search code the JIT compiles), more than the whole target for loading a spec
/// (docs/benchmarks.md, cold start). The input was checked to be valid UTF-8 before.
/// </remarks>
internal ref struct SpecJsonFastReader
{
    private readonly ReadOnlySpan<byte> _text;
    private readonly int _maxDepth;
    private int _at;
    private int _depth;

    private SpecJsonFastReader(ReadOnlySpan<byte> text, int maxDepth)
    {
        _text = text;
        _maxDepth = maxDepth <= 0 ? 64 : maxDepth;
    }

    /// <summary>The document's value, or null when it is not in the subset (or not valid).</summary>
    public static SpecJson? TryParse(ReadOnlySpan<byte> utf8, int maxDepth)
    {
        var r = new SpecJsonFastReader(utf8, maxDepth);
        r.SkipWhitespace();
        var root = r.Value();
        if (root is null) return null;
        r.SkipWhitespace();
        return r._at == r._text.Length ? root : null;
    }

    private SpecJson? Value()
    {
        if (_at >= _text.Length) return null;
        switch (_text[_at])
        {
            case (byte)'{': return Object();
            case (byte)'[': return Array();
            case (byte)'"':
                return String() is { } str ? new SpecJson(JsonValueKind.String, "\"" + str.Raw + "\"", str.Text) : null;
            case (byte)'t': return Literal("true"u8) ? new SpecJson(JsonValueKind.True, "true") : null;
            case (byte)'f': return Literal("false"u8) ? new SpecJson(JsonValueKind.False, "false") : null;
            case (byte)'n': return Literal("null"u8) ? new SpecJson(JsonValueKind.Null, "null") : null;
            default: return Integer();
        }
    }

    private SpecJson? Object()
    {
        if (++_depth >= _maxDepth) return null; // at the limit, the full reader decides
        _at++; // {
        var properties = new List<SpecJsonProperty>();
        SkipWhitespace();
        if (_at < _text.Length && _text[_at] == '}')
        {
            _at++;
            _depth--;
            return new SpecJson(properties.ToArray());
        }
        while (true)
        {
            SkipWhitespace();
            if (_at >= _text.Length || _text[_at] != '"') return null;
            if (String() is not { } key) return null;
            var name = key.Text;
            SkipWhitespace();
            if (_at >= _text.Length || _text[_at] != ':') return null;
            _at++;
            SkipWhitespace();
            var value = Value();
            if (value is null) return null;
            properties.Add(new SpecJsonProperty(name, value));
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
            return new SpecJson(properties.ToArray());
        }
    }

    private SpecJson? Array()
    {
        if (++_depth >= _maxDepth) return null; // at the limit, the full reader decides
        _at++; // [
        var items = new List<SpecJson>();
        SkipWhitespace();
        if (_at < _text.Length && _text[_at] == ']')
        {
            _at++;
            _depth--;
            return new SpecJson(items.ToArray());
        }
        while (true)
        {
            SkipWhitespace();
            var item = Value();
            if (item is null) return null;
            items.Add(item);
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
            return new SpecJson(items.ToArray());
        }
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
        return new SpecJson(JsonValueKind.Number, Encoding.UTF8.GetString(_text[start.._at]), integer: value);
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
