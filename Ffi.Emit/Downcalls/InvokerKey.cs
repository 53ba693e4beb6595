using System.Reflection;
using Ffi.Abi;
using Ffi.Runtime;

namespace Ffi.Downcalls;

/// <summary>What the emitted code of a dynamic invoker does with one argument or its result (everything it reads of a <see cref="FastSlot"/>).</summary>
internal readonly record struct SlotShape(SlotKind Kind, bool Signed, int Bits, long Min, ulong Max, string? Tag, long Size, ScalarRep? Rep)
{
    // Written out: the generated equality goes through EqualityComparer<T>.Default for each member, generic code over
    // value types that the JIT compiles on a process's first call (docs/benchmarks.md, cold start).
    public bool Equals(SlotShape other) =>
        Kind == other.Kind && Signed == other.Signed && Bits == other.Bits && Min == other.Min && Max == other.Max
        && string.Equals(Tag, other.Tag, StringComparison.Ordinal) && Size == other.Size && Rep == other.Rep;

    public override int GetHashCode() => ((int)Kind * 31 + Bits) * 31 + (int)Size;

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
    private readonly SlotShape[] _slots = ShapesOf(slots);
    private readonly SlotShape _result = SlotShape.Of(result);

    public bool Objects { get; } = objects;
    public LoweredCall Lowered { get; } = lowered;
    public bool CaptureErrno { get; } = captureErrno;
    public MethodInfo? PInvoke { get; } = pinvoke;

    public bool Equals(InvokerKey? other) =>
        other is not null && Objects == other.Objects && CaptureErrno == other.CaptureErrno && Equals(PInvoke, other.PInvoke)
        && Lowered.Equals(other.Lowered) && _result.Equals(other._result) && SameSlots(other);

    private bool SameSlots(InvokerKey other)
    {
        if (_slots.Length != other._slots.Length) return false;
        for (int i = 0; i < _slots.Length; i++)
            if (!_slots[i].Equals(other._slots[i])) return false;
        return true;
    }

    private static SlotShape[] ShapesOf(FastSlot[] slots)
    {
        var shapes = new SlotShape[slots.Length];
        for (int i = 0; i < slots.Length; i++) shapes[i] = SlotShape.Of(slots[i]);
        return shapes;
    }

    public override bool Equals(object? obj) => Equals(obj as InvokerKey);

    public override int GetHashCode() =>
        (Lowered.GetHashCode() * 31 + _result.GetHashCode()) * 31 + _slots.Length * 4 + (Objects ? 2 : 0) + (CaptureErrno ? 1 : 0);
}
