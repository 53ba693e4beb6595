using System.Globalization;
using System.Text;

namespace Ffi.Spec.C;

/// <summary>
/// Splits C text into tokens: comments (except <c>/* ffi: … */</c> annotations) and line continuations
/// vanish, preprocessor line markers (<c># 42 "zlib.h" 1</c>, <c>#line</c>) move the reported position, and
/// other directives come out as <see cref="CTokenKind.Directive"/> … <see cref="CTokenKind.DirectiveEnd"/>
/// for <see cref="CDirectives"/>.
/// </summary>
internal sealed class CLexer
{
    private static readonly string[] Puncts =
    [
        "...", "<<=", ">>=", "->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "*=", "/=", "%=", "+=", "-=",
        "&=", "^=", "|=", "##", "(", ")", "[", "]", "{", "}", ",", ";", ":", "*", "+", "-", "~", "!", "/", "%", "<", ">",
        "&", "^", "|", "?", "=", ".", "#",
    ];

    private readonly CSource _source;
    private readonly string _text;
    private readonly List<CToken> _tokens = [];
    private int _pos;
    private int _physicalLine = 1;
    private int _lineStart;
    private int _lineDelta;
    private string _file;
    private bool _inDirective;

    private CLexer(CSource source)
    {
        _source = source;
        _text = source.Text;
        _file = source.File;
    }

    public static List<CToken> Tokenize(CSource source)
    {
        var lexer = new CLexer(source);
        lexer.Run();
        return lexer._tokens;
    }

    private SourcePosition Here => new(_file, _physicalLine + _lineDelta, _pos - _lineStart + 1, _pos);

    private char At(int i) => i < _text.Length ? _text[i] : '\0';

    private void Run()
    {
        bool lineStart = true;
        while (true)
        {
            bool newline = SkipSpace();
            if (newline)
            {
                if (_inDirective)
                {
                    _tokens.Add(new CToken(CTokenKind.DirectiveEnd, "", 0, false, Here));
                    _inDirective = false;
                }
                lineStart = true;
                continue;
            }
            if (_pos >= _text.Length) break;
            if (lineStart && At(_pos) == '#' && !_inDirective)
            {
                lineStart = false;
                if (TryLineMarker()) continue;
                _tokens.Add(new CToken(CTokenKind.Directive, "#", 0, false, Here));
                _pos++;
                _inDirective = true;
                continue;
            }
            lineStart = false;
            _tokens.Add(Next());
        }
        if (_inDirective) _tokens.Add(new CToken(CTokenKind.DirectiveEnd, "", 0, false, Here));
        _tokens.Add(new CToken(CTokenKind.End, "", 0, false, Here));
    }

    /// <summary>Skips blanks, continuations and comments; true when it stopped after a newline.</summary>
    private bool SkipSpace()
    {
        while (_pos < _text.Length)
        {
            char c = _text[_pos];
            if (c == '\n')
            {
                NewLine(_pos + 1);
                return true;
            }
            if (c is ' ' or '\t' or '\r' or '\f' or '\v') { _pos++; continue; }
            if (c == '\\' && (At(_pos + 1) == '\n' || (At(_pos + 1) == '\r' && At(_pos + 2) == '\n')))
            {
                NewLine(_pos + (At(_pos + 1) == '\r' ? 3 : 2));
                continue;
            }
            if (c == '/' && At(_pos + 1) == '*')
            {
                var start = Here;
                int end = _text.IndexOf("*/", _pos + 2, StringComparison.Ordinal);
                if (end < 0) throw _source.Error(start, "unterminated comment: expected '*/'");
                var body = _text[(_pos + 2)..end];
                for (int i = _pos; i < end; i++)
                    if (_text[i] == '\n') NewLine(i + 1);
                _pos = end + 2;
                Annotate(body, start);
                continue;
            }
            if (c == '/' && At(_pos + 1) == '/')
            {
                var start = Here;
                int end = _text.IndexOf('\n', _pos);
                if (end < 0) end = _text.Length;
                Annotate(_text[(_pos + 2)..end], start);
                _pos = end;
                continue;
            }
            return false;
        }
        return false;
    }

    private void NewLine(int next)
    {
        _pos = next;
        _physicalLine++;
        _lineStart = next;
    }

    private void Annotate(string comment, SourcePosition at)
    {
        var trimmed = comment.Trim();
        if (trimmed.StartsWith("ffi:", StringComparison.Ordinal))
            _tokens.Add(new CToken(CTokenKind.Annotation, trimmed[4..].Trim(), 0, false, at));
    }

