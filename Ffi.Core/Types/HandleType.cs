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
        // Computed once, as for arrays: a chain of handles over handles must not be walked on every query.
        Size = rep.Size;
        Align = rep.Align;
    }

    /// <summary>The tag that labels values of this handle type.</summary>
    public string Tag { get; }

    /// <summary>The representation: a scalar (integer, enum, pointer, function pointer or handle).</summary>
    public CType Rep { get; }

    /// <inheritdoc />
    public override CTypeKind Kind => CTypeKind.Handle;
    /// <inheritdoc />
    public override long Size { get; }
    /// <inheritdoc />
    public override int Align { get; }

    private protected override string Describe() => $"handle<{Tag}>";
}
