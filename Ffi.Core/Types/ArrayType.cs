namespace Ffi.Types;

/// <summary>
/// A C array: <see cref="Length"/> elements laid out back to back, aligned as the element.
/// Without a length it is a flexible array member (<c>int data[];</c>): size 0, valid as the last
/// field of a struct or as a pointee, never by value.
/// </summary>
public sealed class ArrayType : CType
{
    private readonly string? _elementName;

    internal ArrayType(CType element, long? length, string? name, string? doc, string? writtenElementName = null) : base(name, doc)
    {
        _elementName = writtenElementName;
        ArgumentNullException.ThrowIfNull(element);
        if (length < 0) throw new ArgumentOutOfRangeException(nameof(length), length, "array length must be non-negative");
        Element = element;
        Length = length;
        // Computed once: a chain of named array types (a1 = a0[1], a2 = a1[1], …) would otherwise recompute the
        // whole chain on every query, which made resolving and classifying it quadratic in its depth.
        Size = checked((length ?? 0) * element.Size);
        Align = element.Align;
    }

    /// <summary>The element type.</summary>
    public CType Element { get; }

    /// <summary>The number of elements, or <see langword="null"/> for a flexible array.</summary>
    public long? Length { get; }

    /// <summary>Whether this is a flexible array (no length).</summary>
    public bool IsFlexible => Length is null;

    /// <inheritdoc />
    public override CTypeKind Kind => CTypeKind.Array;
    /// <inheritdoc />
    public override long Size { get; }
    /// <inheritdoc />
    public override int Align { get; }

    /// <summary>The element's name as the spec wrote it, or null for an inline element.</summary>
    internal string? WrittenElementName => _elementName;

    private protected override string Describe() => $"{_elementName ?? Element.DisplayName}[{Length?.ToString(System.Globalization.CultureInfo.InvariantCulture)}]";
}
