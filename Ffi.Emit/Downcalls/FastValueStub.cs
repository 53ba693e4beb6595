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

/// <summary>
/// Emits <see cref="FastCall"/>s for functions whose parameters are all scalars (integers, bool, float, double,
/// pointers, <c>char*</c>) and whose result is a scalar or void: per argument one kind test and one range test
/// in IL, then the call as <see cref="CallEmitter"/> makes it. Strings are copied to UTF-8 on the stack when short.
/// </summary>
internal static class FastValueStub
{
    private static readonly FieldInfo KindField = typeof(FfiValue).GetField("_kind", BindingFlags.NonPublic | BindingFlags.Instance)!;
    private static readonly FieldInfo BitsField = typeof(FfiValue).GetField("_bits", BindingFlags.NonPublic | BindingFlags.Instance)!;
    private static readonly FieldInfo RefField = typeof(FfiValue).GetField("_ref", BindingFlags.NonPublic | BindingFlags.Instance)!;

    /// <summary>The stub, or null when a parameter or the result needs the general path (aggregates, handles with integer reps).</summary>
    public static FastCall? TryEmit(CallPlan plan, string name, bool captureErrno, MethodInfo? pinvoke, FastSlot[] slots, FastSlot result)
    {
        if (plan.IsVariadic || result.Kind is SlotKind.General or SlotKind.Aggregate || slots.Any(s => s.Kind is SlotKind.General or SlotKind.Void)) return null;
        var dm = new DynamicMethod($"ffi_fast_{name}", typeof(bool), [typeof(nint), typeof(FfiValue).MakeByRefType(), typeof(byte*)], restrictedSkipVisibility: true);
        var il = dm.GetILGenerator();
        var fail = il.DefineLabel();
        var source = new LocalSource();
        var strings = new List<(int Index, LocalBuilder IsString, LocalBuilder Carrier, LocalBuilder Buffer)>();

        // 1. Every test before anything is allocated: a failure leaves nothing to undo.
        for (int i = 0; i < slots.Length; i++)
        {
            var slot = slots[i];
            if (slot.Kind == SlotKind.Aggregate)
            {
                // The bytes stay where they are: copied into a register carrier or the stack image by the call.
                var from = il.DeclareLocal(typeof(nint));
                RequireKind(il, i, FfiValueKind.Object, fail);
                Load(il, i, RefField);
                il.Emit(OpCodes.Ldc_I8, slot.Type.Size);
                il.Emit(OpCodes.Call, typeof(FastSlot).GetMethod(nameof(FastSlot.AggregateSource))!);
                il.Emit(OpCodes.Stloc, from);
                il.Emit(OpCodes.Ldloc, from);
                il.Emit(OpCodes.Brfalse, fail);
                source.Aggregates[i] = (from, slot.Type.Size);
                continue;
            }
            var carrier = Carriers.Scalar(SysVCallPlanner.RepOf(slot.Type is Types.HandleType h ? h.Rep : slot.Type));
            var local = il.DeclareLocal(carrier);
            source.Locals[i] = local;
            switch (slot.Kind)
            {
                case SlotKind.Integer:
                {
                    RequireKind(il, i, slot.Signed ? FfiValueKind.Int : FfiValueKind.UInt, fail);
                    var wide = il.DeclareLocal(typeof(long));
                    Load(il, i, BitsField);
                    il.Emit(OpCodes.Stloc, wide);
                    if (slot.Bits < 64)
                    {
                        if (slot.Signed)
                        {
                            il.Emit(OpCodes.Ldloc, wide);
                            il.Emit(OpCodes.Ldc_I8, slot.Min);
                            il.Emit(OpCodes.Blt, fail);
                            il.Emit(OpCodes.Ldloc, wide);
                            il.Emit(OpCodes.Ldc_I8, (long)slot.Max);
                            il.Emit(OpCodes.Bgt, fail);
                        }
                        else
                        {
                            il.Emit(OpCodes.Ldloc, wide);
                            il.Emit(OpCodes.Ldc_I8, (long)slot.Max);
                            il.Emit(OpCodes.Bgt_Un, fail);
                        }
                    }
                    il.Emit(OpCodes.Ldloc, wide);
                    il.Emit(slot.Bits switch
                    {
                        8 => slot.Signed ? OpCodes.Conv_I1 : OpCodes.Conv_U1,
                        16 => slot.Signed ? OpCodes.Conv_I2 : OpCodes.Conv_U2,
                        32 => slot.Signed ? OpCodes.Conv_I4 : OpCodes.Conv_U4,
                        _ => OpCodes.Nop,
                    });
                    il.Emit(OpCodes.Stloc, local);
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
                    strings.Add((i, isString, local, il.DeclareLocal(typeof(byte*))));
                    break;
                }
            }
        }

        // 2. Strings, each in its own stack buffer when short.
        foreach (var (index, isString, carrierLocal, buffer) in strings)
        {
            var skip = il.DefineLabel();
            il.Emit(OpCodes.Ldloc, isString);
            il.Emit(OpCodes.Brfalse, skip);
            il.Emit(OpCodes.Ldc_I4, TypedHelpers.ShortString);
            il.Emit(OpCodes.Conv_U);
            il.Emit(OpCodes.Localloc);
            il.Emit(OpCodes.Stloc, buffer);
            Load(il, index, RefField);
            il.Emit(OpCodes.Castclass, typeof(string));
            il.Emit(OpCodes.Ldloc, buffer);
            il.Emit(OpCodes.Call, typeof(TypedHelpers).GetMethod(nameof(TypedHelpers.Utf8))!);
            il.Emit(OpCodes.Stloc, carrierLocal);
            il.MarkLabel(skip);
        }

        // 3. The call, the result, and the string copies released.
        CallEmitter.EmitCall(il, plan, name, source, static il => il.Emit(OpCodes.Ldarg_0), pinvoke, captureErrno);
        CallEmitter.EmitStoreResult(il, plan, name, static il => il.Emit(OpCodes.Ldarg_2));
        foreach (var (_, isString, carrierLocal, buffer) in strings)
        {
            var skip = il.DefineLabel();
            il.Emit(OpCodes.Ldloc, isString);
            il.Emit(OpCodes.Brfalse, skip);
            il.Emit(OpCodes.Ldloc, carrierLocal);
            il.Emit(OpCodes.Ldloc, buffer);
            il.Emit(OpCodes.Call, typeof(TypedHelpers).GetMethod(nameof(TypedHelpers.Release))!);
            il.MarkLabel(skip);
        }
        il.Emit(OpCodes.Ldc_I4_1);
        il.Emit(OpCodes.Ret);
        il.MarkLabel(fail);
        il.Emit(OpCodes.Ldc_I4_0);
        il.Emit(OpCodes.Ret);
        return dm.CreateDelegate<FastCall>();
    }

    // Pushes field `field` of args[index].
    private static void Load(ILGenerator il, int index, FieldInfo field)
    {
        il.Emit(OpCodes.Ldarg_1);
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
