using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using Ffi.Abi;
using Ffi.Values;

namespace Ffi.Downcalls;

/// <summary>
/// An emitted stub that takes <see cref="FfiValue"/>s directly: returns false, before anything has happened, when an
/// argument is not of the exact kind and range its slot takes (the caller then uses the general conversion).
/// <c>args</c> is a reference to the first value (GC-tracked: the values may live in a managed array).
/// </summary>
internal unsafe delegate bool FastCall(nint fn, ref FfiValue args, byte* ret);

/// <summary>The object API's fast stub: the same, with the arguments as boxed CLR values.</summary>
internal unsafe delegate bool FastObjectCall(nint fn, object?[] args, byte* ret);

/// <summary>
/// Emits <see cref="FastCall"/>s for functions whose parameters are all scalars (integers, bool, float, double,
/// pointers, <c>char*</c>) and whose result is a scalar or void: per argument one kind test and one range test
/// in IL, then the call as <see cref="CallEmitter"/> makes it. Strings are copied to UTF-8 on the stack when short.
/// </summary>
internal static class FastValueStub
{
    // The stubs are closed over this object (unused): invoking a delegate closed over its first argument needs no
    // argument shuffle, unlike an open static one.
    private static readonly object ClosedOver = new();

    private static readonly FieldInfo KindField = typeof(FfiValue).GetField("_kind", BindingFlags.NonPublic | BindingFlags.Instance)!;
    private static readonly FieldInfo BitsField = typeof(FfiValue).GetField("_bits", BindingFlags.NonPublic | BindingFlags.Instance)!;
    private static readonly FieldInfo RefField = typeof(FfiValue).GetField("_ref", BindingFlags.NonPublic | BindingFlags.Instance)!;

    /// <summary>The stub, or null when a parameter or the result needs the general path (handles with integer reps, aggregate results).</summary>
    public static FastCall? TryEmit(CallPlan plan, string name, bool captureErrno, MethodInfo? pinvoke, FastSlot[] slots, FastSlot result)
    {
        if (!Eligible(plan, slots, result)) return null;
        var dm = new DynamicMethod($"ffi_fast_{name}", typeof(bool), [typeof(object), typeof(nint), typeof(FfiValue).MakeByRefType(), typeof(byte*)], restrictedSkipVisibility: true);
        EmitBody(dm.GetILGenerator(), plan, name, captureErrno, pinvoke, slots, EmitValueTest);
        return (FastCall)dm.CreateDelegate(typeof(FastCall), ClosedOver);
    }

    /// <summary>The same for the object API: arguments are tested with <c>isinst</c> and unboxed directly.</summary>
    public static FastObjectCall? TryEmitObjects(CallPlan plan, string name, bool captureErrno, MethodInfo? pinvoke, FastSlot[] slots, FastSlot result)
    {
        if (!Eligible(plan, slots, result)) return null;
        var dm = new DynamicMethod($"ffi_fastobj_{name}", typeof(bool), [typeof(object), typeof(nint), typeof(object[]), typeof(byte*)], restrictedSkipVisibility: true);
        EmitBody(dm.GetILGenerator(), plan, name, captureErrno, pinvoke, slots, EmitObjectTest);
        return (FastObjectCall)dm.CreateDelegate(typeof(FastObjectCall), ClosedOver);
    }

    private static bool Eligible(CallPlan plan, FastSlot[] slots, FastSlot result) =>
        !plan.IsVariadic && result.Kind is not (SlotKind.General or SlotKind.Aggregate) && !slots.Any(s => s.Kind is SlotKind.General or SlotKind.Void);

    // A char* argument given as a string: copied to UTF-8 after every test has passed.
    private sealed record StringArg(LocalBuilder IsString, LocalBuilder Carrier, LocalBuilder Buffer, Action<ILGenerator> PushString);

    // Emits the test and conversion of argument `index` into `source`; branches to `fail` when it is not taken.
    private delegate void ArgumentTest(ILGenerator il, int index, FastSlot slot, Label fail, LocalSource source, List<StringArg> strings);

