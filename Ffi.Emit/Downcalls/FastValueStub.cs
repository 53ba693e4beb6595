using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Ffi.Abi;
using Ffi.Callbacks;
using Ffi.Values;

namespace Ffi.Downcalls;

/// <summary>
/// A function's whole <c>Invoke(ReadOnlySpan&lt;FfiValue&gt;)</c>, emitted for it: the module's liveness, the argument
/// count, one kind test and one range test per argument, the call and the result, with every other case (a value of
/// another kind, out of range, a disposed module) handed to the general path, which converts or words the error.
/// </summary>
internal delegate FfiValue ValueInvoker(ReadOnlySpan<FfiValue> args);

/// <summary>The same for <c>Invoke(object?[])</c>: arguments tested with <c>isinst</c> and unboxed directly.</summary>
internal delegate object? ObjectInvoker(object?[] args);

/// <summary>
/// Emits <see cref="ValueInvoker"/>s and <see cref="ObjectInvoker"/>s for fixed-arity functions whose parameters are
/// scalars (integers, bool, float, double, pointers, <c>char*</c>) or by-value aggregates and whose result is a
/// scalar or void. Each is a delegate closed over its <see cref="NativeFunction"/>, so invoking it costs one
/// delegate call; strings are copied to UTF-8 on the stack when short.
/// </summary>
internal static class FastValueStub
{
    private static readonly FieldInfo KindField = typeof(FfiValue).GetField("_kind", BindingFlags.NonPublic | BindingFlags.Instance)!;
    private static readonly FieldInfo BitsField = typeof(FfiValue).GetField("_bits", BindingFlags.NonPublic | BindingFlags.Instance)!;
    private static readonly FieldInfo RefField = typeof(FfiValue).GetField("_ref", BindingFlags.NonPublic | BindingFlags.Instance)!;
    private static readonly FieldInfo ModuleField = typeof(NativeFunction).GetField("_module", BindingFlags.NonPublic | BindingFlags.Instance)!;
    private static readonly FieldInfo DisposedField = typeof(NativeModule).GetField("_disposed", BindingFlags.NonPublic | BindingFlags.Instance)!;

    /// <summary>The invoker, or null when a parameter or the result needs the general path (handles with integer reps, aggregate results).</summary>
    public static ValueInvoker? TryEmitValues(NativeFunction function, LoweredCall plan, nint target, bool captureErrno, MethodInfo? pinvoke, FastSlot[] slots, FastSlot result)
    {
        if (!Eligible(plan, slots, result)) return null;
        var span = typeof(ReadOnlySpan<FfiValue>);
        var dm = new DynamicMethod($"ffi_values_{function.Name}", typeof(FfiValue), [typeof(NativeFunction), span], restrictedSkipVisibility: true);
        var il = dm.GetILGenerator();
        var slow = il.DefineLabel();
        var args = il.DeclareLocal(typeof(FfiValue).MakeByRefType());
        EmitAlive(il, slow);
        il.Emit(OpCodes.Ldarga_S, (byte)1);
        il.Emit(OpCodes.Call, span.GetProperty(nameof(ReadOnlySpan<FfiValue>.Length))!.GetMethod!);
        il.Emit(OpCodes.Ldc_I4, slots.Length);
        il.Emit(OpCodes.Bne_Un, slow);
        il.Emit(OpCodes.Ldarg_1);
        il.Emit(OpCodes.Call, typeof(MemoryMarshal).GetMethods().Single(m => m.Name == nameof(MemoryMarshal.GetReference)
            && m.GetParameters()[0].ParameterType.GetGenericTypeDefinition() == typeof(ReadOnlySpan<>)).MakeGenericMethod(typeof(FfiValue)));
        il.Emit(OpCodes.Stloc, args);

        EmitRest(il, new Invoker(plan, target, captureErrno, pinvoke, slots, slow, g => g.Emit(OpCodes.Ldloc, args), EmitValueTest,
            ret => EmitValueResult(il, result, ret), typeof(FfiValue), function.Name));
        return (ValueInvoker)dm.CreateDelegate(typeof(ValueInvoker), function);
    }

