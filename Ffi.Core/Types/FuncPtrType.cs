namespace Ffi.Types;

/// <summary>
/// A pointer to a C function with a known signature (8 bytes, aligned 8). Its signature is bound after
/// construction, so a struct may hold a function pointer taking that struct.
/// </summary>
public sealed class FuncPtrType : CType
{
    private CType? _return;
    private IReadOnlyList<CType>? _parameters;
    private IReadOnlyList<string?>? _names;

    internal FuncPtrType(bool variadic, string? name, string? doc) : base(name, doc) => IsVariadic = variadic;

    /// <summary>The return type.</summary>
    public CType Return => _return ?? throw new InvalidOperationException("function pointer type used before its signature was resolved");

    /// <summary>The fixed parameter types.</summary>
    public IReadOnlyList<CType> Parameters => _parameters ?? throw new InvalidOperationException("function pointer type used before its signature was resolved");

    /// <summary>Whether the function takes variable arguments after the fixed ones.</summary>
    public bool IsVariadic { get; }

    /// <param name="ret">The resolved return type.</param>
    /// <param name="parameters">The resolved parameter types.</param>
    /// <param name="names">Return then parameter type names as the spec wrote them (null for inline types, rendered when needed).</param>
    internal void Bind(CType ret, IReadOnlyList<CType> parameters, IReadOnlyList<string?> names)
    {
        if (_return is not null) throw new InvalidOperationException("function pointer signature bound twice");
        _return = ret;
        _parameters = parameters;
        _names = names;
    }

    /// <summary>Return then parameter type names as the spec wrote them (null entries for inline types).</summary>
    internal IReadOnlyList<string?> WrittenNames => _names ?? [];

    /// <inheritdoc />
    public override CTypeKind Kind => CTypeKind.FuncPtr;
    /// <inheritdoc />
    public override long Size => 8;
    /// <inheritdoc />
    public override int Align => 8;

    private protected override string Describe()
    {
        if (_names is null || _return is null || _parameters is null) return "funcptr";
        var ps = string.Join(", ", _parameters.Select((p, i) => _names[i + 1] ?? p.DisplayName));
        if (IsVariadic) ps = ps.Length == 0 ? "..." : ps + ", ...";
        return $"{_names[0] ?? _return.DisplayName} (*)({ps})";
    }
}
