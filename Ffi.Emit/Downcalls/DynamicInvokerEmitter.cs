using System.Reflection.Emit;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Ffi.Abi;
using Ffi.Il;
using Ffi.Interop;
using Ffi.Runtime;
using Ffi.Values;

namespace Ffi.Downcalls;

/// <summary>
/// Emits the whole <c>Invoke(ReadOnlySpan&lt;FfiValue&gt;)</c> or <c>Invoke(object?[])</c> of a call shape: the module's
/// liveness, the argument count, one kind (or <c>isinst</c>) test and one range test per argument, the call and the
/// result, with every other case (a value of another kind, out of range, a disposed module) handed to the general
/// path, which converts or words the error. For fixed-arity functions whose parameters are scalars (integers,
/// bool, float, double, pointers, <c>char*</c>) or by-value aggregates and whose result is a scalar, void, or an
/// aggregate returned in registers (built inline: an <see cref="FfiValueKind.Aggregate"/> or a managed <see cref="Memory.StructValue"/>).
/// </summary>
/// <remarks>
/// The code depends only on its <see cref="InvokerKey"/>: functions of the same shape share one method, bound per
/// function to a <see cref="DynamicTarget"/> (argument 0). Invoking it costs one delegate call; strings are copied to
/// UTF-8 on the stack when short.
/// </remarks>
internal static class DynamicInvokerEmitter
{
    /// <summary>Whether the emitted invokers take a function of this shape (else it uses the general path).</summary>
    public static bool Eligible(LoweredCall plan, FastSlot[] slots, FastSlot result) =>
        plan.VectorRegisters is null && AllFast(slots)
        && (result.Kind is not (SlotKind.General or SlotKind.Aggregate) || result.Kind == SlotKind.Aggregate && plan.Return is EightbytesReturn);

    // A loop, not LINQ's Any over FastSlot (a struct): generic code the JIT would compile on a process's first call.
    private static bool AllFast(FastSlot[] slots)
    {
        foreach (var s in slots)
            if (s.Kind is SlotKind.General or SlotKind.Void) return false;
        return true;
    }

    /// <summary>The <see cref="ValueInvoker"/> code of a shape: <c>FfiValue (DynamicTarget, ReadOnlySpan&lt;FfiValue&gt;)</c>.</summary>
    public static DynamicMethod EmitValues(LoweredCall plan, bool captureErrno, MethodInfo? pinvoke, FastSlot[] slots, FastSlot result)
    {
        var span = typeof(ReadOnlySpan<FfiValue>);
        var dm = new DynamicMethod("ffi_values", typeof(FfiValue), [typeof(DynamicTarget), span], restrictedSkipVisibility: true);
        var il = StubListings.For(dm.GetILGenerator());
        var slow = il.DefineLabel();
        var args = il.DeclareLocal(typeof(FfiValue).MakeByRefType());
        EmitAlive(il, slow);
        il.Emit(OpCodes.Ldarga, 1);
        il.Emit(OpCodes.Call, span.GetProperty(nameof(ReadOnlySpan<FfiValue>.Length))!.GetMethod!);
        il.Emit(OpCodes.Ldc_I4, slots.Length);
        il.Emit(OpCodes.Bne_Un, slow);
        il.Emit(OpCodes.Ldarg_1);
        il.Emit(OpCodes.Call, typeof(MemoryMarshal).GetMethods().Single(m => m.Name == nameof(MemoryMarshal.GetReference)
            && m.GetParameters()[0].ParameterType.GetGenericTypeDefinition() == typeof(ReadOnlySpan<>)).MakeGenericMethod(typeof(FfiValue)));
        il.Emit(OpCodes.Stloc, args);

        EmitRest(il, new Invoker(plan, captureErrno, pinvoke, slots, slow, g => g.Emit(OpCodes.Ldloc, args), DynamicArgumentChecks.EmitValueTest,
            ret => EmitValueResult(il, result, ret), typeof(FfiValue)));
        StubListings.Done(dm.Name, il);
        return dm;
    }

