namespace Ffi.Spec.C;

/// <summary>
/// A recursive-descent reader of C declarations (C11 with the GNU extensions system headers use) into
/// <see cref="CDeclarations"/>: typedefs, struct/union/enum definitions and forward declarations,
/// function prototypes and variables. Function bodies, <c>static</c> functions and <c>_Static_assert</c>
/// are skipped; a declaration that uses a type the engine cannot represent is skipped with a note.
/// </summary>
/// <remarks>
/// Split by family: this file reads external declarations; <c>CParser.Specifiers.cs</c> the
/// declaration specifiers (<c>unsigned long</c>, <c>struct tm</c>, attributes); <c>CParser.Declarators.cs</c>
/// the declarators (<c>*(*fp)(int)</c>, <c>a[N]</c>) and type names; <c>CParser.Aggregates.cs</c>
/// struct, union and enum bodies.
/// </remarks>
internal sealed partial class CParser
{
    private readonly CTokenCursor _c;
    private readonly CSource _source;
    private readonly int[] _packAt;
    private readonly Dictionary<string, CMacro> _macros;
    private readonly HashSet<string> _skipped = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _enumConstants = new(StringComparer.Ordinal);
    private readonly CDeclarations _d = new();

    private CParser(CSource source, List<CToken> tokens, Dictionary<string, CMacro> macros, List<string> notes)
    {
        // #pragma pack tokens may stand anywhere; the parser asks what packing was in force at a token instead.
        var kept = new List<CToken>(tokens.Count);
        var packAt = new List<int>(tokens.Count);
        int pack = 0;
        foreach (var t in tokens)
        {
            if (t.Kind == CTokenKind.PragmaPack) { pack = (int)t.Value; continue; }
            kept.Add(t);
            packAt.Add(pack);
        }
        _packAt = packAt.ToArray();
        _source = source;
        _c = new CTokenCursor(kept, source);
        _macros = macros;
        _d.Notes.AddRange(notes);
    }

    /// <summary>Reads every declaration of <paramref name="source"/>.</summary>
    public static CDeclarations Read(CSource source)
    {
        var notes = new List<string>();
        var raw = CLexer.Tokenize(source);
        var (tokens, macros) = CDirectives.Run(source, raw, notes);
        var parser = new CParser(source, tokens, macros, notes);
        parser.ReadAll();
        parser.CollectMacroConstants();
        return parser._d;
    }

    private void ReadAll()
    {
        while (_c.Peek().Kind != CTokenKind.End)
        {
            int start = _c.Index;
            var notes = CAnnotations.None;
            while (_c.Peek().Kind == CTokenKind.Annotation) notes = notes.Add(_c.Next(), _source);
            if (_c.Peek().Kind == CTokenKind.End)
            {
                if (!notes.IsEmpty) throw _source.Error(notes.At!.Value, "an ffi: annotation must stand right before the declaration it applies to");
                break;
            }
            int declStart = _c.Index;
            try
            {
                ExternalDeclaration(notes);
            }
            catch (SkipDeclaration skip)
            {
                _c.Index = declStart;
                var first = _c.Peek().At;
                SkipToEndOfDeclaration();
                _d.Notes.Add($"{first}: declaration skipped: {skip.Message}");
            }
            if (_c.Index == start) throw _c.Fail(_c.Peek(), "expected a declaration");
        }
    }

