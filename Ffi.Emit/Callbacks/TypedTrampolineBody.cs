using System.Reflection;
using System.Reflection.Emit;
using Ffi.Abi;
using Ffi.Binding;
using Ffi.Downcalls;
using Ffi.Il;
using Ffi.Memory;
using Ffi.Runtime;

namespace Ffi.Callbacks;

/// <summary>
/// The body of a typed trampoline: reads its slot and its own typed delegate field, converts each argument from where
/// the recipe says C put it to the delegate's parameter type, invokes the delegate directly inside try/catch, and
/// stores the result in the return carrier or the hidden return pointer's storage. No exception leaves it.
/// </summary>
internal static class TypedTrampolineBody
{
    private static readonly FieldInfo FailingField = typeof(CallbackRuntime).GetField(nameof(CallbackRuntime.Failing))!;

    public static void Emit(IlWriter il, TrampolinePool pool, TypedCallback typed, LoweredCall args, FieldInfo slotField, FieldInfo delegateField)
    {
        var plan = pool.Lowered;
        var slot = il.DeclareLocal(typeof(CallbackSlot));
        var target = il.DeclareLocal(typed.DelegateType);
        var carrier = Carriers.Of(plan.Return);
        bool memoryReturn = plan.Return is MemoryReturn;
        var result = carrier == typeof(void) || memoryReturn ? null : il.DeclareLocal(carrier);
        var run = il.DefineLabel();
        var done = il.DefineLabel();
        var zero = il.DefineLabel();
        var stale = il.DefineLabel();
        var check = il.DefineLabel();

        il.Emit(OpCodes.Ldsfld, slotField);
        il.Emit(OpCodes.Stloc, slot);
        // The delegate, of exactly the pool's type (CallbackRegistry.PoolFor keys pools by the delegate's runtime
        // type), published by CallbackSlot.Publish; null while the slot is free. No type test per call.
        il.Emit(OpCodes.Volatile);
        il.Emit(OpCodes.Ldsfld, delegateField);
        il.Emit(OpCodes.Stloc, target);
        il.Emit(OpCodes.Ldloc, target);
        il.Emit(OpCodes.Brfalse, stale);
        il.Emit(OpCodes.Ldsfld, FailingField);
        il.Emit(OpCodes.Brtrue, check);

        il.MarkLabel(run);
        il.BeginExceptionBlock();
        il.Emit(OpCodes.Ldloc, target);
        for (int i = 0; i < typed.Parameters.Length; i++) PushTypedArgument(il, args, slot, i, typed.Parameters[i], typed.Mappings[i]);
        il.Emit(OpCodes.Callvirt, typed.DelegateType.GetMethod("Invoke")!);
        StoreTypedResult(il, plan, slot, typed, result);
        il.BeginCatchBlock(typeof(Exception));
        var caught = il.DeclareLocal(typeof(Exception));
        il.Emit(OpCodes.Stloc, caught);
        il.Emit(OpCodes.Ldloc, slot);
        il.Emit(OpCodes.Ldloc, caught);
        il.Emit(OpCodes.Call, typeof(CallbackRuntime).GetMethod(nameof(CallbackRuntime.Fail))!);
        ZeroResult(il, plan, result);
        il.EndExceptionBlock();

        il.MarkLabel(done);
        if (memoryReturn) il.Emit(OpCodes.Ldarg_0);
        else if (result is not null) il.Emit(OpCodes.Ldloc, result);
        il.Emit(OpCodes.Ret);

        il.MarkLabel(stale);
        il.Emit(OpCodes.Ldloc, slot);
        il.Emit(OpCodes.Call, typeof(CallbackRuntime).GetMethod(nameof(CallbackRuntime.Stale))!);
        il.Emit(OpCodes.Br, zero);

        il.MarkLabel(check);
        il.Emit(OpCodes.Ldloc, slot);
        il.Emit(OpCodes.Call, typeof(CallbackRuntime).GetMethod(nameof(CallbackRuntime.ShouldSkip))!);
        il.Emit(OpCodes.Brfalse, run);

        il.MarkLabel(zero);
        ZeroResult(il, plan, result);
        il.Emit(OpCodes.Br, done);
    }

