namespace Ffi.Spec.C;

/// <summary>What a token of C declarations is.</summary>
internal enum CTokenKind
{
    /// <summary>An identifier or keyword (<c>int</c>, <c>struct</c>, <c>crc32</c>).</summary>
    Identifier,
    /// <summary>An integer constant (<c>42</c>, <c>0x1FUL</c>, <c>'a'</c>).</summary>
    Integer,
    /// <summary>A floating constant (<c>1.5</c>): only ever skipped (in initialisers and inline bodies).</summary>
    Float,
    /// <summary>A string literal (<c>"…"</c>), as in <c>__asm__("name")</c>.</summary>
    String,
    /// <summary>An operator or punctuator (<c>*</c>, <c>&lt;&lt;</c>, <c>...</c>).</summary>
    Punct,
    /// <summary>An annotation comment (<c>/* ffi: errno caps=fs */</c>); the text after <c>ffi:</c>.</summary>
    Annotation,
    /// <summary><c>#pragma pack(…)</c>: the new packing in <see cref="CToken.Value"/> (0 = none).</summary>
    PragmaPack,
    /// <summary>A <c>#</c> that starts a preprocessor directive; its tokens follow, up to <see cref="DirectiveEnd"/>.</summary>
    Directive,
    /// <summary>The end of a directive's line.</summary>
    DirectiveEnd,
    /// <summary>The end of the input.</summary>
    End,
}

/// <summary>One token with where it starts (for errors with a caret).</summary>
/// <param name="Kind">The kind.</param>
/// <param name="Text">The text as written (for an integer: its spelling; for an annotation: its content).</param>
/// <param name="Value">An integer constant's value, or the packing of a <see cref="CTokenKind.PragmaPack"/>.</param>
/// <param name="IsUnsigned">Whether an integer constant has an unsigned type (<c>1u</c>, <c>0xFFFFFFFF</c>).</param>
/// <param name="At">Where the token starts.</param>
internal readonly record struct CToken(CTokenKind Kind, string Text, long Value, bool IsUnsigned, SourcePosition At)
{
    public bool Is(string punctOrKeyword) => (Kind is CTokenKind.Punct or CTokenKind.Identifier) && Text == punctOrKeyword;

    /// <summary>How an error names the token: <c>'int'</c>, <c>'*'</c>, or <c>the end of the input</c>.</summary>
    public string Describe() => Kind switch
    {
        CTokenKind.End => "the end of the input",
        CTokenKind.String => "a string literal",
        CTokenKind.Annotation => "an ffi: annotation",
        CTokenKind.PragmaPack => "#pragma pack",
        _ => $"'{Text}'",
    };
}
