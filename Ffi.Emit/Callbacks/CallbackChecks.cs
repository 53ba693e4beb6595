using System.Reflection.Emit;

namespace Ffi.Callbacks;

/// <summary>What emitted downcall stubs do about callbacks after the call.</summary>
internal static class CallbackChecks
{
    /// <summary>
    /// A tracked call (<paramref name="frame"/> set): ends the frame, which throws what a callback threw. An untracked
    /// one: one static read, and a look at the thread only when some thread has a pending failure.
    /// </summary>
    public static void EmitAfterCall(ILGenerator il, LocalBuilder? frame, string function)
    {
        if (frame is not null)
        {
            il.Emit(OpCodes.Ldloc, frame);
            il.Emit(OpCodes.Ldstr, function);
            il.Emit(OpCodes.Call, typeof(CallbackRuntime).GetMethod(nameof(CallbackRuntime.Exit))!);
            return;
        }
        var none = il.DefineLabel();
        il.Emit(OpCodes.Ldsfld, typeof(CallbackRuntime).GetField(nameof(CallbackRuntime.PendingCount))!);
        il.Emit(OpCodes.Brfalse, none);
        il.Emit(OpCodes.Ldstr, function);
        il.Emit(OpCodes.Call, typeof(CallbackRuntime).GetMethod(nameof(CallbackRuntime.ThrowPending))!);
        il.MarkLabel(none);
    }
}
