namespace Ffi.Spec.C;

internal sealed partial class CParser
{
    /// <summary>The declaration specifiers: the type and what the declaration is (typedef, static, inline…).</summary>
    // AttributePacked, AttributeAlign: __attribute__((packed, aligned(N))) among the specifiers, which gcc applies to
    // what is declared (a member, or the type a typedef names).
    private sealed record DeclSpec(CDeclType Type, bool Typedef, bool Static, bool Inline, string? TagDefined, int? AlignAs,
        bool AttributePacked = false, int? AttributeAlign = null);

    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "typedef", "extern", "static", "auto", "register", "_Thread_local", "__thread", "inline", "__inline", "__inline__",
        "_Noreturn", "__extension__", "const", "__const", "__const__", "volatile", "__volatile", "__volatile__", "restrict",
        "__restrict", "__restrict__", "__attribute__", "__attribute", "_Alignas", "__declspec", "void", "char", "short", "int",
        "long", "float", "double", "signed", "__signed", "__signed__", "unsigned", "_Bool", "struct", "union", "enum", "sizeof",
        "__asm__", "__asm", "asm", "_Static_assert", "alignas",
    };

    private static bool IsReserved(string word) => Keywords.Contains(word) || CTypeNames.Unsupported.Contains(word);

    /// <summary>Whether <paramref name="t"/> can start declaration specifiers (so a parenthesis holds a type name, not an expression).</summary>
    private bool IsTypeStart(CToken t)
    {
        if (t.Kind != CTokenKind.Identifier) return false;
        return t.Text switch
        {
            "const" or "__const" or "__const__" or "volatile" or "__volatile__" or "restrict" or "__restrict" or "__restrict__" or "__extension__"
                or "void" or "char" or "short" or "int" or "long" or "float" or "double" or "signed" or "__signed__" or "unsigned" or "_Bool"
                or "struct" or "union" or "enum" or "__attribute__" => true,
            _ => _d.Typedefs.ContainsKey(t.Text) || CTypeNames.KnownTypedefs.ContainsKey(t.Text) || CTypeNames.Unsupported.Contains(t.Text) || _skipped.Contains(t.Text),
        };
    }

    private DeclSpec Specifiers(bool allowStorage)
    {
        var at = _c.Peek().At;
        string? basic = null, sign = null, tagDefined = null;
        int longs = 0;
        bool isShort = false, isConst = false, typedef = false, isStatic = false, inline = false;
        int? alignAs = null, attributeAlign = null;
        bool attributePacked = false;
        CDeclType? named = null;
        while (_c.Peek().Kind == CTokenKind.Identifier)
        {
            var t = _c.Peek();
            switch (t.Text)
            {
                case "typedef" or "extern" or "static" or "auto" or "register" or "_Thread_local" or "__thread":
                    if (!allowStorage) throw _c.Error(t.At, $"'{t.Text}' is not allowed here");
                    typedef |= t.Text == "typedef";
                    isStatic |= t.Text == "static";
                    break;
                case "inline" or "__inline" or "__inline__":
                    inline = true;
                    break;
                case "_Noreturn" or "__extension__" or "volatile" or "__volatile" or "__volatile__" or "restrict" or "__restrict" or "__restrict__":
                    break;
                case "const" or "__const" or "__const__":
                    isConst = true;
                    break;
                case "__attribute__" or "__attribute":
                    Attributes(out bool packedHere, out var aligned);
                    attributePacked |= packedHere;
                    attributeAlign = Max(attributeAlign, aligned);
                    continue;
                case "__declspec":
                    _c.Next();
                    _c.SkipBalanced();
                    continue;
                case "_Alignas" or "alignas":
                {
                    _c.Next();
                    _c.Expect("(", $"'(' after {t.Text}");
                    int n = IsTypeStart(_c.Peek()) ? TypeName().Align : (int)ConstantExpression.Evaluate(_c, this).Value;
                    _c.Expect(")", $"')' to close {t.Text}(…)");
                    alignAs = Math.Max(alignAs ?? 1, n);
                    continue;
                }
                case "void" or "char" or "int" or "float" or "double" or "_Bool":
                    if (basic is not null || named is not null) throw _c.Error(t.At, $"two types in one declaration: '{t.Text}' after '{basic ?? "a type name"}'");
                    basic = t.Text;
                    break;
                case "short":
                    isShort = true;
                    break;
                case "long":
                    longs++;
                    break;
                case "signed" or "__signed" or "__signed__" or "unsigned":
                    if (sign is not null) throw _c.Error(t.At, $"'{t.Text}' after '{sign}'");
                    sign = t.Text == "unsigned" ? "unsigned" : "signed";
                    break;
                case "struct" or "union" or "enum":
                    if (basic is not null || named is not null || sign is not null || longs > 0 || isShort)
                        throw _c.Error(t.At, $"two types in one declaration: '{t.Text}' after another type");
                    named = TagSpecifier(out tagDefined);
                    continue;
                default:
                    if (CTypeNames.Unsupported.Contains(t.Text)) throw new SkipDeclaration($"uses {t.Text}, which the engine cannot represent");
                    if (basic is not null || named is not null || sign is not null || longs > 0 || isShort) goto done;
                    if (_skipped.Contains(t.Text)) throw new SkipDeclaration($"uses {t.Text}, which was skipped");
                    if (_d.Typedefs.ContainsKey(t.Text)) named = new CTypedefRef(t.At, t.Text);
                    else if (CTypeNames.KnownTypedefs.TryGetValue(t.Text, out var builtin)) named = new CBuiltin(t.At, builtin, false);
                    else if (_c.Peek(1).Kind == CTokenKind.Identifier || _c.Peek(1).Is("*")) throw UnknownTypeName(t);
                    else goto done;
                    break;
            }
            _c.Next();
        }
    done:
        CDeclType type;
        if (named is not null)
        {
            if (basic is not null || sign is not null || longs > 0 || isShort) throw _c.Error(at, "two types in one declaration");
            type = named is CBuiltin b ? b with { Const = isConst } : named;
        }
        else if (basic is null && sign is null && longs == 0 && !isShort)
        {
            throw _c.Fail(_c.Peek(), "expected a type (such as int, struct NAME or a typedef name)");
        }
        else
        {
            var name = CTypeNames.Combine(basic, longs, isShort, sign, out var error);
            if (name is null)
            {
                if (basic == "double") throw new SkipDeclaration(error!);
                throw _c.Error(at, error!);
            }
            type = new CBuiltin(at, name, isConst);
        }
        return new DeclSpec(type, typedef, isStatic, inline, tagDefined, alignAs, attributePacked, attributeAlign);
    }

    private FfiSpecException UnknownTypeName(CToken t)
    {
        var known = _d.Typedefs.Keys.Concat(CTypeNames.KnownTypedefs.Keys)
            .Concat(["void", "char", "short", "int", "long", "float", "double", "signed", "unsigned", "_Bool", "struct", "union", "enum", "const"]);
        return _c.Error(t.At, $"unknown type name '{t.Text}'{Suggest.DidYouMean(t.Text, known)}");
    }

    /// <summary>
    /// <c>__attribute__((packed, aligned(8)))</c>: reads any run of attributes, returning whether there was one and
    /// what it said about packing and alignment. Every other attribute (<c>nonnull</c>, <c>deprecated</c>…) is ignored.
    /// </summary>
    private bool Attributes(out bool packed, out int? aligned)
    {
        packed = false;
        aligned = null;
        bool any = false;
        while (_c.Peek().Kind == CTokenKind.Identifier && _c.Peek().Text is "__attribute__" or "__attribute")
        {
            any = true;
            var at = _c.Next();
            _c.Expect("(", "'((' after __attribute__");
            _c.Expect("(", "'((' after __attribute__");
            while (!_c.Peek().Is(")"))
            {
                var word = _c.Peek();
                if (word.Kind == CTokenKind.Identifier)
                {
                    _c.Next();
                    var w = word.Text.Trim('_');
                    if (w == "packed") packed = true;
                    if (w == "aligned")
                    {
                        if (_c.Accept("("))
                        {
                            var v = IsTypeStart(_c.Peek()) ? TypeName().Align : ConstantExpression.Evaluate(_c, this).Value;
                            if (v <= 0 || (v & (v - 1)) != 0 || v > Layout.SysVLayout.MaxAlign)
                                throw _c.Error(word.At, $"aligned({v}): the alignment must be a power of two from 1 to {Layout.SysVLayout.MaxAlign}");
                            aligned = Math.Max(aligned ?? 1, (int)v);
                            _c.Expect(")", "')' to close aligned(…)");
                        }
                        else
                        {
                            aligned = 16; // aligned with no argument: the largest alignment of the target (16 on x86-64)
                        }
                    }
                    else if (_c.Peek().Is("(")) _c.SkipBalanced();
                }
                else if (!word.Is(",")) throw _c.Fail(word, "expected an attribute name or '))' to close __attribute__((…))");
                else _c.Next();
            }
            _c.Expect(")", "'))' to close __attribute__((…))");
            _c.Expect(")", "'))' to close __attribute__((…))");
        }
        return any;
    }
}
