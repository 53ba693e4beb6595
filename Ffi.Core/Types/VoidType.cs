namespace Ffi.Types;

/// <summary>C <c>void</c>: size 0, alignment 1; valid only as a return type or a pointee.</summary>
public sealed class VoidType : CType
{
    internal VoidType(string? name, string? doc) : base(name, doc) { }

    /// <inheritdoc />
    public override CTypeKind Kind => CTypeKind.Void;
    /// <inheritdoc />
    public override long Size => 0;
    /// <inheritdoc />
    public override int Align => 1;

    private protected override string Describe() => "void";
}
