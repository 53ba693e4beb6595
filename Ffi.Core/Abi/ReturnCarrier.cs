namespace Ffi.Abi;

/// <summary>How the result comes back from the unmanaged call: the closed set a stub or trampoline switches on.</summary>
public abstract record ReturnCarrier;

/// <summary>Nothing comes back: <c>void</c>, or an empty aggregate.</summary>
public sealed record NoReturn : ReturnCarrier
{
    /// <inheritdoc />
    public override string ToString() => "nothing";
}

/// <summary>A scalar in <c>rax</c> or <c>xmm0</c>, as <paramref name="Rep"/>.</summary>
public sealed record ScalarReturn(ScalarRep Rep) : ReturnCarrier
{
    // Written out, as ScalarSlot's: no EqualityComparer<ScalarRep> to compile on a process's first call.
    /// <inheritdoc />
    public bool Equals(ScalarReturn? other) => other is not null && Rep == other.Rep;

    /// <inheritdoc />
    public override int GetHashCode() => (int)Rep;

    /// <inheritdoc />
    public override string ToString() => Rep.ToString();
}

/// <summary>An aggregate in registers: a carrier of <paramref name="Shape"/> of which <paramref name="Bytes"/> are the C value's.</summary>
public sealed record EightbytesReturn(CarrierShape Shape, int Bytes) : ReturnCarrier
{
    /// <inheritdoc />
    public override string ToString() => $"eightbytes {Shape}, {Bytes} bytes";
}

/// <summary>A MEMORY-class aggregate of <paramref name="Size"/> bytes written through the hidden pointer (which <c>rax</c> repeats).</summary>
public sealed record MemoryReturn(long Size) : ReturnCarrier
{
    /// <inheritdoc />
    public override string ToString() => $"memory, {Size} bytes through the hidden pointer";
}
