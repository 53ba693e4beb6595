namespace Ffi.Types;

/// <summary>A C struct laid out as GCC lays it out on x86-64 (bitfields, <c>packed</c> and <c>aligned</c> included).</summary>
public sealed class StructType : AggregateType
{
    internal StructType(IReadOnlyList<CField> fields, long size, int align, bool packed, int? requestedAlign, string? name, string? doc, int? pack = null)
        : base(fields, size, align, packed, requestedAlign, name, doc, pack) { }

    /// <inheritdoc />
    public override CTypeKind Kind => CTypeKind.Struct;

    /// <summary>Whether the last member is a flexible array (<c>int data[];</c>).</summary>
    public bool HasFlexibleArray => Fields.Count > 0 && Fields[^1].Type is ArrayType { IsFlexible: true };

    private protected override string Describe() => "struct {…}";
}
