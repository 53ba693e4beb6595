using Ffi.Types;

namespace Ffi.Abi;

/// <summary>
/// How one argument or the return value travels — the closed set of plan operations an emitter executes
/// with an exhaustive switch.
/// </summary>
/// <param name="Type">The C type of the value.</param>
public abstract record ValuePass(CType Type);

/// <summary>A scalar in one register or stack slot.</summary>
public sealed record ScalarPass(CType Type, ScalarRep Rep, Location Where) : ValuePass(Type)
{
    /// <inheritdoc />
    public override string ToString() => $"{Type.DisplayName} {Rep} -> {Where}";
}

/// <summary>
/// An aggregate of at most 16 bytes, classified per eightbyte: each eightbyte in a general or vector register,
/// or — when the registers ran out — the whole aggregate on the stack.
/// </summary>
public sealed record EightbytesPass(CType Type, IReadOnlyList<EightbyteClass> Classes, IReadOnlyList<Location> Where) : ValuePass(Type)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{Type.DisplayName} ({Type.Size} bytes) [{string.Join(", ", Classes)}] -> {string.Join(" + ", Where)}";
}

/// <summary>An aggregate in memory: copied to the stack as an argument, or returned through a hidden pointer.</summary>
public sealed record MemoryPass(CType Type, Location Where) : ValuePass(Type)
{
    /// <inheritdoc />
    public override string ToString() => $"{Type.DisplayName} ({Type.Size} bytes) MEMORY -> {Where}";
}

/// <summary>A value that takes no register or stack space: <c>void</c>, or an empty struct (gcc passes nothing).</summary>
public sealed record OmittedPass(CType Type) : ValuePass(Type)
{
    /// <inheritdoc />
    public override string ToString() => $"{Type.DisplayName} (nothing passed)";
}
