using System.Reflection;
using Ffi.Abi;
using Ffi.Runtime;

namespace Ffi.Downcalls;

/// <summary>What the emitted code of a dynamic invoker does with one argument or its result (everything it reads of a <see cref="FastSlot"/>).</summary>
internal readonly record struct SlotShape(SlotKind Kind, bool Signed, int Bits, long Min, ulong Max, string? Tag, long Size, ScalarRep? Rep)
{
    public static SlotShape Of(in FastSlot s) => new(s.Kind, s.Signed, s.Bits, s.Min, s.Max, s.Tag, s.Type.Size,
        s.Kind is SlotKind.Integer or SlotKind.Bool or SlotKind.Float32 or SlotKind.Float64 or SlotKind.Pointer or SlotKind.CharPointer
            ? SysVCallPlanner.RepOf(s.Type is Types.HandleType h ? h.Rep : s.Type) : null);
}

/// <summary>
/// Everything a dynamic invoker's code depends on: functions with equal keys share one emitted method, bound to
/// each function's <see cref="Runtime.DynamicTarget"/>. A trivial function's P/Invoke is its own, so it is part of the key.
/// </summary>
internal sealed class InvokerKey(bool objects, LoweredCall lowered, FastSlot[] slots, FastSlot result, bool captureErrno, MethodInfo? pinvoke)
    : IEquatable<InvokerKey>
{
    private readonly SlotShape[] _slots = slots.Select(s => SlotShape.Of(s)).ToArray();
    private readonly SlotShape _result = SlotShape.Of(result);

    public bool Objects { get; } = objects;
    public LoweredCall Lowered { get; } = lowered;
    public bool CaptureErrno { get; } = captureErrno;
    public MethodInfo? PInvoke { get; } = pinvoke;

    public bool Equals(InvokerKey? other) =>
        other is not null && Objects == other.Objects && CaptureErrno == other.CaptureErrno && Equals(PInvoke, other.PInvoke)
        && Lowered.Equals(other.Lowered) && _result == other._result && _slots.AsSpan().SequenceEqual(other._slots);

    public override bool Equals(object? obj) => Equals(obj as InvokerKey);

    public override int GetHashCode() => HashCode.Combine(Objects, Lowered, _result, _slots.Length, CaptureErrno);
}
