namespace Ffi.Spec.C;

internal sealed partial class CParser : IConstantScope
{
    /// <summary>
    /// A declarator as nested in the text: <c>*(*fp)(int)</c> is one pointer around an inner declarator
    /// <c>(*fp)</c> followed by a parameter list. <see cref="Apply"/> builds the type inside out, as C reads it.
    /// </summary>
    private sealed class DeclaratorSyntax
    {
        public int Pointers;
        public DeclaratorSyntax? Inner;
        public CToken? OwnName;
        public readonly List<Func<CDeclType, CDeclType>> Suffixes = [];

        public CToken? Name => OwnName ?? Inner?.Name;

        public CDeclType Apply(CDeclType type)
        {
            for (int i = 0; i < Pointers; i++) type = new CPointer(type.At, type);
            for (int i = Suffixes.Count - 1; i >= 0; i--) type = Suffixes[i](type);
            return Inner is null ? type : Inner.Apply(type);
        }
    }

    private DeclaratorSyntax Declarator(bool abstractAllowed)
    {
        if (!System.Runtime.CompilerServices.RuntimeHelpers.TryEnsureSufficientExecutionStack())
            throw _c.Error(_c.Peek().At, "the declarator nests too deeply");
        var d = new DeclaratorSyntax();
        while (true)
        {
            if (_c.Accept("*")) { d.Pointers++; continue; }
            var q = _c.Peek();
            if (q.Kind == CTokenKind.Identifier && q.Text is "const" or "__const" or "__const__" or "volatile" or "__volatile__" or "restrict"
                or "__restrict" or "__restrict__" or "_Nullable" or "_Nonnull" or "__extension__")
            {
                _c.Next();
                continue;
            }
            if (Attributes(out _, out _)) continue;
            break;
        }
        var t = _c.Peek();
        if (t.Kind == CTokenKind.Identifier && !IsReserved(t.Text) && !(abstractAllowed && IsTypeStart(t)))
        {
            d.OwnName = _c.Next();
        }
        else if (t.Is("(") && (_c.Peek(1).Is("*") || _c.Peek(1).Is("^") || _c.Peek(1).Is("(") || IsGroupedName(_c.Peek(1), abstractAllowed)))
        {
            _c.Next();
            d.Inner = Declarator(abstractAllowed);
            _c.Expect(")", "')' to close the parenthesised declarator");
        }
        else if (!abstractAllowed)
        {
            throw _c.Fail(t, "expected a name for the declaration");
        }
        while (true)
        {
            var s = _c.Peek();
            if (s.Is("["))
            {
                long? length = ArrayLength();
                d.Suffixes.Add(inner => new CArray(s.At, inner, length));
            }
            else if (s.Is("("))
            {
                var (ps, variadic) = Parameters();
                d.Suffixes.Add(ret => new CFunction(s.At, ret, ps, variadic));
            }
            else break;
        }
        return d;
    }

    private bool IsGroupedName(CToken t, bool abstractAllowed) =>
        t.Kind == CTokenKind.Identifier && !IsReserved(t.Text) && (!abstractAllowed || !IsTypeStart(t)) || t.Is("__attribute__");

    private long? ArrayLength()
    {
        var open = _c.Next();
        while (_c.Peek().Kind == CTokenKind.Identifier && _c.Peek().Text is "static" or "const" or "restrict" or "__restrict" or "volatile") _c.Next();
        if (_c.Accept("]")) return null;
        if (_c.Peek().Is("*") && _c.Peek(1).Is("]")) throw _c.Error(_c.Peek().At, "a variable-length array [*] has no size the engine can lay out");
        var at = _c.Peek();
        var v = ConstantExpression.Evaluate(_c, this);
        _c.Expect("]", $"']' to close the array length opened at column {open.At.Column}");
        if (!v.Unsigned && v.Value < 0) throw _c.Error(at.At, $"array length {v.Value} is negative");
        if (v.Unsigned && v.Value < 0 || v.Value > Layout.SysVLayout.MaxSize) throw _c.Error(at.At, $"array length {(ulong)v.Value} is too large");
        return v.Value;
    }

