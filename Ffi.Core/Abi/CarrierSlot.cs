namespace Ffi.Abi;

/// <summary>
/// One parameter of the unmanaged signature a stub calls with (or a trampoline is called with): the closed set
/// of operations of a <see cref="LoweredCall"/>, consumed by exhaustive switches.
/// </summary>
public abstract record CarrierSlot;

/// <summary>The hidden return pointer: the address of storage for a MEMORY-class result, passed first (in <c>rdi</c>).</summary>
public sealed record HiddenReturnSlot : CarrierSlot
{
    /// <inheritdoc />
    public override string ToString() => "hidden return pointer";
}

/// <summary>Argument <paramref name="Argument"/>, a scalar, in its own register, loaded as <paramref name="Rep"/>.</summary>
public sealed record ScalarSlot(int Argument, ScalarRep Rep) : CarrierSlot
{
    // Written out: the generated members go through EqualityComparer<ScalarRep>.Default, generic code over an enum that
    // the JIT compiles on a process's first call (docs/benchmarks.md, cold start).
    /// <inheritdoc />
    public bool Equals(ScalarSlot? other) => other is not null && Argument == other.Argument && Rep == other.Rep;

    /// <inheritdoc />
    public override int GetHashCode() => Argument * 31 + (int)Rep;

    /// <inheritdoc />
    public override string ToString() => $"arg{Argument}: {Rep}";
}

/// <summary>
/// Argument <paramref name="Argument"/>, an aggregate in registers: <paramref name="Bytes"/> of its C bytes copied
/// into a zeroed carrier of <paramref name="Shape"/> (fewer than its size when trailing eightbytes are padding,
/// fewer than the carrier when the aggregate is smaller: a 12-byte struct in a 16-byte carrier).
/// </summary>
public sealed record EightbytesSlot(int Argument, CarrierShape Shape, int Bytes) : CarrierSlot
{
    /// <inheritdoc />
    public override string ToString() => $"arg{Argument}: eightbytes {Shape}, {Bytes} bytes";
}

/// <summary>
/// Everything the plan puts on the stack, as one value of <paramref name="Size"/> bytes passed last (more than 16
/// bytes, so the JIT passes it in memory at the bottom of the outgoing area), with each argument copied at its offset.
/// </summary>
public sealed record StackImageSlot(long Size, IReadOnlyList<StackCopy> Copies) : CarrierSlot
{
    /// <inheritdoc />
    public bool Equals(StackImageSlot? other) =>
        other is not null && Size == other.Size && Copies.SequenceEqual(other.Copies);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var h = new HashCode();
        h.Add(Size);
        foreach (var c in Copies) h.Add(c);
        return h.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() => $"stack image {Size}: {string.Join(", ", Copies)}";
}

/// <summary>
/// Argument <paramref name="Argument"/>'s <paramref name="Bytes"/> C bytes at <paramref name="Offset"/> in the stack
/// image: a scalar of representation <paramref name="Rep"/>, or an aggregate's bytes (<paramref name="Rep"/> null).
/// </summary>
public readonly record struct StackCopy(int Argument, long Offset, long Bytes, ScalarRep? Rep)
{
    /// <inheritdoc />
    public override string ToString() => Rep is { } rep ? $"arg{Argument}@{Offset} {rep}" : $"arg{Argument}@{Offset} {Bytes} bytes";
}
