using System.Reflection.Emit;
using System.Reflection;
using System.Runtime.CompilerServices;
using Ffi.Abi;
using Ffi.Il;
using Ffi.Runtime;
using Ffi.Values;

namespace Ffi.Downcalls;

/// <summary>
/// The per-argument part of a dynamic invoker (<see cref="DynamicInvokerEmitter"/>): the kind and range test of each
/// argument, for <see cref="FfiValue"/>s (the kind must match exactly, integers in range) and for objects (boxed CLR
/// primitives, strings, pointers and storage, tested with <c>isinst</c>), and the locals the call loads them from.
/// </summary>
internal static class DynamicArgumentChecks
{
    // A char* argument given as a string: copied to UTF-8 after every test has passed.
    public sealed record StringArg(IlLocal IsString, IlLocal Carrier, IlLocal Buffer, Action<IlWriter> PushString);

    // Emits the test and conversion of argument `index` (from the arguments `args` pushes) into `source`; branches to
    // `fail` when it is not taken.
    public delegate void ArgumentTest(IlWriter il, Action<IlWriter> args, int index, FastSlot slot, IlLabel fail, LocalSource source, List<StringArg> strings);

    private static IlLocal CarrierLocal(IlWriter il, int index, FastSlot slot, LocalSource source)
    {
        var local = il.DeclareLocal(Carriers.Scalar(SysVCallPlanner.RepOf(slot.Type is Types.HandleType h ? h.Rep : slot.Type)));
        source.Locals[index] = local;
        return local;
    }

    // ---- FfiValue arguments: the kind must match exactly, integers in range ----