    private static void EmitBody(ILGenerator il, CallPlan plan, string name, bool captureErrno, MethodInfo? pinvoke, FastSlot[] slots, ArgumentTest test)
    {
        var fail = il.DefineLabel();
        var source = new LocalSource();
        var strings = new List<StringArg>();

        // 1. Every test before anything is allocated: a failure leaves nothing to undo.
        for (int i = 0; i < slots.Length; i++) test(il, i, slots[i], fail, source, strings);

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

        // 3. The call, the result, and the string copies released.
        CallEmitter.EmitCall(il, plan, name, source, static il => il.Emit(OpCodes.Ldarg_1), pinvoke, captureErrno);
        CallEmitter.EmitStoreResult(il, plan, name, static il => il.Emit(OpCodes.Ldarg_3));
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
        il.Emit(OpCodes.Ldc_I4_1);
        il.Emit(OpCodes.Ret);
        il.MarkLabel(fail);
        il.Emit(OpCodes.Ldc_I4_0);
        il.Emit(OpCodes.Ret);
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

    private static void EmitValueTest(ILGenerator il, int i, FastSlot slot, Label fail, LocalSource source, List<StringArg> strings)
    {
        if (slot.Kind == SlotKind.Aggregate)
        {
            RequireKind(il, i, FfiValueKind.Object, fail);
            Load(il, i, RefField);
            TakeAggregate(il, i, slot, fail, source);
            return;
        }
        var local = CarrierLocal(il, i, slot, source);
        switch (slot.Kind)
        {
            case SlotKind.Integer:
            {
                RequireKind(il, i, slot.Signed ? FfiValueKind.Int : FfiValueKind.UInt, fail);
                var wide = il.DeclareLocal(typeof(long));
                Load(il, i, BitsField);
                il.Emit(OpCodes.Stloc, wide);
                StoreInRange(il, wide, slot, unsignedInput: !slot.Signed, fail, local);
                break;
            }
            case SlotKind.Bool:
                RequireKind(il, i, FfiValueKind.Bool, fail);
                Load(il, i, BitsField);
                il.Emit(OpCodes.Conv_U1);
                il.Emit(OpCodes.Stloc, local);
                break;
            case SlotKind.Float64:
                RequireKind(il, i, FfiValueKind.Double, fail);
                Load(il, i, BitsField);
                il.Emit(OpCodes.Call, typeof(BitConverter).GetMethod(nameof(BitConverter.UInt64BitsToDouble))!);
                il.Emit(OpCodes.Stloc, local);
                break;
            case SlotKind.Float32:
                RequireKind(il, i, FfiValueKind.Float, fail);
                Load(il, i, BitsField);
                il.Emit(OpCodes.Conv_U4);
                il.Emit(OpCodes.Call, typeof(BitConverter).GetMethod(nameof(BitConverter.UInt32BitsToSingle))!);
                il.Emit(OpCodes.Stloc, local);
                break;
            case SlotKind.Pointer:
                RequireKind(il, i, FfiValueKind.Pointer, fail);
                RequireTag(il, i, slot.Tag, fail);
                Load(il, i, BitsField);
                il.Emit(OpCodes.Conv_I);
                il.Emit(OpCodes.Stloc, local);
                break;
            case SlotKind.CharPointer:
            {
                // A pointer passes as it is; a string is copied below; anything else takes the general path.
                var isString = il.DeclareLocal(typeof(bool));
                var notPointer = il.DefineLabel();
                var done = il.DefineLabel();
                Load(il, i, KindField);
                il.Emit(OpCodes.Ldc_I4, (int)FfiValueKind.Pointer);
                il.Emit(OpCodes.Bne_Un, notPointer);
                RequireTag(il, i, slot.Tag, fail);
                Load(il, i, BitsField);
                il.Emit(OpCodes.Conv_I);
                il.Emit(OpCodes.Stloc, local);
                il.Emit(OpCodes.Br, done);
                il.MarkLabel(notPointer);
                RequireKind(il, i, FfiValueKind.String, fail);
                il.Emit(OpCodes.Ldc_I4_1);
                il.Emit(OpCodes.Stloc, isString);
                il.MarkLabel(done);
                int index = i;
                strings.Add(new StringArg(isString, local, il.DeclareLocal(typeof(byte*)), g => Load(g, index, RefField)));
                break;
            }
        }
    }

    // ---- object arguments: boxed CLR primitives, strings, pointers and storage, tested with isinst ----

    private static readonly Type[] SignedBoxes = [typeof(int), typeof(long), typeof(short), typeof(sbyte)];
    private static readonly Type[] UnsignedBoxes = [typeof(uint), typeof(ulong), typeof(ushort), typeof(byte)];

    private static void EmitObjectTest(ILGenerator il, int i, FastSlot slot, Label fail, LocalSource source, List<StringArg> strings)
    {
        var o = il.DeclareLocal(typeof(object));
        il.Emit(OpCodes.Ldarg_2);
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
            case SlotKind.Float64:
                Unbox(il, o, typeof(double), OpCodes.Nop, local, done);
                Unbox(il, o, typeof(int), OpCodes.Conv_R8, local, done);
                Unbox(il, o, typeof(float), OpCodes.Conv_R8, local, done);
                Unbox(il, o, typeof(long), OpCodes.Conv_R8, local, done);
                il.Emit(OpCodes.Br, fail);
                break;
            case SlotKind.Float32:
                Unbox(il, o, typeof(float), OpCodes.Nop, local, done);
                Unbox(il, o, typeof(double), OpCodes.Conv_R4, local, done);
                Unbox(il, o, typeof(int), OpCodes.Conv_R4, local, done);
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
    private static void Load(ILGenerator il, int index, FieldInfo field)
    {
        il.Emit(OpCodes.Ldarg_2);
        CallEmitter.Offset(il, (long)index * Unsafe.SizeOf<FfiValue>());
        il.Emit(OpCodes.Ldfld, field);
    }

    private static void RequireKind(ILGenerator il, int index, FfiValueKind kind, Label fail)
    {
        Load(il, index, KindField);
        il.Emit(OpCodes.Ldc_I4, (int)kind);
        il.Emit(OpCodes.Bne_Un, fail);
    }

    // A tagged pointer must carry no tag or the same tag (the general path words the error).
    private static void RequireTag(ILGenerator il, int index, string? tag, Label fail)
    {
        if (tag is null) return;
        var ok = il.DefineLabel();
        var given = il.DeclareLocal(typeof(string));
        Load(il, index, RefField);
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

        public override void PushValue(ILGenerator il, int index, Type carrier)
        {
            if (Aggregates.TryGetValue(index, out var a))
            {
                // Into a zeroed carrier (it may be larger than the C type: 12 bytes in a 16-byte carrier).
                var c = il.DeclareLocal(carrier);
                il.Emit(OpCodes.Ldloca, c);
                il.Emit(OpCodes.Initobj, carrier);
                il.Emit(OpCodes.Ldloca, c);
                il.Emit(OpCodes.Ldloc, a.From);
                il.Emit(OpCodes.Ldc_I4, checked((int)a.Size));
                il.Emit(OpCodes.Cpblk);
                il.Emit(OpCodes.Ldloc, c);
                return;
            }
            il.Emit(OpCodes.Ldloc, Locals[index]);
        }

        public override void PushAddress(ILGenerator il, int index)
        {
            if (Aggregates.TryGetValue(index, out var a)) il.Emit(OpCodes.Ldloc, a.From);
            else il.Emit(OpCodes.Ldloca, Locals[index]);
        }

        public override void PushReturnPointer(ILGenerator il) => throw new InvalidOperationException("fast stubs do not return aggregates");
    }
}
