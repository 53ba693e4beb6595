using System.Reflection;
using Ffi.Il;

namespace Ffi.Callbacks;

/// <summary>
/// Where a typed trampoline's body (<see cref="TypedTrampolineBody"/>) finds what differs between the two worlds: its
/// slot and delegate fields, the "a failure is recorded somewhere" flag, and what it calls when the callback threw,
/// was called after its release, or may have to return at once. The conversions and the recipe are the same for
/// every target:
/// <list type="bullet">
/// <item>run time (<see cref="RuntimeTrampolineTarget.For"/>): fields of a dynamic chunk, the engine's internal
/// <c>Runtime.CallbackSlot</c>, <c>CallbackFrames</c> and <see cref="CallbackRuntime"/>;</item>
/// <item>compiled bindings (<c>Ffi.Compile</c>): fields of a generated pool class, and the public, AOT-safe
/// <c>Ffi.Interop.TrampolineSlot</c> and <c>Ffi.Interop.CallbackCalls</c>.</item>
/// </list>
/// </summary>
internal sealed class TrampolineTarget(FieldInfo slotField, FieldInfo delegateField, FieldInfo failing, MethodInfo fail,
    MethodInfo stale, MethodInfo shouldSkip)
{
    /// <summary>The static field holding the trampoline's slot.</summary>
    public FieldInfo SlotField { get; } = slotField;

    /// <summary>The static field, of the delegate's own type, holding what the slot forwards to (null while it is free).</summary>
    public FieldInfo DelegateField { get; } = delegateField;

    /// <summary>The static <c>int</c> that is not zero while some failure is recorded and not yet thrown.</summary>
    public FieldInfo Failing { get; } = failing;

    /// <summary><c>static void Fail(slot, Exception)</c>: records what the callback threw; never throws.</summary>
    public MethodInfo Fail { get; } = fail;

    /// <summary><c>static void Stale(slot)</c>: counts and reports a call into a released slot; never throws.</summary>
    public MethodInfo Stale { get; } = stale;

    /// <summary><c>static bool ShouldSkip(slot)</c>: whether the callback's downcall (or thread) already has a failure.</summary>
    public MethodInfo ShouldSkip { get; } = shouldSkip;
}
