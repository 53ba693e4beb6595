namespace Ffi.Types;

/// <summary>A C union: every member at offset 0; size is the largest member rounded up to the alignment.</summary>
public sealed class UnionType : AggregateType
{
    internal UnionType(IReadOnlyList<CField> fields, long size, int align, bool packed, int? requestedAlign, string? name, string? doc, int? pack = null)
        : base(fields, size, align, packed, requestedAlign, name, doc, pack) { }

    /// <inheritdoc />
    public override CTypeKind Kind => CTypeKind.Union;

    private protected override string Describe() => "union {…}";
}
