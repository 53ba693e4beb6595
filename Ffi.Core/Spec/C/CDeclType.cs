namespace Ffi.Spec.C;

// C types as a declaration spells them, before they become spec syntax. The reader needs this middle
// step because C decides late what a spelling means: `struct sqlite3 *` is a tagged handle only if
// `struct sqlite3` is never completed anywhere in the text, and `char *` is a writable buffer while
// `const char *` is the spec's `string`.

/// <summary>A C type as written.</summary>
internal abstract record CDeclType(SourcePosition At);

/// <summary>A builtin spec type (<c>int</c>, <c>uint</c>, <c>char</c>, <c>size_t</c>…); <paramref name="Const"/> as qualified.</summary>
internal sealed record CBuiltin(SourcePosition At, string Name, bool Const) : CDeclType(At);

/// <summary>A typedef name declared in the text.</summary>
internal sealed record CTypedefRef(SourcePosition At, string Name) : CDeclType(At);

/// <summary>A tagged type by its key (<c>struct tm</c>, <c>union u</c>, <c>enum e</c>), complete or not.</summary>
internal sealed record CTagRef(SourcePosition At, string Key) : CDeclType(At);

internal sealed record CPointer(SourcePosition At, CDeclType To) : CDeclType(At);

/// <summary>An array; no length: flexible (<c>int data[]</c>).</summary>
internal sealed record CArray(SourcePosition At, CDeclType Of, long? Length) : CDeclType(At);

internal sealed record CFunction(SourcePosition At, CDeclType Ret, IReadOnlyList<CParam> Params, bool Variadic) : CDeclType(At);

/// <summary>A struct or union body (named ones are also registered under their tag); <paramref name="Pack"/>: the <c>#pragma pack(N)</c> it was read under.</summary>
internal sealed record CAggregate(SourcePosition At, bool IsUnion, IReadOnlyList<CMember> Members, bool Packed, int? Align, int? Pack = null) : CDeclType(At);

/// <summary>An enum body: its constants and the integer type gcc gives it.</summary>
internal sealed record CEnum(SourcePosition At, string Base, IReadOnlyList<(string Name, long Value, SourcePosition At)> Values) : CDeclType(At);

internal sealed record CParam(string? Name, CDeclType Type, SourcePosition At);

internal sealed record CMember(string Name, CDeclType Type, int? Bits, SourcePosition At, int? Align = null, bool Packed = false);
