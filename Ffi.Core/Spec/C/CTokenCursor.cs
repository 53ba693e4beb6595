namespace Ffi.Spec.C;

/// <summary>A position in a token list, with the expect-or-fail helpers the parser and evaluator share.</summary>
internal sealed class CTokenCursor(IReadOnlyList<CToken> tokens, CSource source)
{
    private int _index;

    public CSource Source { get; } = source;

    public int Index
    {
        get => _index;
        set => _index = value;
    }

    /// <summary>The token <paramref name="ahead"/> places on (the last token, <see cref="CTokenKind.End"/>, repeats forever).</summary>
    public CToken Peek(int ahead = 0) => tokens[Math.Min(_index + ahead, tokens.Count - 1)];

    public CToken Next()
    {
        var t = Peek();
        if (_index < tokens.Count - 1) _index++;
        return t;
    }

    public bool Accept(string text)
    {
        if (!Peek().Is(text) || Peek().Kind is CTokenKind.String) return false;
        Next();
        return true;
    }

    /// <summary>Consumes <paramref name="text"/> or fails with "expected <paramref name="what"/>, found …".</summary>
    public CToken Expect(string text, string what)
    {
        var t = Peek();
        if (!t.Is(text)) throw Fail(t, $"expected {what}");
        return Next();
    }

    public CToken ExpectIdentifier(string what)
    {
        var t = Peek();
        if (t.Kind != CTokenKind.Identifier) throw Fail(t, $"expected {what}");
        return Next();
    }

    /// <summary>An error at <paramref name="t"/>: "<paramref name="expected"/>, found 't'".</summary>
    public FfiSpecException Fail(CToken t, string expected) => Source.Error(t.At, $"{expected}, found {t.Describe()}");

    public FfiSpecException Error(SourcePosition at, string reason) => Source.Error(at, reason);

    /// <summary>Skips a balanced group starting at an opening bracket, up to and including its closing one.</summary>
    public void SkipBalanced()
    {
        var open = Next();
        int depth = 1;
        while (depth > 0)
        {
            var t = Next();
            if (t.Kind == CTokenKind.End) throw Source.Error(open.At, $"unbalanced {open.Describe()}: the input ends before it is closed");
            if (t.Kind != CTokenKind.Punct) continue;
            if (t.Text is "(" or "[" or "{") depth++;
            else if (t.Text is ")" or "]" or "}") depth--;
        }
    }
}
