using System.Reflection;
using Ffi.Runtime;

namespace Ffi.Callbacks;

/// <summary>The run-time <see cref="TrampolineTarget"/>: a chunk's own fields and the engine's callback runtime.</summary>
internal sealed class RuntimeTrampolineTarget(FieldInfo slotField, FieldInfo delegateField) : TrampolineTarget
{
    private static readonly FieldInfo FailingField = typeof(CallbackFrames).GetField(nameof(CallbackFrames.Failing))!;
    private static readonly MethodInfo FailMethod = typeof(CallbackRuntime).GetMethod(nameof(CallbackRuntime.Fail))!;
    private static readonly MethodInfo StaleMethod = typeof(CallbackRuntime).GetMethod(nameof(CallbackRuntime.Stale))!;
    private static readonly MethodInfo ShouldSkipMethod = typeof(CallbackFrames).GetMethod(nameof(CallbackFrames.ShouldSkip))!;

    /// <inheritdoc />
    public override Type SlotType => typeof(CallbackSlot);

    /// <inheritdoc />
    public override FieldInfo SlotField => slotField;

    /// <inheritdoc />
    public override FieldInfo DelegateField => delegateField;

    /// <inheritdoc />
    public override FieldInfo Failing => FailingField;

    /// <inheritdoc />
    public override MethodInfo Fail => FailMethod;

    /// <inheritdoc />
    public override MethodInfo Stale => StaleMethod;

    /// <inheritdoc />
    public override MethodInfo ShouldSkip => ShouldSkipMethod;
}