    private void ExternalDeclaration(CAnnotations notes)
    {
        var t = _c.Peek();
        if (t.Is(";")) { _c.Next(); return; }
        if (t.Is("_Static_assert") || t.Is("static_assert"))
        {
            _c.Next();
            if (!_c.Peek().Is("(")) throw _c.Fail(_c.Peek(), $"expected '(' after {t.Text}");
            _c.SkipBalanced();
            _c.Expect(";", $"';' after {t.Text}(…)");
            return;
        }
        if (t.Is("__asm__") || t.Is("asm") || t.Is("__asm"))
        {
            _c.Next();
            while (_c.Peek().Kind == CTokenKind.Identifier && _c.Peek().Text is "volatile" or "__volatile__") _c.Next();
            if (!_c.Peek().Is("(")) throw _c.Fail(_c.Peek(), "expected '(' after asm");
            _c.SkipBalanced();
            _c.Expect(";", "';' after asm(…)");
            return;
        }

        var spec = Specifiers(allowStorage: true);
        if (spec.TagDefined is not null && notes.Tag is not null) _d.TypeAnnotations[spec.TagDefined] = notes;
        if (_c.Accept(";"))
        {
            // /* ffi: tag=conn */ struct other;  — the tag of the handle a pointer to it becomes.
            if (spec.Type is CTagRef forward && !notes.IsEmpty) _d.TypeAnnotations[forward.Key] = notes;
            // struct tm { … };  or  struct sqlite3;  — the tag is all that is declared.
            if (spec.Typedef) throw _c.Error(t.At, "a typedef needs a name");
            return;
        }
        bool first = true;
        while (true)
        {
            var d = Declarator(abstractAllowed: false);
            var type = d.Apply(spec.Type);
            var name = d.Name!.Value;
            var symbol = AfterDeclarator(out int? declaredAlign) ?? name.Text;
            if (first && _c.Peek().Is("{") && type is CFunction)
            {
                // A function definition: its body is not needed; a static or inline one is not exported.
                _c.SkipBalanced();
                if (!spec.Static && !spec.Inline) AddFunction(symbol, name, (CFunction)type, notes);
                return;
            }
            first = false;
            if (_c.Accept("=")) SkipInitializer();
            if (spec.Typedef) AddTypedef(name, type, notes, Max(spec.AttributeAlign, declaredAlign));
            else if (type is CFunction f) { if (!spec.Static) AddFunction(symbol, name, f, notes); }
            else if (!spec.Static) AddVariable(symbol, name, type, notes);
            if (_c.Accept(",")) continue;
            _c.Expect(";", $"';' after the declaration of {name.Text}");
            return;
        }
    }

    /// <summary>What may follow a declarator: attributes and an <c>__asm__("symbol")</c> label (the real symbol name).</summary>
    private string? AfterDeclarator(out int? aligned)
    {
        string? label = null;
        aligned = null;
        while (true)
        {
            if (Attributes(out _, out var a))
            {
                aligned = Max(aligned, a);
                continue;
            }
            var t = _c.Peek();
            if (t.Kind == CTokenKind.Identifier && t.Text is "__asm__" or "__asm" or "asm")
            {
                _c.Next();
                _c.Expect("(", "'(' after __asm__");
                var s = _c.Peek();
                if (s.Kind != CTokenKind.String) throw _c.Fail(s, "expected the symbol name as a string in __asm__(\"…\")");
                label = "";
                while (_c.Peek().Kind == CTokenKind.String) label += _c.Next().Text;
                _c.Expect(")", "')' to close __asm__(\"…\")");
                continue;
            }
            break;
        }
        return label;
    }

    private void SkipInitializer()
    {
        while (!_c.Peek().Is(",") && !_c.Peek().Is(";"))
        {
            var t = _c.Peek();
            if (t.Kind == CTokenKind.End) throw _c.Fail(t, "expected ';' after the initialiser");
            if (t.Is("(") || t.Is("{") || t.Is("[")) _c.SkipBalanced();
            else _c.Next();
        }
    }

    private void AddTypedef(CToken name, CDeclType type, CAnnotations notes, int? aligned)
    {
        if (aligned is not null)
        {
            // typedef int aint __attribute__((aligned(8))); raises the alignment of what it names (spec: an alias with "align").
            // gcc keeps the size of an aggregate typedef'd with a larger alignment (sizeof 1, _Alignof 16): no spec type is
            // like that, so the typedef is skipped, and so is every later declaration that uses it.
            if (Chase(type) is not CBuiltin { Name: not "void" })
            {
                _skipped.Add(name.Text);
                throw new SkipDeclaration($"aligned({aligned}) on typedef {name.Text} is not supported: only a typedef of an integer or floating type may raise its alignment (a struct or union takes aligned(N) in its own declaration)");
            }
            if (!_d.Typedefs.ContainsKey(name.Text)) _d.TypedefAligns[name.Text] = aligned.Value;
        }
        if (!notes.IsEmpty) _d.TypeAnnotations[name.Text] = notes;
        // /* ffi: tag=db */ typedef struct sqlite3 sqlite3;  names the handle that struct sqlite3 * becomes.
        if (notes.Tag is not null && type is CTagRef tag && !_d.TypeAnnotations.ContainsKey(tag.Key)) _d.TypeAnnotations[tag.Key] = notes with { Doc = null };
        if (_d.Typedefs.ContainsKey(name.Text)) return; // C11 allows repeating an identical typedef
        _d.DeclareType(name.Text);
        _d.Typedefs[name.Text] = type;
    }