    // The value C passed for parameter i, as the delegate's parameter type.
    private static void PushTypedArgument(IlWriter il, LoweredCall args, IlLocal slot, int i, Type clr, Mapping how)
    {
        var home = args.HomeOf(i);
        if (how == Mapping.Aggregate)
        {
            var value = il.DeclareLocal(clr);
            il.Emit(OpCodes.Ldloca, value);
            il.Emit(OpCodes.Initobj, clr);
            if (home.Kind != ArgumentHomeKind.Omitted)
            {
                il.Emit(OpCodes.Ldloca, value);
                TrampolineEmitter.PushAddress(il, args, i);
                il.Emit(OpCodes.Ldc_I4, checked((int)home.Bytes));
                il.Emit(OpCodes.Cpblk);
            }
            il.Emit(OpCodes.Ldloc, value);
            return;
        }
        var rep = Carriers.Scalar(home.Rep ?? throw new System.Diagnostics.UnreachableException($"argument {i} is not a scalar"));
        TrampolineEmitter.PushAddress(il, args, i);
        il.Emit(OpCodes.Ldobj, rep);
        switch (how)
        {
            case Mapping.Bool:
                il.Emit(OpCodes.Ldc_I4_0);
                il.Emit(OpCodes.Cgt_Un);
                break;
            case Mapping.String:
                il.Emit(OpCodes.Call, typeof(Utf8Marshal).GetMethod(nameof(Utf8Marshal.String))!);
                break;
            case Mapping.NativePointer:
                CallWithSlot(il, slot, typeof(nint), i, nameof(CallbackRuntime.PointerArgument));
                break;
        }
    }

    // The delegate's result (on the stack) into the return carrier, or into the hidden return pointer's storage.
    private static void StoreTypedResult(IlWriter il, LoweredCall plan, IlLocal slot, TypedCallback typed, IlLocal? result)
    {
        var ret = typed.ReturnType;
        if (ret == typeof(void)) return;
        switch (typed.ReturnMapping)
        {
            case Mapping.Aggregate:
            {
                var value = il.DeclareLocal(ret);
                il.Emit(OpCodes.Stloc, value);
                int bytes;
                if (plan.Return is MemoryReturn m)
                {
                    il.Emit(OpCodes.Ldarg_0);
                    bytes = checked((int)m.Size);
                }
                else if (plan.Return is EightbytesReturn e)
                {
                    il.Emit(OpCodes.Ldloca, result!);
                    bytes = e.Bytes;
                }
                else
                {
                    return; // an empty aggregate: nothing to return
                }
                il.Emit(OpCodes.Ldloca, value);
                il.Emit(OpCodes.Ldc_I4, bytes);
                il.Emit(OpCodes.Cpblk);
                return;
            }
            case Mapping.NativePointer:
                CallWithSlot(il, slot, typeof(NativePointer), null, nameof(CallbackRuntime.PointerResult));
                il.Emit(OpCodes.Stloc, result!);
                return;
            default: // Direct, Bool, PointerLike: the same bits in the carrier
                il.Emit(OpCodes.Stloc, result!);
                return;
        }
    }

    // With a value of `valueType` on the stack: calls CallbackRuntime.`helper`(slot, [index,] value).
    private static void CallWithSlot(IlWriter il, IlLocal slot, Type valueType, int? index, string helper)
    {
        var value = il.DeclareLocal(valueType);
        il.Emit(OpCodes.Stloc, value);
        il.Emit(OpCodes.Ldloc, slot);
        if (index is { } i) il.Emit(OpCodes.Ldc_I4, i);
        il.Emit(OpCodes.Ldloc, value);
        il.Emit(OpCodes.Call, typeof(CallbackRuntime).GetMethod(helper)!);
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