    /// <summary>The same for the object API.</summary>
    public static ObjectInvoker? TryEmitObjects(NativeFunction function, LoweredCall plan, nint target, bool captureErrno, MethodInfo? pinvoke, FastSlot[] slots, FastSlot result)
    {
        if (!Eligible(plan, slots, result)) return null;
        var dm = new DynamicMethod($"ffi_objects_{function.Name}", typeof(object), [typeof(NativeFunction), typeof(object[])], restrictedSkipVisibility: true);
        var il = dm.GetILGenerator();
        var slow = il.DefineLabel();
        EmitAlive(il, slow);
        il.Emit(OpCodes.Ldarg_1);
        il.Emit(OpCodes.Brfalse, slow);
        il.Emit(OpCodes.Ldarg_1);
        il.Emit(OpCodes.Ldlen);
        il.Emit(OpCodes.Conv_I4);
        il.Emit(OpCodes.Ldc_I4, slots.Length);
        il.Emit(OpCodes.Bne_Un, slow);

        EmitRest(il, new Invoker(plan, target, captureErrno, pinvoke, slots, slow, static g => g.Emit(OpCodes.Ldarg_1), EmitObjectTest,
            ret => EmitObjectResult(il, result, ret), typeof(object), function.Name));
        return (ObjectInvoker)dm.CreateDelegate(typeof(ObjectInvoker), function);
    }

    // What the two invokers differ in, past their argument-count test.
    private sealed record Invoker(LoweredCall Plan, nint Target, bool CaptureErrno, MethodInfo? PInvoke, FastSlot[] Slots, Label Slow,
        Action<ILGenerator> Args, ArgumentTest Test, Action<LocalBuilder> Result, Type ResultType, string Name);