    private CDeclType Chase(CDeclType t)
    {
        for (int guard = 0; t is CTypedefRef r && _d.Typedefs.TryGetValue(r.Name, out var next) && guard < 1000; guard++) t = next;
        return t;
    }

    private void AddFunction(string symbol, CToken name, CFunction type, CAnnotations notes)
    {
        if (_d.Functions.Any(f => f.Name == symbol)) return; // a prototype may be repeated
        if (symbol != name.Text) _d.Notes.Add($"{name.At}: {name.Text} is bound to the symbol {symbol} (its __asm__ label)");
        _d.Functions.Add(new CFunctionDecl(symbol, type, notes, name.At));
    }

    private void AddVariable(string symbol, CToken name, CDeclType type, CAnnotations notes)
    {
        if (_d.Variables.Any(v => v.Name == symbol)) return;
        _d.Variables.Add(new CVariableDecl(symbol, type, notes, name.At));
    }

    // After a skipped declaration: move past its ';', or past the body of a function definition. The names
    // it declared are remembered, so a later use of them is skipped too instead of being an unknown name.
    private void SkipToEndOfDeclaration()
    {
        int depth = 0;
        CToken previous = default, lastIdentifier = default;
        bool parenWasAttribute = false, inFirstGroup = false, firstGroupSeen = false;
        var openers = new Stack<bool>();
        while (true)
        {
            var t = _c.Next();
            if (t.Kind == CTokenKind.End) return;
            // typedef void (name)(…);  void (*name(int))(int);  — the name sits in the first parenthesis.
            if (inFirstGroup && depth == 1 && t.Kind == CTokenKind.Identifier && !IsReserved(t.Text) && (previous.Is("*") || previous.Is("("))
                && ((_c.Peek().Is(")") && _c.Peek(1).Is("(")) || _c.Peek().Is("(")))
                _skipped.Add(t.Text);
            if (depth == 0)
            {
                if (t.Kind == CTokenKind.Identifier && previous.Kind == CTokenKind.Identifier && previous.Text is "struct" or "union" or "enum")
                    _skipped.Add($"{previous.Text} {t.Text}");
                else if (t.Kind == CTokenKind.Identifier) lastIdentifier = t;
                if ((t.Is(";") || t.Is(",") || t.Is("=") || t.Is("(") || t.Is("[")) && lastIdentifier.Kind == CTokenKind.Identifier && !IsReserved(lastIdentifier.Text))
                    _skipped.Add(lastIdentifier.Text);
                if (t.Is(";")) return;
                if (t.Is("{") && previous.Is(")") && !parenWasAttribute)
                {
                    _c.Index--;
                    _c.SkipBalanced();
                    return;
                }
            }
            if (t.Is("(") && depth == 0 && !firstGroupSeen && !(previous.Kind == CTokenKind.Identifier && previous.Text is "__attribute__" or "__attribute"))
            {
                firstGroupSeen = true;
                inFirstGroup = true;
            }
            else if (depth == 0) inFirstGroup = false;
            if (t.Is("(") || t.Is("[") || t.Is("{"))
            {
                openers.Push(previous.Kind == CTokenKind.Identifier && previous.Text is "__attribute__" or "__attribute" or "__asm__" or "asm" or "__asm" or "__declspec");
                depth++;
            }
            else if ((t.Is(")") || t.Is("]") || t.Is("}")) && depth > 0)
            {
                depth--;
                parenWasAttribute = openers.Pop();
            }
            previous = t;
        }
    }
}
