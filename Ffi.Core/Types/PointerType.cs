namespace Ffi.Types;

/// <summary>
/// A data pointer (8 bytes, aligned 8). Its pointee is bound after construction so that
/// self-referencing types (<c>struct node { struct node *next; }</c>) can be described.
/// </summary>
public sealed class PointerType : CType
{
    private CType? _pointee;
    private string? _pointeeName;

    internal PointerType(string? tag, string? name, string? doc) : base(name, doc) => Tag = tag;

    /// <summary>The type pointed to (<c>void</c> for <c>void*</c>).</summary>
    public CType Pointee => _pointee ?? throw new InvalidOperationException("pointer type used before its pointee was resolved");

    /// <summary>The spec's <c>"tag"</c>: a label carried by the pointers this type produces, or <see langword="null"/>.</summary>
    public string? Tag { get; }

    /// <summary>Whether this is <c>char*</c> or <c>unsigned char*</c> (an 8-bit, non-bool integer pointee).</summary>
    public bool IsCharPointer => Pointee is IntType { Bits: 8, IsBool: false };

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