    // # 42 "zlib.h" 1 3 4   or   #line 42 "zlib.h"   — the next line is line 42 of zlib.h.
    private bool TryLineMarker()
    {
        int i = _pos + 1;
        while (At(i) is ' ' or '\t') i++;
        if (string.CompareOrdinal(_text, i, "line", 0, 4) == 0 && At(i + 4) is ' ' or '\t') i += 4;
        while (At(i) is ' ' or '\t') i++;
        if (!char.IsAsciiDigit(At(i))) return false;
        int numStart = i;
        while (char.IsAsciiDigit(At(i))) i++;
        if (!int.TryParse(_text.AsSpan(numStart, i - numStart), NumberStyles.None, CultureInfo.InvariantCulture, out int line)) return false;
        while (At(i) is ' ' or '\t') i++;
        string? file = null;
        if (At(i) == '"')
        {
            int close = _text.IndexOf('"', i + 1);
            int eol = _text.IndexOf('\n', i);
            if (close > 0 && (eol < 0 || close < eol)) file = _text[(i + 1)..close];
        }
        int end = _text.IndexOf('\n', _pos);
        _pos = end < 0 ? _text.Length : end;
        if (file is not null) _file = file;
        _lineDelta = line - (_physicalLine + 1);
        return true;
    }

    private CToken Next()
    {
        var at = Here;
        char c = _text[_pos];
        if (char.IsAsciiLetter(c) || c is '_' or '$')
        {
            // A backslash-newline may split an identifier (translation phase 2 joins the lines first).
            var sb = new StringBuilder();
            while (true)
            {
                if (char.IsAsciiLetterOrDigit(At(_pos)) || At(_pos) is '_' or '$') sb.Append(_text[_pos++]);
                else if (At(_pos) == '\\' && At(_pos + 1) == '\n') NewLine(_pos + 2);
                else if (At(_pos) == '\\' && At(_pos + 1) == '\r' && At(_pos + 2) == '\n') NewLine(_pos + 3);
                else break;
            }
            return new CToken(CTokenKind.Identifier, sb.ToString(), 0, false, at);
        }
        if (char.IsAsciiDigit(c) || (c == '.' && char.IsAsciiDigit(At(_pos + 1)))) return Number(at);
        if (c == '\'') return CharConstant(at);
        if (c == '"') return StringLiteral(at);
        foreach (var p in Puncts)
            if (string.CompareOrdinal(_text, _pos, p, 0, p.Length) == 0)
            {
                _pos += p.Length;
                return new CToken(CTokenKind.Punct, p, 0, false, at);
            }
        throw _source.Error(at, $"unexpected character {DescribeChar(c)}");
    }

    private static string DescribeChar(char c) =>
        c < ' ' || c > '~' ? $"U+{(int)c:X4}" : $"'{c}'";

    private CToken Number(SourcePosition at)
    {
        int start = _pos;
        while (true)
        {
            char c = At(_pos);
            if (c is 'e' or 'E' or 'p' or 'P' && At(_pos + 1) is '+' or '-') _pos += 2;
            else if (char.IsAsciiLetterOrDigit(c) || c is '_' or '.') _pos++;
            else break;
        }
        var text = _text[start.._pos];
        bool hex = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase);
        if (text.Contains('.') || (!hex && text.IndexOfAny(['e', 'E']) >= 0) || (hex && text.IndexOfAny(['p', 'P']) >= 0))
            return new CToken(CTokenKind.Float, text, 0, false, at);
        return CIntegerLiteral.Parse(text, at, _source);
    }

    private CToken CharConstant(SourcePosition at)
    {
        _pos++;
        long value = 0;
        int count = 0;
        while (At(_pos) != '\'')
        {
            if (_pos >= _text.Length || At(_pos) == '\n') throw _source.Error(at, "unterminated character constant: expected a closing '");
            value = (value << 8) | (byte)Escaped(at);
            count++;
        }
        _pos++;
        if (count == 0) throw _source.Error(at, "empty character constant ''");
        // 'a' has type int; a plain char is signed, so '\xff' is -1.
        if (count == 1) value = (sbyte)value;
        return new CToken(CTokenKind.Integer, _text[at.Offset.._pos], value, false, at);
    }

    private CToken StringLiteral(SourcePosition at)
    {
        _pos++;
        var sb = new StringBuilder();
        while (At(_pos) != '"')
        {
            if (_pos >= _text.Length || At(_pos) == '\n') throw _source.Error(at, "unterminated string literal: expected a closing \"");
            sb.Append(Escaped(at));
        }
        _pos++;
        return new CToken(CTokenKind.String, sb.ToString(), 0, false, at);
    }

    private char Escaped(SourcePosition at)
    {
        char c = _text[_pos++];
        if (c != '\\') return c;
        char e = At(_pos++);
        switch (e)
        {
            case 'n': return '\n';
            case 't': return '\t';
            case 'r': return '\r';
            case 'a': return '\a';
            case 'b': return '\b';
            case 'f': return '\f';
            case 'v': return '\v';
            case 'x':
            {
                int v = 0, n = 0;
                while (char.IsAsciiHexDigit(At(_pos)) && n < 8) { v = v * 16 + Convert.ToInt32(At(_pos++).ToString(), 16); n++; }
                if (n == 0) throw _source.Error(at, "\\x used with no following hex digits");
                return (char)(v & 0xFF);
            }
            case >= '0' and <= '7':
            {
                int v = e - '0', n = 1;
                while (At(_pos) is >= '0' and <= '7' && n < 3) { v = v * 8 + (At(_pos++) - '0'); n++; }
                return (char)(v & 0xFF);
            }
            case '\0': throw _source.Error(at, "unterminated escape sequence");
            default: return e;
        }
    }
}
