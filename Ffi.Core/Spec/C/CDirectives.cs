namespace Ffi.Spec.C;

/// <summary>
/// The part of the preprocessor the reader does itself, for text that was not run through <c>cpp</c>:
/// object-like <c>#define</c>s (expanded where used, and kept as named constants), <c>#undef</c>,
/// <c>#if</c>/<c>#ifdef</c>/<c>#ifndef</c>/<c>#elif</c>/<c>#else</c>/<c>#endif</c>, and
/// <c>#pragma pack</c>, which becomes a <see cref="CTokenKind.PragmaPack"/> token. <c>#include</c> and
/// function-like macros are skipped with a note: that is what <c>ffi import</c> (the real preprocessor) is for.
/// </summary>
internal sealed class CDirectives : IConstantScope
{
    private readonly CSource _source;
    private readonly Dictionary<string, CMacro> _macros = new(StringComparer.Ordinal);
    private readonly HashSet<string> _functionLike = new(StringComparer.Ordinal);
    private readonly HashSet<string> _evaluating = new(StringComparer.Ordinal);
    private readonly List<CToken> _output = [];
    private readonly List<string> _notes;
    private readonly Stack<int> _pack = new();
    private int _currentPack;
    private int _order;

    private CDirectives(CSource source, List<string> notes)
    {
        _source = source;
        _notes = notes;
    }

    /// <summary>Runs the directives of <paramref name="raw"/>; returns the tokens the parser reads and the macros defined.</summary>
    public static (List<CToken> Tokens, Dictionary<string, CMacro> Macros) Run(CSource source, List<CToken> raw, List<string> notes)
    {
        var d = new CDirectives(source, notes);
        d.Process(raw);
        return (d._output, d._macros);
    }

    bool IConstantScope.IsPreprocessor => true;

    bool IConstantScope.IsDefined(string name) => _macros.ContainsKey(name) || _functionLike.Contains(name);

    bool IConstantScope.TryGetConstant(string name, out CInteger value)
    {
        value = default;
        if (!_macros.TryGetValue(name, out var m) || !_evaluating.Add(name)) return false;
        try
        {
            var body = new List<CToken>(m.Body) { new(CTokenKind.End, "", 0, false, m.At) };
            var c = new CTokenCursor(body, _source);
            if (body.Count == 1) return false;
            value = ConstantExpression.Evaluate(c, this);
            return c.Peek().Kind == CTokenKind.End;
        }
        finally
        {
            _evaluating.Remove(name);
        }
    }

    bool IConstantScope.StartsTypeName(CToken t) => false;

    CTypeFacts IConstantScope.ReadTypeName(CTokenCursor cursor) => throw cursor.Fail(cursor.Peek(), "expected an expression (#if cannot measure types)");

    private void Process(List<CToken> raw)
    {
        // Each open #if: whether its branch is being read, and whether some branch of it already was.
        var conditions = new Stack<(bool Active, bool Taken, SourcePosition At)>();
        bool Active() => conditions.Count == 0 || conditions.Peek().Active;
        int i = 0;
        while (i < raw.Count)
        {
            var t = raw[i];
            if (t.Kind != CTokenKind.Directive)
            {
                if (Active()) Emit(t, 0);
                i++;
                continue;
            }
            int end = raw.FindIndex(i, x => x.Kind == CTokenKind.DirectiveEnd);
            var line = raw.GetRange(i + 1, end - i - 1);
            i = end + 1;
            if (line.Count == 0) continue;
            var name = line[0];
            bool parentActive = conditions.Count == 0 || conditions.All(x => x.Active);
            switch (name.Text)
            {
                case "if":
                case "ifdef":
                case "ifndef":
                {
                    bool v = parentActive && Condition(name, line);
                    conditions.Push((v && parentActive, v, name.At));
                    break;
                }
                case "elif":
                case "else":
                {
                    if (conditions.Count == 0) throw _source.Error(name.At, $"#{name.Text} without #if");
                    var top = conditions.Pop();
                    bool outer = conditions.Count == 0 || conditions.All(x => x.Active);
                    bool v = outer && !top.Taken && (name.Text == "else" || Condition(name, line));
                    conditions.Push((v, top.Taken || v, top.At));
                    break;
                }
                case "endif":
                    if (conditions.Count == 0) throw _source.Error(name.At, "#endif without #if");
                    conditions.Pop();
                    break;
                default:
                    if (parentActive) Directive(name, line);
                    break;
            }
        }
        if (conditions.Count > 0) throw _source.Error(conditions.Peek().At, "unterminated conditional: expected #endif before the end of the input");
    }