    /// <summary>The <see cref="ObjectInvoker"/> code of a shape: <c>object (DynamicTarget, object?[])</c>.</summary>
    public static DynamicMethod EmitObjects(LoweredCall plan, bool captureErrno, MethodInfo? pinvoke, FastSlot[] slots, FastSlot result)
    {
        var dm = new DynamicMethod("ffi_objects", typeof(object), [typeof(DynamicTarget), typeof(object[])], restrictedSkipVisibility: true);
        var il = StubListings.For(dm.GetILGenerator());
        var slow = il.DefineLabel();
        EmitAlive(il, slow);
        il.Emit(OpCodes.Ldarg_1);
        il.Emit(OpCodes.Brfalse, slow);
        il.Emit(OpCodes.Ldarg_1);
        il.Emit(OpCodes.Ldlen);
        il.Emit(OpCodes.Conv_I4);
        il.Emit(OpCodes.Ldc_I4, slots.Length);
        il.Emit(OpCodes.Bne_Un, slow);

        EmitRest(il, new Invoker(plan, captureErrno, pinvoke, slots, slow, static g => g.Emit(OpCodes.Ldarg_1), DynamicArgumentChecks.EmitObjectTest,
            ret => EmitObjectResult(il, result, ret), typeof(object)));
        StubListings.Done(dm.Name, il);
        return dm;
    }

    // What the two invokers differ in, past their argument-count test.
    private sealed record Invoker(LoweredCall Plan, bool CaptureErrno, MethodInfo? PInvoke, FastSlot[] Slots, IlLabel Slow,
        Action<IlWriter> Args, DynamicArgumentChecks.ArgumentTest Test, Action<IlLocal> Result, Type ResultType);

