using System.Reflection;
using Ffi.Runtime;

namespace Ffi.Callbacks;

/// <summary>The run-time <see cref="TrampolineTarget"/>: a chunk's own fields and the engine's callback runtime.</summary>
internal static class RuntimeTrampolineTarget
{
    private static readonly FieldInfo FailingField = typeof(CallbackFrames).GetField(nameof(CallbackFrames.Failing))!;
    private static readonly MethodInfo FailMethod = typeof(CallbackRuntime).GetMethod(nameof(CallbackRuntime.Fail))!;
    private static readonly MethodInfo StaleMethod = typeof(CallbackRuntime).GetMethod(nameof(CallbackRuntime.Stale))!;
    private static readonly MethodInfo ShouldSkipMethod = typeof(CallbackFrames).GetMethod(nameof(CallbackFrames.ShouldSkip))!;

    /// <summary>The target of the trampoline whose slot and delegate are these fields of its chunk.</summary>
    public static TrampolineTarget For(FieldInfo slotField, FieldInfo delegateField) =>
        new(slotField, delegateField, FailingField, FailMethod, StaleMethod, ShouldSkipMethod);
}
