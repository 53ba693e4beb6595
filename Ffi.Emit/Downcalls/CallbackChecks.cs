using System.Reflection.Emit;
using Ffi.Il;
using Ffi.Runtime;

namespace Ffi.Downcalls;

/// <summary>What emitted downcall stubs do about callbacks after the call.</summary>
internal static class CallbackChecks
{
    /// <summary>
    /// A tracked call (<paramref name="frame"/> set): ends the frame, which throws what a callback threw. An untracked
    /// one: one static read, and a look at the thread only when some thread has a pending failure.
    /// </summary>
    /// <param name="il">The generator.</param>
    /// <param name="frame">The tracked call's frame, or null for an untracked call.</param>
    /// <param name="pushFunctionName">Pushes the function's name (failures are reported under it).</param>
    public static void EmitAfterCall(IlWriter il, IlLocal? frame, Action<IlWriter> pushFunctionName)
    {
        if (frame is not null)
        {
            il.Emit(OpCodes.Ldloc, frame);
            pushFunctionName(il);
            il.Emit(OpCodes.Call, typeof(CallbackFrames).GetMethod(nameof(CallbackFrames.Exit))!);
            return;
        }
        var none = il.DefineLabel();
        il.Emit(OpCodes.Ldsfld, typeof(CallbackFrames).GetField(nameof(CallbackFrames.PendingCount))!);
        il.Emit(OpCodes.Brfalse, none);
        pushFunctionName(il);
        il.Emit(OpCodes.Call, typeof(CallbackFrames).GetMethod(nameof(CallbackFrames.ThrowPending))!);
        il.MarkLabel(none);
    }
}
