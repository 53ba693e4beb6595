using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Ffi.Runtime;
using Ffi.Abi;
using Ffi.Downcalls;
using Ffi.Memory;
using Ffi.Types;
using Ffi.Binding;

namespace Ffi.Callbacks;

/// <summary>
/// Generates a chunk of a pool's trampolines: static <see cref="UnmanagedCallersOnlyAttribute"/> methods in a new
/// dynamic assembly, each bound to one slot. A trampoline receives its arguments exactly as the callback's call
/// plan says C passes them (the downcall carriers, read the other way), and either invokes the slot's delegate
/// directly (typed pools) or lays the arguments out in a frame for <see cref="CallbackRuntime.Dispatch"/> (dynamic
/// pools). No exception leaves a trampoline.
/// </summary>
internal static class TrampolineEmitter
{
    private static int s_chunks;

    private static readonly ConstructorInfo UnmanagedCallersOnly = typeof(UnmanagedCallersOnlyAttribute).GetConstructor(Type.EmptyTypes)!;
    private static readonly ConstructorInfo IgnoresAccessChecks = typeof(IgnoresAccessChecksToAttribute).GetConstructor([typeof(string)])!;
    private static readonly FieldInfo FailingField = typeof(CallbackRuntime).GetField(nameof(CallbackRuntime.Failing))!;

    /// <summary>Emits trampolines for <paramref name="slots"/> and returns their function pointers, in order.</summary>
    public static nint[] EmitChunk(TrampolinePool pool, CallbackSlot[] slots)
    {
        var name = new AssemblyName($"Ffi.Callbacks.Chunk{Interlocked.Increment(ref s_chunks)}");
        var assembly = AssemblyBuilder.DefineDynamicAssembly(name, AssemblyBuilderAccess.Run);
        // The trampolines use the engine's internals and the user's (possibly non-public) delegate and struct types.
        foreach (var accessed in AccessedAssemblies(pool))
            assembly.SetCustomAttribute(new CustomAttributeBuilder(IgnoresAccessChecks, [accessed]));
        var type = assembly.DefineDynamicModule(name.Name!).DefineType("Trampolines",
            TypeAttributes.Public | TypeAttributes.Abstract | TypeAttributes.Sealed | TypeAttributes.BeforeFieldInit);

        var (returnType, parameterTypes) = CallEmitter.Signature(pool.Lowered);
        var methods = new MethodBuilder[slots.Length];
        var delegateFields = new List<FieldBuilder>();
        for (int i = 0; i < slots.Length; i++)
        {
            // Each trampoline reads its own slot from its own static field (no array, no bounds check per call).
            var slotField = type.DefineField($"S{i}", typeof(CallbackSlot), FieldAttributes.Public | FieldAttributes.Static);
            var m = type.DefineMethod($"T{slots[i].Index}", MethodAttributes.Public | MethodAttributes.Static, returnType, parameterTypes);
            m.SetCustomAttribute(new CustomAttributeBuilder(UnmanagedCallersOnly, []));
            var args = pool.Lowered;
            if (pool.Typed is { } typed)
            {
                // A typed trampoline also keeps its delegate in a field of the delegate's type: one independent load
                // per call instead of slot → target.
                var delegateField = type.DefineField($"D{i}", typed.DelegateType, FieldAttributes.Public | FieldAttributes.Static);
                delegateFields.Add(delegateField);
                EmitTyped(m.GetILGenerator(), pool, typed, args, slotField, delegateField);
            }
            else
            {
                EmitDynamic(m.GetILGenerator(), pool, args, slotField);
            }
            methods[i] = m;
        }
        if (pool.Typed is { } delegateType) EmitPublish(type, delegateType.DelegateType, delegateFields);

        var pointers = type.DefineMethod("Pointers", MethodAttributes.Public | MethodAttributes.Static, typeof(nint[]), Type.EmptyTypes);
        var il = pointers.GetILGenerator();
        il.Emit(OpCodes.Ldc_I4, methods.Length);
        il.Emit(OpCodes.Newarr, typeof(nint));
        for (int i = 0; i < methods.Length; i++)
        {
            il.Emit(OpCodes.Dup);
            il.Emit(OpCodes.Ldc_I4, i);
            il.Emit(OpCodes.Ldftn, methods[i]);
            il.Emit(OpCodes.Stelem_I);
        }
        il.Emit(OpCodes.Ret);

        var created = type.CreateType();
        var publish = pool.Typed is null ? null : created.GetMethod("Publish")!.CreateDelegate<Action<int, object?>>();
        for (int i = 0; i < slots.Length; i++)
        {
            created.GetField($"S{i}")!.SetValue(null, slots[i]);
            slots[i].Publish = publish;
            slots[i].ChunkIndex = i;
        }
        return (nint[])created.GetMethod("Pointers")!.Invoke(null, null)!;
    }

