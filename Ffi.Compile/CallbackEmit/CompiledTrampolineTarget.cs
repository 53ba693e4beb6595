using System.Reflection;
using Ffi.Callbacks;
using Ffi.Interop;

namespace Ffi.Compile.CallbackEmit;

/// <summary>
/// The <see cref="TrampolineTarget"/> of compiled bindings: the trampoline's fields in its generated pool class (named
/// through the first-phase assembly, which the Cecil sink maps to the ones being written) and the public, AOT-safe
/// <see cref="TrampolineSlot"/> and <see cref="CallbackCalls"/> of <c>Ffi.Core</c> instead of the engine's internals.
/// <code>
///   volatile. ldsfld cmp_fn Native/'&lt;Callbacks&gt;cmp_fn'::D3   // the delegate (null: a stale call → CallbackCalls.Stale(S3))
///   ldsfld int32 CallbackCalls::Failing                     // not 0: CallbackCalls.ShouldSkip(S3) first
///   … try { invoke } catch (Exception) { CallbackCalls.Fail(S3, e); zero }   // S3: the slot, read from its field there
/// </code>
/// </summary>
internal static class CompiledTrampolineTarget
{
    private static readonly FieldInfo FailingField = typeof(CallbackCalls).GetField(nameof(CallbackCalls.Failing))!;
    private static readonly MethodInfo FailMethod = typeof(CallbackCalls).GetMethod(nameof(CallbackCalls.Fail))!;
    private static readonly MethodInfo StaleMethod = typeof(CallbackCalls).GetMethod(nameof(CallbackCalls.Stale))!;
    private static readonly MethodInfo ShouldSkipMethod = typeof(CallbackCalls).GetMethod(nameof(CallbackCalls.ShouldSkip))!;

    /// <summary>The target of the trampoline whose slot and delegate are these fields of its pool class.</summary>
    public static TrampolineTarget For(FieldInfo slotField, FieldInfo delegateField) =>
        new(slotField, delegateField, FailingField, FailMethod, StaleMethod, ShouldSkipMethod);
}