    // The tests, the call, the result and the pending-failure check; then the fallback at `Slow`: the function's
    // general path, which takes the invoker's own arguments (arg 0 the target, arg 1 the arguments).
    private static void EmitRest(IlWriter il, Invoker x)
    {
        var ret = EmitBody(il, x.Plan, x.CaptureErrno, x.PInvoke, x.Slots, x.Slow, x.Args, x.Test);
        x.Result(ret);
        EmitExit(il, x.ResultType);
        il.Emit(OpCodes.Ret);

        il.MarkLabel(x.Slow);
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldarg_1);
        il.Emit(OpCodes.Call, typeof(DynamicTarget).GetMethod(x.ResultType == typeof(object) ? nameof(DynamicTarget.GeneralObjects) : nameof(DynamicTarget.GeneralValues))!);
        il.Emit(OpCodes.Ret);
    }

    // A disposed module goes to the general path, which throws.
    private static void EmitAlive(IlWriter il, IlLabel slow)
    {
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldfld, StubFields.DynamicLifetime);
        il.Emit(OpCodes.Volatile);
        il.Emit(OpCodes.Ldfld, StubFields.Disposed);
        il.Emit(OpCodes.Brtrue, slow);
    }

    // The result, left in the buffer at `ret` by EmitBody, as an FfiValue: scalars built inline, the rest by the function.
    private static void EmitValueResult(IlWriter il, FastSlot result, IlLocal ret)
    {
        switch (result.Kind)
        {
            case SlotKind.Void:
            {
                var none = il.DeclareLocal(typeof(FfiValue));
                il.Emit(OpCodes.Ldloca, none);
                il.Emit(OpCodes.Initobj, typeof(FfiValue));
                il.Emit(OpCodes.Ldloc, none);
                return;
            }
            case SlotKind.Integer:
                LoadResult(il, result, ret);
                il.Emit(result.Signed ? OpCodes.Conv_I8 : OpCodes.Conv_U8);
                il.Emit(OpCodes.Call, typeof(FfiValue).GetMethod(result.Signed ? nameof(FfiValue.FromInt64) : nameof(FfiValue.FromUInt64))!);
                return;
            case SlotKind.Bool or SlotKind.Float32 or SlotKind.Float64:
                LoadResult(il, result, ret);
                il.Emit(OpCodes.Call, typeof(FfiValue).GetMethod(result.Kind switch
                {
                    SlotKind.Bool => nameof(FfiValue.FromBoolean),
                    SlotKind.Float32 => nameof(FfiValue.FromSingle),
                    _ => nameof(FfiValue.FromDouble),
                })!);
                return;
            case SlotKind.Aggregate:
                // At most 16 bytes (returned in registers): held inside the FfiValue.
                il.Emit(OpCodes.Ldarg_0);
                il.Emit(OpCodes.Ldfld, StubFields.DynamicResultOrigin);
                il.Emit(OpCodes.Ldloc, ret);
                il.Emit(OpCodes.Call, typeof(FfiValue).GetMethod(nameof(FfiValue.InlineAggregate), BindingFlags.Static | BindingFlags.NonPublic)!);
                return;
            default:
                il.Emit(OpCodes.Ldarg_0);
                il.Emit(OpCodes.Ldloc, ret);
                il.Emit(OpCodes.Call, typeof(DynamicTarget).GetMethod(nameof(DynamicTarget.ValueResult))!);
                return;
        }
    }

    // The result as the object API boxes it (ScalarMemory.Read's CLR types): scalars boxed inline.
    private static void EmitObjectResult(IlWriter il, FastSlot result, IlLocal ret)
    {
        switch (result.Kind)
        {
            case SlotKind.Void:
                il.Emit(OpCodes.Ldnull);
                return;
            case SlotKind.Integer or SlotKind.Bool or SlotKind.Float32 or SlotKind.Float64:
                LoadResult(il, result, ret);
                il.Emit(OpCodes.Box, ResultClrType(result));
                return;
            case SlotKind.Aggregate:
                // A managed copy (GC-owned: nothing to free).
                il.Emit(OpCodes.Ldarg_0);
                il.Emit(OpCodes.Ldfld, StubFields.DynamicMemory);
                il.Emit(OpCodes.Ldarg_0);
                il.Emit(OpCodes.Ldfld, StubFields.DynamicResultType);
                il.Emit(OpCodes.Ldloc, ret);
                il.Emit(OpCodes.Call, typeof(Memory.StructValue).GetMethod(nameof(Memory.StructValue.Managed), BindingFlags.Static | BindingFlags.NonPublic)!);
                return;
            default:
                il.Emit(OpCodes.Ldarg_0);
                il.Emit(OpCodes.Ldloc, ret);
                il.Emit(OpCodes.Call, typeof(DynamicTarget).GetMethod(nameof(DynamicTarget.ObjectResult))!);
                return;
        }
    }

    private static Type ResultClrType(FastSlot result) => (result.Kind, result.Bits, result.Signed) switch
    {
        (SlotKind.Bool, _, _) => typeof(bool),
        (SlotKind.Float32, _, _) => typeof(float),
        (SlotKind.Float64, _, _) => typeof(double),
        (_, 8, true) => typeof(sbyte),
        (_, 8, false) => typeof(byte),
        (_, 16, true) => typeof(short),
        (_, 16, false) => typeof(ushort),
        (_, 32, true) => typeof(int),
        (_, 32, false) => typeof(uint),
        (_, _, true) => typeof(long),
        _ => typeof(ulong),
    };

    // Pushes the scalar result from the result buffer, as its CLR type (bool as 0/1 of one byte).
    private static void LoadResult(IlWriter il, FastSlot result, IlLocal ret)
    {
        il.Emit(OpCodes.Ldloc, ret);
        il.Emit(ResultClrType(result) switch
        {
            var t when t == typeof(bool) || t == typeof(byte) => OpCodes.Ldind_U1,
            var t when t == typeof(sbyte) => OpCodes.Ldind_I1,
            var t when t == typeof(short) => OpCodes.Ldind_I2,
            var t when t == typeof(ushort) => OpCodes.Ldind_U2,
            var t when t == typeof(int) => OpCodes.Ldind_I4,
            var t when t == typeof(uint) => OpCodes.Ldind_U4,
            var t when t == typeof(float) => OpCodes.Ldind_R4,
            var t when t == typeof(double) => OpCodes.Ldind_R8,
            _ => OpCodes.Ldind_I8,
        });
        if (result.Kind == SlotKind.Bool)
        {
            il.Emit(OpCodes.Ldc_I4_0);
            il.Emit(OpCodes.Cgt_Un);
        }
    }

    // With the result on the stack: throws a callback failure left pending on this thread during the call.
    private static void EmitExit(IlWriter il, Type resultType)
    {
        var result = il.DeclareLocal(resultType);
        il.Emit(OpCodes.Stloc, result);
        CallbackChecks.EmitAfterCall(il, null, static g =>
        {
            g.Emit(OpCodes.Ldarg_0);
            g.Emit(OpCodes.Ldfld, StubFields.DynamicName);
        });
        il.Emit(OpCodes.Ldloc, result);
    }

    // Returns the local holding the address of the 16-byte buffer the result was stored in.
    private static IlLocal EmitBody(IlWriter il, LoweredCall plan, bool captureErrno, MethodInfo? pinvoke, FastSlot[] slots, IlLabel fail,
        Action<IlWriter> args, DynamicArgumentChecks.ArgumentTest test)
    {
        var source = new DynamicArgumentChecks.LocalSource();
        var strings = new List<DynamicArgumentChecks.StringArg>();

        // 1. Every test before anything is allocated: a failure leaves nothing to undo.
        for (int i = 0; i < slots.Length; i++) test(il, args, i, slots[i], fail, source, strings);

        // 2. Strings, each in its own stack buffer when short.
        foreach (var str in strings)
        {
            var skip = il.DefineLabel();
            il.Emit(OpCodes.Ldloc, str.IsString);
            il.Emit(OpCodes.Brfalse, skip);
            il.Emit(OpCodes.Ldc_I4, Utf8Marshal.ShortString);
            il.Emit(OpCodes.Conv_U);
            il.Emit(OpCodes.Localloc);
            il.Emit(OpCodes.Stloc, str.Buffer);
            str.PushString(il);
            il.Emit(OpCodes.Castclass, typeof(string));
            il.Emit(OpCodes.Ldloc, str.Buffer);
            il.Emit(OpCodes.Call, typeof(Utf8Marshal).GetMethod(nameof(Utf8Marshal.Utf8))!);
            il.Emit(OpCodes.Stloc, str.Carrier);
            il.MarkLabel(skip);
        }

        // 3. The call, the result into a 16-byte buffer, and the string copies released.
        var buffer = il.DeclareLocal(typeof(Int128));
        var bufferAddress = il.DeclareLocal(typeof(byte*));
        il.Emit(OpCodes.Ldloca, buffer);
        il.Emit(OpCodes.Conv_U);
        il.Emit(OpCodes.Stloc, bufferAddress);
        CallEmitter.EmitCall(il, plan, source, static il =>
        {
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldfld, StubFields.DynamicAddress);
        }, pinvoke, captureErrno, static il => il.Emit(OpCodes.Ldarg_0)); // the target holds the module's lifetime
        CarrierIl.EmitStoreResult(il, plan, il => il.Emit(OpCodes.Ldloc, bufferAddress));
        foreach (var str in strings)
        {
            var skip = il.DefineLabel();
            il.Emit(OpCodes.Ldloc, str.IsString);
            il.Emit(OpCodes.Brfalse, skip);
            il.Emit(OpCodes.Ldloc, str.Carrier);
            il.Emit(OpCodes.Ldloc, str.Buffer);
            il.Emit(OpCodes.Call, typeof(Utf8Marshal).GetMethod(nameof(Utf8Marshal.Release))!);
            il.MarkLabel(skip);
        }
        return bufferAddress;
    }
}
