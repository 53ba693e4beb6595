namespace Ffi.Types;

/// <summary>
/// An opaque tagged value laid out as its representation (usually a pointer, e.g. <c>sqlite3*</c>;
/// an integer for descriptors). Values of one handle type cannot be passed where another tag is expected.
/// </summary>
public sealed class HandleType : CType
{
    internal HandleType(string tag, CType rep, string? name, string? doc) : base(name, doc)
    {
        Tag = tag;
        Rep = rep;
    }

    /// <summary>The tag that labels values of this handle type.</summary>
    public string Tag { get; }

    /// <summary>The representation: a scalar (integer, enum, pointer, function pointer or handle).</summary>
    public CType Rep { get; }

    /// <inheritdoc />
    public override CTypeKind Kind => CTypeKind.Handle;
    /// <inheritdoc />
    public override long Size => Rep.Size;
    /// <inheritdoc />
    public override int Align => Rep.Align;

    private protected override string Describe() => $"handle<{Tag}>";
}