    public static void EmitValueTest(IlWriter il, Action<IlWriter> args, int i, FastSlot slot, IlLabel fail, LocalSource source, List<StringArg> strings)
    {
        if (slot.Kind == SlotKind.Aggregate)
        {
            int index = i;
            DynamicAggregateArgument.Emit(il, g =>
            {
                args(g);
                CarrierIl.Offset(g, (long)index * Unsafe.SizeOf<FfiValue>());
            }, typeof(FfiValue).MakeByRefType(), i, slot, fail, source);
            return;
        }
        var local = CarrierLocal(il, i, slot, source);
        switch (slot.Kind)
        {
            case SlotKind.Integer:
            {
                RequireKind(il, args, i, slot.Signed ? FfiValueKind.Int : FfiValueKind.UInt, fail);
                var wide = il.DeclareLocal(typeof(long));
                Load(il, args, i, StubFields.ValueBits);
                il.Emit(OpCodes.Stloc, wide);
                StoreInRange(il, wide, slot, unsignedInput: !slot.Signed, fail, local);
                break;
            }
            case SlotKind.Bool:
                RequireKind(il, args, i, FfiValueKind.Bool, fail);
                Load(il, args, i, StubFields.ValueBits);
                il.Emit(OpCodes.Conv_U1);
                il.Emit(OpCodes.Stloc, local);
                break;
            case SlotKind.Float64:
                RequireKind(il, args, i, FfiValueKind.Double, fail);
                Load(il, args, i, StubFields.ValueBits);
                il.Emit(OpCodes.Call, typeof(BitConverter).GetMethod(nameof(BitConverter.UInt64BitsToDouble))!);
                il.Emit(OpCodes.Stloc, local);
                break;
            case SlotKind.Float32:
                RequireKind(il, args, i, FfiValueKind.Float, fail);
                Load(il, args, i, StubFields.ValueBits);
                il.Emit(OpCodes.Conv_U4);
                il.Emit(OpCodes.Call, typeof(BitConverter).GetMethod(nameof(BitConverter.UInt32BitsToSingle))!);
                il.Emit(OpCodes.Stloc, local);
                break;
            case SlotKind.Pointer:
                RequireKind(il, args, i, FfiValueKind.Pointer, fail);
                RequireTag(il, args, i, slot.Tag, fail);
                Load(il, args, i, StubFields.ValueBits);
                il.Emit(OpCodes.Conv_I);
                il.Emit(OpCodes.Stloc, local);
                break;
            case SlotKind.CharPointer:
            {
                // A pointer passes as it is; a string is copied below; anything else takes the general path.
                var isString = il.DeclareLocal(typeof(bool));
                var notPointer = il.DefineLabel();
                var done = il.DefineLabel();
                Load(il, args, i, StubFields.ValueKind);
                il.Emit(OpCodes.Ldc_I4, (int)FfiValueKind.Pointer);
                il.Emit(OpCodes.Bne_Un, notPointer);
                RequireTag(il, args, i, slot.Tag, fail);
                Load(il, args, i, StubFields.ValueBits);
                il.Emit(OpCodes.Conv_I);
                il.Emit(OpCodes.Stloc, local);
                il.Emit(OpCodes.Br, done);
                il.MarkLabel(notPointer);
                RequireKind(il, args, i, FfiValueKind.String, fail);
                // A typed variadic extra holds its string inside a TypedExtra: the general path unwraps it.
                Load(il, args, i, StubFields.ValueReference);
                il.Emit(OpCodes.Isinst, typeof(string));
                il.Emit(OpCodes.Brfalse, fail);
                il.Emit(OpCodes.Ldc_I4_1);
                il.Emit(OpCodes.Stloc, isString);
                il.MarkLabel(done);
                int index = i;
                strings.Add(new StringArg(isString, local, il.DeclareLocal(typeof(byte*)), g => Load(g, args, index, StubFields.ValueReference)));
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

    public static void EmitObjectTest(IlWriter il, Action<IlWriter> args, int i, FastSlot slot, IlLabel fail, LocalSource source, List<StringArg> strings)
    {
        var o = il.DeclareLocal(typeof(object));
        args(il);
        il.Emit(OpCodes.Ldc_I4, i);
        il.Emit(OpCodes.Ldelem_Ref);
        il.Emit(OpCodes.Stloc, o);
        if (slot.Kind == SlotKind.Aggregate)
        {
            DynamicAggregateArgument.Emit(il, g => g.Emit(OpCodes.Ldloc, o), typeof(object), i, slot, fail, source);
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
    private static void StoreInRange(IlWriter il, IlLocal wide, FastSlot slot, bool unsignedInput, IlLabel fail, IlLocal into)
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
    private static void Unbox(IlWriter il, IlLocal o, Type box, OpCode convert, IlLocal into, IlLabel then)
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
    private static void Load(IlWriter il, Action<IlWriter> args, int index, FieldInfo field)
    {
        args(il);
        CarrierIl.Offset(il, (long)index * Unsafe.SizeOf<FfiValue>());
        il.Emit(OpCodes.Ldfld, field);
    }

    private static void RequireKind(IlWriter il, Action<IlWriter> args, int index, FfiValueKind kind, IlLabel fail)
    {
        Load(il, args, index, StubFields.ValueKind);
        il.Emit(OpCodes.Ldc_I4, (int)kind);
        il.Emit(OpCodes.Bne_Un, fail);
    }

    // A tagged pointer must carry no tag or the same tag (the general path words the error).
    private static void RequireTag(IlWriter il, Action<IlWriter> args, int index, string? tag, IlLabel fail)
    {
        if (tag is null) return;
        var ok = il.DefineLabel();
        var given = il.DeclareLocal(typeof(string));
        Load(il, args, index, StubFields.ValueReference);
        il.Emit(OpCodes.Call, typeof(FfiValue).GetMethod(nameof(FfiValue.TagOf), BindingFlags.Static | BindingFlags.NonPublic)!);
        il.Emit(OpCodes.Stloc, given);
        il.Emit(OpCodes.Ldloc, given);
        il.Emit(OpCodes.Brfalse, ok);
        il.Emit(OpCodes.Ldloc, given);
        il.Emit(OpCodes.Ldstr, tag);
        il.Emit(OpCodes.Call, typeof(string).GetMethod(nameof(string.Equals), [typeof(string), typeof(string)])!);
        il.Emit(OpCodes.Brfalse, fail);
        il.MarkLabel(ok);
    }

    // Arguments from the locals the tests filled.
    public sealed class LocalSource : ArgumentSource
    {
        public readonly Dictionary<int, IlLocal> Locals = [];
        // A record, not a tuple, as the value: a dictionary of a value type is code the JIT compiles for the first invoker.
        public readonly Dictionary<int, AggregateLocal> Aggregates = [];

        public override void PushValue(IlWriter il, int index, Type carrier, int bytes)
        {
            if (Aggregates.TryGetValue(index, out var a)) CarrierIl.EmitCarrierFrom(il, g => g.Emit(OpCodes.Ldloc, a.From), carrier, bytes);
            else il.Emit(OpCodes.Ldloc, Locals[index]);
        }

        public override void PushAddress(IlWriter il, int index)
        {
            if (Aggregates.TryGetValue(index, out var a)) il.Emit(OpCodes.Ldloc, a.From);
            else il.Emit(OpCodes.Ldloca, Locals[index]);
        }

        public override void PushReturnPointer(IlWriter il) => throw new InvalidOperationException("fast stubs do not return aggregates");
    }

    /// <summary>Where an aggregate argument's bytes are while an invoker runs: the local holding their address, and their size.</summary>
    public sealed record AggregateLocal(IlLocal From, long Size);
}