    // The tests, the call, the result and the pending-failure check; then the fallback at `Slow`: the function's
    // general path, which takes the invoker's own arguments (arg 0 the function, arg 1 the arguments).
    private static void EmitRest(ILGenerator il, Invoker x)
    {
        var ret = EmitBody(il, x.Plan, x.Target, x.CaptureErrno, x.PInvoke, x.Slots, x.Slow, x.Args, x.Test);
        x.Result(ret);
        EmitExit(il, x.Name, x.ResultType);
        il.Emit(OpCodes.Ret);

        il.MarkLabel(x.Slow);
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldarg_1);
        var argsType = x.ResultType == typeof(object) ? typeof(object[]) : typeof(ReadOnlySpan<FfiValue>);
        il.Emit(OpCodes.Call, typeof(NativeFunction).GetMethod(nameof(NativeFunction.InvokeGeneral), BindingFlags.NonPublic | BindingFlags.Instance, [argsType])!);
        il.Emit(OpCodes.Ret);
    }

    private static bool Eligible(LoweredCall plan, FastSlot[] slots, FastSlot result) =>
        plan.VectorRegisters is null && result.Kind is not (SlotKind.General or SlotKind.Aggregate) && !slots.Any(s => s.Kind is SlotKind.General or SlotKind.Void);

    // A disposed module goes to the general path, which throws.
    private static void EmitAlive(ILGenerator il, Label slow)
    {
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldfld, ModuleField);
        il.Emit(OpCodes.Ldfld, DisposedField);
        il.Emit(OpCodes.Brtrue, slow);
    }

    // The result, left in the buffer at `ret` by EmitBody, as an FfiValue: scalars built inline, the rest by the function.
    private static void EmitValueResult(ILGenerator il, FastSlot result, LocalBuilder ret)
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
            default:
                il.Emit(OpCodes.Ldarg_0);
                il.Emit(OpCodes.Ldloc, ret);
                il.Emit(OpCodes.Call, typeof(NativeFunction).GetMethod(nameof(NativeFunction.FastValueResult), BindingFlags.NonPublic | BindingFlags.Instance)!);
                return;
        }
    }

    // The result as the object API boxes it (ScalarMemory.Read's CLR types): scalars boxed inline.
    private static void EmitObjectResult(ILGenerator il, FastSlot result, LocalBuilder ret)
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
            default:
                il.Emit(OpCodes.Ldarg_0);
                il.Emit(OpCodes.Ldloc, ret);
                il.Emit(OpCodes.Call, typeof(NativeFunction).GetMethod(nameof(NativeFunction.FastObjectResult), BindingFlags.NonPublic | BindingFlags.Instance)!);
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
    private static void LoadResult(ILGenerator il, FastSlot result, LocalBuilder ret)
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

    // A char* argument given as a string: copied to UTF-8 after every test has passed.
    private sealed record StringArg(LocalBuilder IsString, LocalBuilder Carrier, LocalBuilder Buffer, Action<ILGenerator> PushString);

    // Emits the test and conversion of argument `index` (from the arguments `args` pushes) into `source`; branches to
    // `fail` when it is not taken.
    private delegate void ArgumentTest(ILGenerator il, Action<ILGenerator> args, int index, FastSlot slot, Label fail, LocalSource source, List<StringArg> strings);

    // With the result on the stack: throws a callback failure left pending on this thread during the call.
    private static void EmitExit(ILGenerator il, string name, Type resultType)
    {
        var result = il.DeclareLocal(resultType);
        il.Emit(OpCodes.Stloc, result);
        CallbackChecks.EmitAfterCall(il, null, name);
        il.Emit(OpCodes.Ldloc, result);
    }

    // Returns the local holding the address of the 16-byte buffer the result was stored in.
    private static LocalBuilder EmitBody(ILGenerator il, LoweredCall plan, nint target, bool captureErrno, MethodInfo? pinvoke, FastSlot[] slots, Label fail,
        Action<ILGenerator> args, ArgumentTest test)
    {
        var source = new LocalSource();
        var strings = new List<StringArg>();

        // 1. Every test before anything is allocated: a failure leaves nothing to undo.
        for (int i = 0; i < slots.Length; i++) test(il, args, i, slots[i], fail, source, strings);

        // 2. Strings, each in its own stack buffer when short.
        foreach (var str in strings)
        {
            var skip = il.DefineLabel();
            il.Emit(OpCodes.Ldloc, str.IsString);
            il.Emit(OpCodes.Brfalse, skip);
            il.Emit(OpCodes.Ldc_I4, TypedHelpers.ShortString);
            il.Emit(OpCodes.Conv_U);
            il.Emit(OpCodes.Localloc);
            il.Emit(OpCodes.Stloc, str.Buffer);
            str.PushString(il);
            il.Emit(OpCodes.Castclass, typeof(string));
            il.Emit(OpCodes.Ldloc, str.Buffer);
            il.Emit(OpCodes.Call, typeof(TypedHelpers).GetMethod(nameof(TypedHelpers.Utf8))!);
            il.Emit(OpCodes.Stloc, str.Carrier);
            il.MarkLabel(skip);
        }

        // 3. The call, the result into a 16-byte buffer, and the string copies released.
        var buffer = il.DeclareLocal(typeof(Int128));
        var bufferAddress = il.DeclareLocal(typeof(byte*));
        il.Emit(OpCodes.Ldloca, buffer);
        il.Emit(OpCodes.Conv_U);
        il.Emit(OpCodes.Stloc, bufferAddress);
        CallEmitter.EmitCall(il, plan, source, il =>
        {
            il.Emit(OpCodes.Ldc_I8, (long)target);
            il.Emit(OpCodes.Conv_I);
        }, pinvoke, captureErrno);
        CallEmitter.EmitStoreResult(il, plan, il => il.Emit(OpCodes.Ldloc, bufferAddress));
        foreach (var str in strings)
        {
            var skip = il.DefineLabel();
            il.Emit(OpCodes.Ldloc, str.IsString);
            il.Emit(OpCodes.Brfalse, skip);
            il.Emit(OpCodes.Ldloc, str.Carrier);
            il.Emit(OpCodes.Ldloc, str.Buffer);
            il.Emit(OpCodes.Call, typeof(TypedHelpers).GetMethod(nameof(TypedHelpers.Release))!);
            il.MarkLabel(skip);
        }
        return bufferAddress;
    }

    private static LocalBuilder CarrierLocal(ILGenerator il, int index, FastSlot slot, LocalSource source)
    {
        var local = il.DeclareLocal(Carriers.Scalar(SysVCallPlanner.RepOf(slot.Type is Types.HandleType h ? h.Rep : slot.Type)));
        source.Locals[index] = local;
        return local;
    }

    // Aggregates: the bytes stay where they are and are copied by the call (into a carrier or the stack image).
    private static void TakeAggregate(ILGenerator il, int index, FastSlot slot, Label fail, LocalSource source)
    {
        var from = il.DeclareLocal(typeof(nint));
        il.Emit(OpCodes.Ldc_I8, slot.Type.Size);
        il.Emit(OpCodes.Call, typeof(FastSlot).GetMethod(nameof(FastSlot.AggregateSource))!);
        il.Emit(OpCodes.Stloc, from);
        il.Emit(OpCodes.Ldloc, from);
        il.Emit(OpCodes.Brfalse, fail);
        source.Aggregates[index] = (from, slot.Type.Size);
    }

    // ---- FfiValue arguments: the kind must match exactly, integers in range ----

    private static void EmitValueTest(ILGenerator il, Action<ILGenerator> args, int i, FastSlot slot, Label fail, LocalSource source, List<StringArg> strings)
    {
        if (slot.Kind == SlotKind.Aggregate)
        {
            RequireKind(il, args, i, FfiValueKind.Object, fail);
            Load(il, args, i, RefField);
            TakeAggregate(il, i, slot, fail, source);
            return;
        }
        var local = CarrierLocal(il, i, slot, source);
        switch (slot.Kind)
        {
            case SlotKind.Integer:
            {
                RequireKind(il, args, i, slot.Signed ? FfiValueKind.Int : FfiValueKind.UInt, fail);
                var wide = il.DeclareLocal(typeof(long));
                Load(il, args, i, BitsField);
                il.Emit(OpCodes.Stloc, wide);
                StoreInRange(il, wide, slot, unsignedInput: !slot.Signed, fail, local);
                break;
            }
            case SlotKind.Bool:
                RequireKind(il, args, i, FfiValueKind.Bool, fail);
                Load(il, args, i, BitsField);
                il.Emit(OpCodes.Conv_U1);
                il.Emit(OpCodes.Stloc, local);
                break;
            case SlotKind.Float64:
                RequireKind(il, args, i, FfiValueKind.Double, fail);
                Load(il, args, i, BitsField);
                il.Emit(OpCodes.Call, typeof(BitConverter).GetMethod(nameof(BitConverter.UInt64BitsToDouble))!);
                il.Emit(OpCodes.Stloc, local);
                break;
            case SlotKind.Float32:
                RequireKind(il, args, i, FfiValueKind.Float, fail);
                Load(il, args, i, BitsField);
                il.Emit(OpCodes.Conv_U4);
                il.Emit(OpCodes.Call, typeof(BitConverter).GetMethod(nameof(BitConverter.UInt32BitsToSingle))!);
                il.Emit(OpCodes.Stloc, local);
                break;
            case SlotKind.Pointer:
                RequireKind(il, args, i, FfiValueKind.Pointer, fail);
                RequireTag(il, args, i, slot.Tag, fail);
                Load(il, args, i, BitsField);
                il.Emit(OpCodes.Conv_I);
                il.Emit(OpCodes.Stloc, local);
                break;
            case SlotKind.CharPointer:
            {
                // A pointer passes as it is; a string is copied below; anything else takes the general path.
                var isString = il.DeclareLocal(typeof(bool));
                var notPointer = il.DefineLabel();
                var done = il.DefineLabel();
                Load(il, args, i, KindField);
                il.Emit(OpCodes.Ldc_I4, (int)FfiValueKind.Pointer);
                il.Emit(OpCodes.Bne_Un, notPointer);
                RequireTag(il, args, i, slot.Tag, fail);
                Load(il, args, i, BitsField);
                il.Emit(OpCodes.Conv_I);
                il.Emit(OpCodes.Stloc, local);
                il.Emit(OpCodes.Br, done);
                il.MarkLabel(notPointer);
                RequireKind(il, args, i, FfiValueKind.String, fail);
                il.Emit(OpCodes.Ldc_I4_1);
                il.Emit(OpCodes.Stloc, isString);
                il.MarkLabel(done);
                int index = i;
                strings.Add(new StringArg(isString, local, il.DeclareLocal(typeof(byte*)), g => Load(g, args, index, RefField)));
                break;
            }
        }
    }

    // ---- object arguments: boxed CLR primitives, strings, pointers and storage, tested with isinst ----

    private static readonly Type[] SignedBoxes = [typeof(int), typeof(long), typeof(short), typeof(sbyte)];
    private static readonly Type[] UnsignedBoxes = [typeof(uint), typeof(ulong), typeof(ushort), typeof(byte)];

    // What a float parameter takes from a box, in the order tested, and the conversion.
    private static readonly (Type Box, OpCode Convert)[] DoubleBoxes =
        [(typeof(double), OpCodes.Nop), (typeof(int), OpCodes.Conv_R8), (typeof(float), OpCodes.Conv_R8), (typeof(long), OpCodes.Conv_R8)];
    private static readonly (Type Box, OpCode Convert)[] SingleBoxes =
        [(typeof(float), OpCodes.Nop), (typeof(double), OpCodes.Conv_R4), (typeof(int), OpCodes.Conv_R4)];

    private static void EmitObjectTest(ILGenerator il, Action<ILGenerator> args, int i, FastSlot slot, Label fail, LocalSource source, List<StringArg> strings)
    {
        var o = il.DeclareLocal(typeof(object));
        args(il);
        il.Emit(OpCodes.Ldc_I4, i);
        il.Emit(OpCodes.Ldelem_Ref);
        il.Emit(OpCodes.Stloc, o);
        if (slot.Kind == SlotKind.Aggregate)
        {
            il.Emit(OpCodes.Ldloc, o);
            TakeAggregate(il, i, slot, fail, source);
            return;
        }
        var local = CarrierLocal(il, i, slot, source);
        var done = il.DefineLabel();
        switch (slot.Kind)
        {
            case SlotKind.Integer:
            {
                var wide = il.DeclareLocal(typeof(long));
                var fromSigned = il.DefineLabel();
                var fromUnsigned = il.DefineLabel();
                foreach (var box in SignedBoxes) Unbox(il, o, box, OpCodes.Conv_I8, wide, fromSigned);
                foreach (var box in UnsignedBoxes) Unbox(il, o, box, OpCodes.Conv_U8, wide, fromUnsigned);
                il.Emit(OpCodes.Br, fail);
                il.MarkLabel(fromSigned);
                StoreInRange(il, wide, slot, unsignedInput: false, fail, local);
                il.Emit(OpCodes.Br, done);
                il.MarkLabel(fromUnsigned);
                StoreInRange(il, wide, slot, unsignedInput: true, fail, local);
                break;
            }
            case SlotKind.Bool:
                Unbox(il, o, typeof(bool), OpCodes.Nop, local, done);
                il.Emit(OpCodes.Br, fail);
                break;
            case SlotKind.Float64 or SlotKind.Float32:
                foreach (var (box, convert) in slot.Kind == SlotKind.Float64 ? DoubleBoxes : SingleBoxes) Unbox(il, o, box, convert, local, done);
                il.Emit(OpCodes.Br, fail);
                break;
            case SlotKind.Pointer or SlotKind.CharPointer:
            {
                if (slot.Kind == SlotKind.CharPointer)
                {
                    var isString = il.DeclareLocal(typeof(bool));
                    var notString = il.DefineLabel();
                    il.Emit(OpCodes.Ldloc, o);
                    il.Emit(OpCodes.Isinst, typeof(string));
                    il.Emit(OpCodes.Brfalse, notString);
                    il.Emit(OpCodes.Ldc_I4_1);
                    il.Emit(OpCodes.Stloc, isString);
                    il.Emit(OpCodes.Br, done);
                    il.MarkLabel(notString);
                    strings.Add(new StringArg(isString, local, il.DeclareLocal(typeof(byte*)), g => g.Emit(OpCodes.Ldloc, o)));
                }
                // null, nint, nuint, or a NativePointer whose tag fits.
                var ok = il.DeclareLocal(typeof(bool));
                il.Emit(OpCodes.Ldloc, o);
                if (slot.Tag is null) il.Emit(OpCodes.Ldnull);
                else il.Emit(OpCodes.Ldstr, slot.Tag);
                il.Emit(OpCodes.Ldloca, ok);
                il.Emit(OpCodes.Call, typeof(FastSlot).GetMethod(nameof(FastSlot.ObjectAddress))!);
                il.Emit(OpCodes.Stloc, local);
                il.Emit(OpCodes.Ldloc, ok);
                il.Emit(OpCodes.Brfalse, fail);
                break;
            }
        }
        il.MarkLabel(done);
    }

    // Stores the 64-bit integer in `wide` (two's complement of the input; `unsignedInput` says how to read it) into
    // `into`, narrowed to the slot's width, or goes to `fail` when it is outside [Min, Max].
    private static void StoreInRange(ILGenerator il, LocalBuilder wide, FastSlot slot, bool unsignedInput, Label fail, LocalBuilder into)
    {
        if (!unsignedInput && (!slot.Signed || slot.Bits < 64))
        {
            il.Emit(OpCodes.Ldloc, wide);
            il.Emit(OpCodes.Ldc_I8, slot.Min);
            il.Emit(OpCodes.Blt, fail);
        }
        if (slot.Bits < 64 || (unsignedInput && slot.Signed))
        {
            // Signed values of a signed slot compare signed; otherwise the value is non-negative here (or read
            // unsigned), and an unsigned comparison is exact.
            il.Emit(OpCodes.Ldloc, wide);
            il.Emit(OpCodes.Ldc_I8, (long)slot.Max);
            il.Emit(slot.Signed && !unsignedInput ? OpCodes.Bgt : OpCodes.Bgt_Un, fail);
        }
        il.Emit(OpCodes.Ldloc, wide);
        il.Emit(slot.Bits switch
        {
            8 => slot.Signed ? OpCodes.Conv_I1 : OpCodes.Conv_U1,
            16 => slot.Signed ? OpCodes.Conv_I2 : OpCodes.Conv_U2,
            32 => slot.Signed ? OpCodes.Conv_I4 : OpCodes.Conv_U4,
            _ => OpCodes.Nop,
        });
        il.Emit(OpCodes.Stloc, into);
    }

    // If `o` is a boxed `box`: unbox, convert, store in `into`, go to `then`.
    private static void Unbox(ILGenerator il, LocalBuilder o, Type box, OpCode convert, LocalBuilder into, Label then)
    {
        var next = il.DefineLabel();
        il.Emit(OpCodes.Ldloc, o);
        il.Emit(OpCodes.Isinst, box);
        il.Emit(OpCodes.Brfalse, next);
        il.Emit(OpCodes.Ldloc, o);
        il.Emit(OpCodes.Unbox_Any, box);
        if (convert != OpCodes.Nop) il.Emit(convert);
        il.Emit(OpCodes.Stloc, into);
        il.Emit(OpCodes.Br, then);
        il.MarkLabel(next);
    }

    // Pushes field `field` of args[index].
    private static void Load(ILGenerator il, Action<ILGenerator> args, int index, FieldInfo field)
    {
        args(il);
        CallEmitter.Offset(il, (long)index * Unsafe.SizeOf<FfiValue>());
        il.Emit(OpCodes.Ldfld, field);
    }

    private static void RequireKind(ILGenerator il, Action<ILGenerator> args, int index, FfiValueKind kind, Label fail)
    {
        Load(il, args, index, KindField);
        il.Emit(OpCodes.Ldc_I4, (int)kind);
        il.Emit(OpCodes.Bne_Un, fail);
    }

    // A tagged pointer must carry no tag or the same tag (the general path words the error).
    private static void RequireTag(ILGenerator il, Action<ILGenerator> args, int index, string? tag, Label fail)
    {
        if (tag is null) return;
        var ok = il.DefineLabel();
        var given = il.DeclareLocal(typeof(string));
        Load(il, args, index, RefField);
        il.Emit(OpCodes.Isinst, typeof(string));
        il.Emit(OpCodes.Stloc, given);
        il.Emit(OpCodes.Ldloc, given);
        il.Emit(OpCodes.Brfalse, ok);
        il.Emit(OpCodes.Ldloc, given);
        il.Emit(OpCodes.Ldstr, tag);
        il.Emit(OpCodes.Call, typeof(string).GetMethod("op_Equality", [typeof(string), typeof(string)])!);
        il.Emit(OpCodes.Brfalse, fail);
        il.MarkLabel(ok);
    }

    // Arguments from the locals the tests filled.
    private sealed class LocalSource : ArgumentSource
    {
        public readonly Dictionary<int, LocalBuilder> Locals = [];
        public readonly Dictionary<int, (LocalBuilder From, long Size)> Aggregates = [];

        public override void PushValue(ILGenerator il, int index, Type carrier, int bytes)
        {
            if (Aggregates.TryGetValue(index, out var a)) CallEmitter.EmitCarrierFrom(il, g => g.Emit(OpCodes.Ldloc, a.From), carrier, bytes);
            else il.Emit(OpCodes.Ldloc, Locals[index]);
        }

        public override void PushAddress(ILGenerator il, int index)
        {
            if (Aggregates.TryGetValue(index, out var a)) il.Emit(OpCodes.Ldloc, a.From);
            else il.Emit(OpCodes.Ldloca, Locals[index]);
        }

        public override void PushReturnPointer(ILGenerator il) => throw new InvalidOperationException("fast stubs do not return aggregates");
    }
}
