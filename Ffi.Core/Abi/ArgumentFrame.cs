namespace Ffi.Abi;

/// <summary>
/// The layout of a call's values in memory, for callers that hand arguments over as bytes (the dynamic
/// API, the CLI): each argument at an eightbyte-aligned offset in an argument buffer (16-aligned for
/// types aligned to 16 or more), and the return value at the start of a return buffer.
/// </summary>
internal sealed class ArgumentFrame : IEquatable<ArgumentFrame>
{
    private ArgumentFrame(IReadOnlyList<long> offsets, long argumentBytes, long returnBytes)
    {
        Offsets = offsets;
        ArgumentBytes = argumentBytes;
        ReturnBytes = returnBytes;
    }

    /// <summary>Where each argument's bytes start in the argument buffer.</summary>
    public IReadOnlyList<long> Offsets { get; }

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
        other is not null && ArgumentBytes == other.ArgumentBytes && ReturnBytes == other.ReturnBytes && Offsets.SequenceEqual(other.Offsets);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ArgumentFrame);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var h = new HashCode();
        h.Add(ArgumentBytes);
        h.Add(ReturnBytes);
        foreach (var o in Offsets) h.Add(o);
        return h.ToHashCode();
    }
}