    private bool Condition(CToken name, List<CToken> line)
    {
        if (name.Text is "ifdef" or "ifndef")
        {
            if (line.Count < 2 || line[1].Kind != CTokenKind.Identifier) throw _source.Error(name.At, $"#{name.Text} needs a macro name");
            bool defined = ((IConstantScope)this).IsDefined(line[1].Text);
            return name.Text == "ifdef" ? defined : !defined;
        }
        var tokens = new List<CToken>(line.Skip(1)) { new(CTokenKind.End, "", 0, false, name.At) };
        var c = new CTokenCursor(tokens, _source);
        var v = ConstantExpression.Evaluate(c, this);
        if (c.Peek().Kind != CTokenKind.End) throw c.Fail(c.Peek(), $"expected the end of the #{name.Text} line");
        return v.IsTrue;
    }

    private void Directive(CToken name, List<CToken> line)
    {
        switch (name.Text)
        {
            case "define":
            {
                if (line.Count < 2 || line[1].Kind != CTokenKind.Identifier) throw _source.Error(name.At, "#define needs a macro name");
                var macro = line[1];
                bool functionLike = line.Count > 2 && line[2].Is("(") && line[2].At.Offset == macro.At.Offset + macro.Text.Length;
                _macros.Remove(macro.Text);
                _functionLike.Remove(macro.Text);
                if (functionLike)
                {
                    _functionLike.Add(macro.Text);
                    _notes.Add($"{macro.At}: function-like macro {macro.Text}(…) not kept: only object-like integer macros become constants, and only the preprocessor expands calls");
                }
                else
                {
                    _macros[macro.Text] = new CMacro(macro.Text, line.Skip(2).ToArray(), macro.At, _order++);
                }
                break;
            }
            case "undef":
                if (line.Count >= 2)
                {
                    _macros.Remove(line[1].Text);
                    _functionLike.Remove(line[1].Text);
                }
                break;
            case "pragma":
                if (line.Count >= 2 && line[1].Text == "pack") Pack(line);
                break;
            case "include":
            case "include_next":
                _notes.Add($"{name.At}: #include skipped: only the declarations in this text are read (ffi import runs the preprocessor)");
                break;
            case "error":
                throw _source.Error(name.At, "#error directive: " + string.Join(" ", line.Skip(1).Select(t => t.Text)));
            default:
                _notes.Add($"{name.At}: #{name.Text} ignored");
                break;
        }
    }

    // #pragma pack(push, 1) … #pragma pack(pop), as gcc takes it: push/pop a stack, N sets, () resets.
    private void Pack(List<CToken> line)
    {
        var args = line.Skip(2).Where(t => !t.Is("(") && !t.Is(")") && !t.Is(",")).ToList();
        var at = line[1].At;
        foreach (var a in args)
        {
            if (a.Is("push")) _pack.Push(_currentPack);
            else if (a.Is("pop")) _currentPack = _pack.Count > 0 ? _pack.Pop() : 0;
            else if (a.Kind == CTokenKind.Integer)
            {
                if (a.Value is not (1 or 2 or 4 or 8 or 16)) throw _source.Error(a.At, $"#pragma pack value must be 1, 2, 4, 8 or 16, not {a.Text}");
                _currentPack = (int)a.Value;
            }
            else if (a.Kind != CTokenKind.Identifier) throw _source.Error(a.At, $"unexpected {a.Describe()} in #pragma pack");
        }
        if (args.Count == 0) _currentPack = 0;
        _output.Add(new CToken(CTokenKind.PragmaPack, "pack", _currentPack, false, at));
    }

    // Object-like macros expand where used; a macro never expands inside its own expansion (C11 6.10.3.4).
    private void Emit(CToken t, int depth)
    {
        if (t.Kind == CTokenKind.Identifier && _macros.TryGetValue(t.Text, out var m) && depth < 64 && !_evaluating.Contains(t.Text))
        {
            _evaluating.Add(t.Text);
            foreach (var b in m.Body) Emit(b with { At = t.At }, depth + 1);
            _evaluating.Remove(t.Text);
            return;
        }
        _output.Add(t);
    }
}
