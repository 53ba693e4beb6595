using System.Reflection.Emit;
using Ffi.Abi;
using Ffi.Binding;
using Ffi.Il;
using Ffi.Marshallers;

namespace Ffi.Callbacks;

/// <summary>
/// The body of a typed trampoline: reads its own typed delegate field, converts each argument from where
/// the recipe says C put it to the delegate's parameter type, invokes the delegate directly inside try/catch, and
/// stores the result in the return carrier or the hidden return pointer's storage. No exception leaves it. Run-time
/// chunks and compiled bindings both come from here; only the <see cref="TrampolineTarget"/> (where the slot, the
/// delegate and the failure bookkeeping are) differs.
/// </summary>
internal static class TypedTrampolineBody
{
    /// <summary>Emits the body of one trampoline.</summary>
    /// <param name="il">The writer.</param>
    /// <param name="plan">The callback's recipe (run backwards: each argument is read where C put it).</param>
    /// <param name="typed">The delegate type and its conversions.</param>
    /// <param name="target">The trampoline's fields and what it calls on failure.</param>
    public static void Emit(IlWriter il, LoweredCall plan, TypedCallback typed, TrampolineTarget target)
    {
        var callback = il.DeclareLocal(typed.DelegateType);
        var carrier = Carriers.Of(plan.Return);
        bool memoryReturn = plan.Return is MemoryReturn;
        var result = carrier == typeof(void) || memoryReturn ? null : il.DeclareLocal(carrier);
        var run = il.DefineLabel();
        var done = il.DefineLabel();
        var zero = il.DefineLabel();
        var stale = il.DefineLabel();
        var check = il.DefineLabel();

        // The slot is read from its field where it is needed (frame.PushSlot: the rare paths, and a few conversions),
        // never kept in a local: a local read in the catch handler would be stored to the stack on every call.
        var frame = new UpcallFrame(il, plan, target.SlotField, result);
        // The delegate, of exactly the pool's type (CallbackRegistry.PoolFor keys pools by the delegate's runtime
        // type), published by the slot's Publish; null while the slot is free. No type test per call.
        il.Emit(OpCodes.Volatile);
        il.Emit(OpCodes.Ldsfld, target.DelegateField);
        il.Emit(OpCodes.Stloc, callback);
        il.Emit(OpCodes.Ldloc, callback);
        il.Emit(OpCodes.Brfalse, stale);
        il.Emit(OpCodes.Ldsfld, target.Failing);
        il.Emit(OpCodes.Brtrue, check);

        il.MarkLabel(run);
        il.BeginExceptionBlock();
        // The marshallers run backwards: each C argument to the delegate's type, then the result to C.
        il.Emit(OpCodes.Ldloc, callback);
        for (int i = 0; i < typed.Parameters.Length; i++) typed.Mappings[i].PushCallbackArgument(frame, i, typed.Parameters[i]);
        il.Emit(OpCodes.Callvirt, typed.DelegateType.GetMethod("Invoke")!);
        if (typed.ReturnType != typeof(void)) typed.ReturnMapping.StoreCallbackResult(frame, typed.ReturnType);
        il.BeginCatchBlock(typeof(Exception));
        var caught = il.DeclareLocal(typeof(Exception));
        il.Emit(OpCodes.Stloc, caught);
        frame.PushSlot();
        il.Emit(OpCodes.Ldloc, caught);
        il.Emit(OpCodes.Call, target.Fail);
        ZeroResult(il, plan, result);
        il.EndExceptionBlock();

        il.MarkLabel(done);
        if (memoryReturn) il.Emit(OpCodes.Ldarg_0);
        else if (result is not null) il.Emit(OpCodes.Ldloc, result);
        il.Emit(OpCodes.Ret);

        il.MarkLabel(stale);
        frame.PushSlot();
        il.Emit(OpCodes.Call, target.Stale);
        il.Emit(OpCodes.Br, zero);

        il.MarkLabel(check);
        frame.PushSlot();
        il.Emit(OpCodes.Call, target.ShouldSkip);
        il.Emit(OpCodes.Brfalse, run);

        il.MarkLabel(zero);
        ZeroResult(il, plan, result);
        il.Emit(OpCodes.Br, done);
    }

    // A zero result: the carrier local, or the hidden return pointer's storage.
    private static void ZeroResult(IlWriter il, LoweredCall plan, IlLocal? result)
    {
        if (plan.Return is MemoryReturn m)
        {
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldc_I4_0);
            il.Emit(OpCodes.Ldc_I4, checked((int)m.Size));
            il.Emit(OpCodes.Initblk);
        }
        else if (result is not null)
        {
            il.Emit(OpCodes.Ldloca, result);
            il.Emit(OpCodes.Initobj, result.Type);
        }
    }
}
