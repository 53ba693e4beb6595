namespace Ffi.Types;

/// <summary>
/// A data pointer (8 bytes, aligned 8). Its pointee is bound after construction so that
/// self-referencing types (<c>struct node { struct node *next; }</c>) can be described.
/// </summary>
public sealed class PointerType : CType
{
    private CType? _pointee;
    private string? _pointeeName;

    internal PointerType(string? tag, string? name, string? doc, bool pointeeConst = false) : base(name, doc)
    {
        Tag = tag;
        IsPointeeConst = pointeeConst;
    }

    /// <summary>The type pointed to (<c>void</c> for <c>void*</c>).</summary>
    public CType Pointee => _pointee ?? throw new InvalidOperationException("pointer type used before its pointee was resolved");

    /// <summary>The spec's <c>"tag"</c>: a label carried by the pointers this type produces, or <see langword="null"/>.</summary>
    public string? Tag { get; }

    /// <summary>
    /// Whether the pointee is <c>const</c>: the builtin <c>string</c> (<c>const char *</c>), a C spelling with
    /// <c>const</c> (<c>"const unsigned char *"</c>), or a pointer object with <c>"const": true</c>. Only such a
    /// <c>char</c> pointer takes a string argument: a string is passed as a temporary copy that C must not write.
    /// </summary>
    public bool IsPointeeConst { get; }

    /// <summary>Whether this is <c>char*</c> or <c>unsigned char*</c> (an 8-bit, non-bool integer pointee).</summary>
    public bool IsCharPointer => Pointee is IntType { Bits: 8, IsBool: false };

    /// <summary>Whether this is a pointer to <c>const char</c> (or <c>const unsigned char</c>): the only pointer a string is passed for.</summary>
    public bool IsConstCharPointer => IsCharPointer && IsPointeeConst;

    /// <summary>
    /// Why a string is refused for a writable <c>char *</c>, and the fix; every API words it so (the typed, FfiValue,
    /// object and CLI paths). C may write into its argument (<c>char *dest</c>), and past the end of a temporary copy.
    /// </summary>
    internal const string WritableStringRefusal =
        "a string is only passed for a const char pointer (C may write into a char *, past the end of the temporary copy): "
        + "declare it const char* / \"string\", or pass a buffer (a byte array, a span or a NativeBlock)";

    /// <param name="pointee">The resolved pointee.</param>
    /// <param name="writtenName">The pointee's name as the spec wrote it (an alias stays an alias in renderings).</param>
    internal void Bind(CType pointee, string? writtenName = null)
    {
        if (_pointee is not null) throw new InvalidOperationException("pointer pointee bound twice");
        _pointee = pointee;
        _pointeeName = writtenName;
    }

    /// <summary>The pointee's name as the spec wrote it, or null for an inline pointee.</summary>
    internal string? WrittenPointeeName => _pointeeName;

    /// <inheritdoc />
    public override CTypeKind Kind => CTypeKind.Pointer;
    /// <inheritdoc />
    public override long Size => 8;
    /// <inheritdoc />
    public override int Align => 8;

    private protected override string Describe() => (_pointeeName ?? _pointee?.DisplayName ?? "?") + "*";
}
