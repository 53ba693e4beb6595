namespace Ffi.Abi;

/// <summary>
/// The layout of a call's values in memory, for callers that hand arguments over as bytes (the dynamic
/// API, the CLI): each argument at an eightbyte-aligned offset in an argument buffer (16-aligned for
/// types aligned to 16 or more), and the return value at the start of a return buffer.
/// </summary>
internal sealed class ArgumentFrame : IEquatable<ArgumentFrame>
{
    // The array itself, compared and hashed in loops: LINQ or an enumerator over long is generic code over a value type
    // that the JIT compiles on a process's first call (docs/benchmarks.md, cold start).
    private readonly long[] _offsets;

    private ArgumentFrame(long[] offsets, long argumentBytes, long returnBytes)
    {
        _offsets = offsets;
        Offsets = offsets;
        ArgumentBytes = argumentBytes;
        ReturnBytes = returnBytes;
    }

    /// <summary>Where each argument's bytes start in the argument buffer.</summary>
    public IReadOnlyList<long> Offsets { get; }

    /// <summary>Where argument <paramref name="index"/>'s bytes start (as <see cref="Offsets"/>, read from the array itself).</summary>
    public long OffsetOf(int index) => _offsets[index];

    /// <summary>The argument buffer's size.</summary>
    public long ArgumentBytes { get; }

    /// <summary>The return buffer's size (at least 16, whole eightbytes).</summary>
    public long ReturnBytes { get; }

    /// <summary>Lays out the values of <paramref name="plan"/>.</summary>
    public static ArgumentFrame For(CallPlan plan)
    {
        long at = 0;
        var offsets = new long[plan.Parameters.Count];
        for (int i = 0; i < offsets.Length; i++)
        {
            var t = plan.Parameters[i].Type;
            at = Layout.SysVLayout.AlignUp(at, t.Align >= 16 ? 16 : 8);
            offsets[i] = at;
            at += Layout.SysVLayout.AlignUp(Math.Max(t.Size, 1), 8);
        }
        return new ArgumentFrame(offsets, Math.Max(at, 8), Math.Max(Layout.SysVLayout.AlignUp(plan.Return.Type.Size, 8), 16));
    }

    /// <inheritdoc />
    public bool Equals(ArgumentFrame? other) =>
        other is not null && ArgumentBytes == other.ArgumentBytes && ReturnBytes == other.ReturnBytes && SameOffsets(other._offsets);

    private bool SameOffsets(long[] other)
    {
        if (_offsets.Length != other.Length) return false;
        for (int i = 0; i < other.Length; i++)
            if (_offsets[i] != other[i]) return false;
        return true;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ArgumentFrame);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        long h = ArgumentBytes * 31 + ReturnBytes;
        foreach (long o in _offsets) h = h * 31 + o;
        return h.GetHashCode();
    }
}
