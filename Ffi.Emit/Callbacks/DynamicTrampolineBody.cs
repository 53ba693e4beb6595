using System.Reflection.Emit;
using System.Reflection;
using Ffi.Abi;
using Ffi.Il;
using Ffi.Marshallers;

namespace Ffi.Callbacks;

/// <summary>
/// The body of a dynamic trampoline: copies each argument from where the recipe says C put it into an
/// <see cref="ArgumentFrame"/> on the stack, and calls <see cref="CallbackRuntime.Dispatch"/>, which converts and
/// invokes the handler and writes the result back.
/// </summary>
internal static class DynamicTrampolineBody
{
    public static void Emit(IlWriter il, TrampolinePool pool, LoweredCall args, FieldInfo slotField)
    {
        var plan = args;
        var frame = pool.Frame;
        var buffer = Aligned(il, frame.ArgumentBytes);  // zeroed: the method initializes its locals
        var ret = Aligned(il, frame.ReturnBytes);
        for (int i = 0; i < plan.ArgumentCount; i++)
        {
            var home = plan.HomeOf(i);
            if (home.Kind == ArgumentHomeKind.Omitted) continue;
            il.Emit(OpCodes.Ldloc, buffer);
            CarrierIl.Offset(il, frame.Offsets[i]);
            UpcallFrame.PushAddress(il, plan, i);
            il.Emit(OpCodes.Ldc_I4, checked((int)home.Bytes));
            il.Emit(OpCodes.Cpblk);
        }
        il.Emit(OpCodes.Ldsfld, slotField);
        il.Emit(OpCodes.Ldloc, buffer);
        il.Emit(OpCodes.Ldloc, ret);
        il.Emit(OpCodes.Call, typeof(CallbackRuntime).GetMethod(nameof(CallbackRuntime.Dispatch))!);
        switch (plan.Return)
        {
            case MemoryReturn m:
                il.Emit(OpCodes.Ldarg_0);
                il.Emit(OpCodes.Ldloc, ret);
                il.Emit(OpCodes.Ldc_I4, checked((int)m.Size));
                il.Emit(OpCodes.Cpblk);
                il.Emit(OpCodes.Ldarg_0);
                break;
            case ScalarReturn or EightbytesReturn:
                il.Emit(OpCodes.Ldloc, ret);
                il.Emit(OpCodes.Ldobj, Carriers.Of(plan.Return));
                break;
        }
        il.Emit(OpCodes.Ret);
    }

    // A 16-aligned stack buffer of at least `bytes` bytes.
    private static IlLocal Aligned(IlWriter il, long bytes)
    {
        var local = il.DeclareLocal(typeof(byte*));
        il.Emit(OpCodes.Ldc_I4, checked((int)bytes + 16));
        il.Emit(OpCodes.Conv_U);
        il.Emit(OpCodes.Localloc);
        il.Emit(OpCodes.Ldc_I4, 15);
        il.Emit(OpCodes.Conv_I);
        il.Emit(OpCodes.Add);
        il.Emit(OpCodes.Ldc_I4, ~15);
        il.Emit(OpCodes.Conv_I);
        il.Emit(OpCodes.And);
        il.Emit(OpCodes.Stloc, local);
        return local;
    }
}