    private (List<CParam> Params, bool Variadic) Parameters()
    {
        var open = _c.Next();
        var ps = new List<CParam>();
        if (_c.Accept(")")) return (ps, false); // int f(): no parameters declared; read as none
        if (_c.Peek().Is("void") && _c.Peek(1).Is(")"))
        {
            _c.Next();
            _c.Next();
            return (ps, false);
        }
        while (true)
        {
            if (_c.Accept("..."))
            {
                if (ps.Count == 0) throw _c.Error(open.At, "'...' needs at least one named parameter before it");
                _c.Expect(")", "')' after '...' (it must be the last parameter)");
                return (ps, true);
            }
            var at = _c.Peek().At;
            if (!IsTypeStart(_c.Peek()) && _c.Peek().Kind == CTokenKind.Identifier && !IsReserved(_c.Peek().Text) && _c.Peek().Text != "register")
                throw UnknownTypeName(_c.Peek());
            var spec = Specifiers(allowStorage: true);
            var d = Declarator(abstractAllowed: true);
            Attributes(out _, out _);
            var type = d.Apply(spec.Type) switch
            {
                // C adjusts array and function parameters to pointers (C11 6.7.6.3).
                CArray a => new CPointer(a.At, a.Of),
                CFunction f => new CPointer(f.At, f),
                var other => other,
            };
            if (type is CBuiltin { Name: "void" }) throw _c.Error(at, "void must be the only parameter: write f(void) for no parameters");
            ps.Add(new CParam(d.Name?.Text, type, d.Name?.At ?? at));
            if (_c.Accept(",")) continue;
            _c.Expect(")", "')' to close the parameter list");
            return (ps, false);
        }
    }

    /// <summary>
    /// Reads <paramref name="source"/> as one C type name whose identifiers are <paramref name="typeNames"/> (a JSON
    /// spec's names); null when it is not one type name.
    /// </summary>
    public static CDeclType? ReadTypeName(CSource source, IEnumerable<string> typeNames)
    {
        var tokens = CLexer.Tokenize(source);
        if (tokens.Any(t => t.Kind is CTokenKind.Directive or CTokenKind.Annotation)) return null;
        var parser = new CParser(source, tokens, new Dictionary<string, CMacro>(), []);
        foreach (var name in typeNames)
            if (!IsReserved(name) && !CTypeNames.KnownTypedefs.ContainsKey(name)) parser._d.Typedefs.TryAdd(name, new CBuiltin(default, "int", false));
        var spec = parser.Specifiers(allowStorage: false);
        var d = parser.Declarator(abstractAllowed: true);
        if (d.Name is not null || parser._c.Peek().Kind != CTokenKind.End) return null;
        return d.Apply(spec.Type);
    }

    /// <summary>A type name, as in a cast or <c>sizeof(…)</c>: specifiers and an abstract declarator, measured.</summary>
    private CTypeFacts TypeName()
    {
        var at = _c.Peek().At;
        var spec = Specifiers(allowStorage: false);
        var d = Declarator(abstractAllowed: true);
        if (d.Name is { } n) throw _c.Error(n.At, $"a type name has no declarator name ('{n.Text}')");
        return CLowering.Measure(_d, d.Apply(spec.Type), at, _source);
    }

    bool IConstantScope.IsPreprocessor => false;

    bool IConstantScope.IsDefined(string name) => _macros.ContainsKey(name);

    bool IConstantScope.StartsTypeName(CToken t) => IsTypeStart(t);

    CTypeFacts IConstantScope.ReadTypeName(CTokenCursor cursor) => TypeName();

    private readonly HashSet<string> _evaluatingMacros = new(StringComparer.Ordinal);

    bool IConstantScope.TryGetConstant(string name, out CInteger value)
    {
        if (_enumConstants.TryGetValue(name, out long v))
        {
            value = CInteger.Of(v);
            return true;
        }
        value = default;
        return _macros.TryGetValue(name, out var m) && TryEvaluateMacro(m, out value);
    }

    private bool TryEvaluateMacro(CMacro m, out CInteger value)
    {
        value = default;
        if (m.Body.Count == 0 || !_evaluatingMacros.Add(m.Name)) return false;
        var saved = _c.Index;
        try
        {
            var body = new List<CToken>(m.Body) { new(CTokenKind.End, "", 0, false, m.At) };
            var cursor = new CTokenCursor(body, _source);
            // Casts and sizeof inside the macro read their type names with this parser: point it at the body.
            var parser = new CParser(this, cursor);
            value = ConstantExpression.Evaluate(cursor, parser);
            return cursor.Peek().Kind == CTokenKind.End;
        }
        finally
        {
            _evaluatingMacros.Remove(m.Name);
            _c.Index = saved;
        }
    }

    // A parser over a macro body that shares the declarations read so far.
    private CParser(CParser outer, CTokenCursor body)
    {
        _c = body;
        _source = outer._source;
        _packAt = [];
        _macros = outer._macros;
        _skipped = outer._skipped;
        _enumConstants = outer._enumConstants;
        _d = outer._d;
        _evaluatingMacros = outer._evaluatingMacros;
    }

    /// <summary>Every object-like macro whose body is an integer constant expression becomes a named constant.</summary>
    private void CollectMacroConstants()
    {
        foreach (var m in _macros.Values.OrderBy(m => m.Order))
        {
            if (_enumConstants.ContainsKey(m.Name)) continue;
            try
            {
                if (TryEvaluateMacro(m, out var v)) _d.Constants.Add((m.Name, v.Value, m.At));
            }
            catch (FfiSpecException)
            {
                // Not an integer constant (a string, a type, a function call): not a named constant.
            }
            catch (SkipDeclaration)
            {
            }
        }
    }
}