    // static void Publish(int i, object? d): stores d in trampoline i's delegate field (CallbackSlot.Publish).
    private static void EmitPublish(TypeBuilder type, Type delegateType, List<FieldBuilder> fields)
    {
        var publish = type.DefineMethod("Publish", MethodAttributes.Public | MethodAttributes.Static, typeof(void), [typeof(int), typeof(object)]);
        var il = publish.GetILGenerator();
        var cases = fields.Select(_ => il.DefineLabel()).ToArray();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Switch, cases);
        il.Emit(OpCodes.Ret);
        for (int i = 0; i < fields.Count; i++)
        {
            il.MarkLabel(cases[i]);
            il.Emit(OpCodes.Ldarg_1);
            il.Emit(OpCodes.Castclass, delegateType);
            il.Emit(OpCodes.Stsfld, fields[i]);
            il.Emit(OpCodes.Ret);
        }
    }

    private static IEnumerable<string> AccessedAssemblies(TrampolinePool pool)
    {
        var names = new HashSet<string>(StringComparer.Ordinal) { typeof(TrampolineEmitter).Assembly.GetName().Name!, typeof(CType).Assembly.GetName().Name! };
        if (pool.Typed is { } typed)
        {
            foreach (var t in typed.Parameters.Append(typed.ReturnType).Append(typed.DelegateType))
            {
                var element = t;
                while (element.HasElementType) element = element.GetElementType()!;
                names.Add(element.Assembly.GetName().Name!);
            }
        }
        return names;
    }

    // Pushes the address of argument `index`'s C bytes where C passed them: its own IL argument (a register slot), or
    // its offset in the stack image (the recipe run backwards).
    private static void PushAddress(ILGenerator il, LoweredCall call, int index)
    {
        var home = call.HomeOf(index);
        il.Emit(OpCodes.Ldarga, home.Slot);
        CallEmitter.Offset(il, home.Offset);
    }

    // ---- typed: the slot's delegate invoked directly ----

    private static void EmitTyped(ILGenerator il, TrampolinePool pool, TypedCallback typed, LoweredCall args, FieldInfo slotField, FieldInfo delegateField)
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
    private static void PushTypedArgument(ILGenerator il, LoweredCall args, LocalBuilder slot, int i, Type clr, Mapping how)
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
                PushAddress(il, args, i);
                il.Emit(OpCodes.Ldc_I4, checked((int)home.Bytes));
                il.Emit(OpCodes.Cpblk);
            }
            il.Emit(OpCodes.Ldloc, value);
            return;
        }
        var rep = Carriers.Scalar(home.Rep ?? throw new System.Diagnostics.UnreachableException($"argument {i} is not a scalar"));
        PushAddress(il, args, i);
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
    private static void StoreTypedResult(ILGenerator il, LoweredCall plan, LocalBuilder slot, TypedCallback typed, LocalBuilder? result)
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
    private static void CallWithSlot(ILGenerator il, LocalBuilder slot, Type valueType, int? index, string helper)
    {
        var value = il.DeclareLocal(valueType);
        il.Emit(OpCodes.Stloc, value);
        il.Emit(OpCodes.Ldloc, slot);
        if (index is { } i) il.Emit(OpCodes.Ldc_I4, i);
        il.Emit(OpCodes.Ldloc, value);
        il.Emit(OpCodes.Call, typeof(CallbackRuntime).GetMethod(helper)!);
    }

    // A zero result: the carrier local, or the hidden return pointer's storage.
    private static void ZeroResult(ILGenerator il, LoweredCall plan, LocalBuilder? result)
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
            il.Emit(OpCodes.Initobj, result.LocalType);
        }
    }

    // ---- dynamic: the arguments laid out in a frame for the dispatcher ----

    private static void EmitDynamic(ILGenerator il, TrampolinePool pool, LoweredCall args, FieldInfo slotField)
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
            CallEmitter.Offset(il, frame.Offsets[i]);
            PushAddress(il, plan, i);
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
    private static LocalBuilder Aligned(ILGenerator il, long bytes)
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
