using System.Reflection.Emit;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Ffi.Abi;
using Ffi.Il;
using Ffi.Runtime;
using Ffi.Types;

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

        var (returnType, parameterTypes) = CarrierIl.Signature(pool.Lowered);
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
                var body = StubListings.For(m.GetILGenerator());
                TypedTrampolineBody.Emit(body, args, typed, RuntimeTrampolineTarget.For(slotField, delegateField));
                StubListings.Done(m.Name, body);
            }
            else
            {
                var body = StubListings.For(m.GetILGenerator());
                DynamicTrampolineBody.Emit(body, pool, args, slotField);
                StubListings.Done(m.Name, body);
            }
            methods[i] = m;
        }
        if (pool.Typed is { } delegateType) EmitPublish(type, delegateType.DelegateType, delegateFields);

        var pointers = type.DefineMethod("Pointers", MethodAttributes.Public | MethodAttributes.Static, typeof(nint[]), Type.EmptyTypes);
        var il = new GeneratorWriter(pointers.GetILGenerator());
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
        var il = new GeneratorWriter(publish.GetILGenerator());
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
}
