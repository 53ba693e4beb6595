using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Ffi.Binding;
using Ffi.Callbacks;
using Ffi.Compile.FunctionEmit;
using Ffi.Compile.Il;
using Ffi.Compile.TypeEmit;
using Ffi.Il;
using Ffi.Interop;
using Ffi.Shapes;
using Mono.Cecil;
using Mono.Cecil.Cil;
using MethodAttributes = Mono.Cecil.MethodAttributes;
using ParameterAttributes = Mono.Cecil.ParameterAttributes;

namespace Ffi.Compile.CallbackEmit;

/// <summary>
/// Writes the methods of a pool class (see <see cref="CallbackPools"/>) in the second phase: the trampolines, whose
/// bodies the run-time typed trampoline's own emitter writes (<see cref="TypedTrampolineBody"/>, the same
/// <see cref="TypedCallback"/> conversions, the callback's recipe run backwards) through the <see cref="CecilWriter"/>
/// with a <see cref="CompiledTrampolineTarget"/>; the <c>Publish</c> switch; and the static constructor that makes the
/// pool and adds every trampoline's <c>ldftn</c> address. Nothing here needs dynamic code at run time.
/// </summary>
internal static class TrampolineWriter
{
    public static void WriteAll(GeneratedTypes g, CecilOperands operands, LoadedTypes loaded, CallbackPools pools, CallShapes shapes)
    {
        foreach (var pool in pools.All) Write(g, operands, loaded, pool, shapes);
    }

    private static void Write(GeneratedTypes g, CecilOperands operands, LoadedTypes loaded, CallbackPool pool, CallShapes shapes)
    {
        var path = $"types.{pool.Name}";
        var delegateType = loaded.ToClr(pool.Delegate);
        var errors = new List<string>();
        var typed = TypedCallback.TryMap(delegateType, pool.Type, errors)
            ?? throw new FfiCompileException(path, $"its delegate type {pool.Delegate.Name} does not map to {pool.Type.DisplayName}: {string.Join("; ", errors)}");
        CallShape shape;
        try
        {
            shape = shapes.For(pool.Type.Return, [.. pool.Type.Parameters], null, pool.Type.DisplayName);
        }
        catch (FfiBindException e)
        {
            throw new FfiCompileException(path, e.Message);
        }
        var holder = loaded.ToClr(pool.Holder);
        var (ret, parameters) = CarrierIl.Signature(shape.Lowered);
        var uco = UnmanagedCallersOnly(g, operands);
        var trampolines = new MethodDefinition[pool.SlotFields.Length];
        for (int i = 0; i < trampolines.Length; i++)
        {
            var m = new MethodDefinition($"T{i}", MethodAttributes.Private | MethodAttributes.Static | MethodAttributes.HideBySig, operands.Type(ret));
            for (int p = 0; p < parameters.Length; p++) m.Parameters.Add(new ParameterDefinition($"a{p}", ParameterAttributes.None, operands.Type(parameters[p])));
            m.CustomAttributes.Add(uco);
            pool.Holder.Methods.Add(m);
            var target = CompiledTrampolineTarget.For(holder.GetField($"S{i}", BindingFlags.NonPublic | BindingFlags.Static)!,
                holder.GetField($"D{i}", BindingFlags.NonPublic | BindingFlags.Static)!);
            var cecil = new CecilWriter(m, operands);
            var il = StubListings.For(cecil);
            TypedTrampolineBody.Emit(il, shape.Lowered, typed, target);
            cecil.Finish();
            StubListings.Done($"compiled_trampoline_{pool.Name}_{i}", il);
            trampolines[i] = m;
        }
        var publish = WritePublish(g, operands, pool);
        WriteStaticConstructor(g, operands, pool, publish, trampolines);
    }

    // [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvCdecl) })]: cdecl is SysV's C convention, as at run time.
    private static CustomAttribute UnmanagedCallersOnly(GeneratedTypes g, CecilOperands operands)
    {
        var attribute = operands.Type(typeof(UnmanagedCallersOnlyAttribute));
        var uco = new CustomAttribute(new MethodReference(".ctor", g.Module.TypeSystem.Void, attribute) { HasThis = true });
        var type = operands.Type(typeof(System.Type));
        var types = new Mono.Cecil.ArrayType(type);
        uco.Fields.Add(new Mono.Cecil.CustomAttributeNamedArgument(nameof(UnmanagedCallersOnlyAttribute.CallConvs),
            new CustomAttributeArgument(types, new[] { new CustomAttributeArgument(type, operands.Type(typeof(CallConvCdecl))) })));
        return uco;
    }

    // static void Publish(int i, Delegate d) { switch (i) { case 0: D0 = (cmp_fn)d; return; … } } (CallbackSlots stores through it).
    private static MethodDefinition WritePublish(GeneratedTypes g, CecilOperands operands, CallbackPool pool)
    {
        var ts = g.Module.TypeSystem;
        var m = new MethodDefinition("Publish", MethodAttributes.Private | MethodAttributes.Static | MethodAttributes.HideBySig, ts.Void);
        m.Parameters.Add(new ParameterDefinition("i", ParameterAttributes.None, ts.Int32));
        m.Parameters.Add(new ParameterDefinition("d", ParameterAttributes.None, operands.Type(typeof(Delegate))));
        pool.Holder.Methods.Add(m);
        var il = m.Body.GetILProcessor();
        var cases = pool.DelegateFields.Select(_ => Instruction.Create(OpCodes.Ldarg_1)).ToArray();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Switch, cases);
        il.Emit(OpCodes.Ret);
        for (int i = 0; i < cases.Length; i++)
        {
            il.Append(cases[i]);
            il.Emit(OpCodes.Castclass, pool.Delegate);
            il.Emit(OpCodes.Volatile);
            il.Emit(OpCodes.Stsfld, pool.DelegateFields[i]);
            il.Emit(OpCodes.Ret);
        }
        return m;
    }

    // static .cctor() { Pool = new CallbackSlots("cmp_fn", new Action<int, Delegate>(Publish)); S0 = Pool.Add(&T0); … }
    private static void WriteStaticConstructor(GeneratedTypes g, CecilOperands operands, CallbackPool pool, MethodDefinition publish, MethodDefinition[] trampolines)
    {
        var ts = g.Module.TypeSystem;
        var cctor = new MethodDefinition(".cctor", MethodAttributes.Private | MethodAttributes.Static | MethodAttributes.HideBySig
            | MethodAttributes.SpecialName | MethodAttributes.RTSpecialName, ts.Void);
        pool.Holder.Methods.Add(cctor);
        var action = operands.Type(typeof(Action<int, Delegate?>));
        var actionCtor = new MethodReference(".ctor", ts.Void, action) { HasThis = true };
        actionCtor.Parameters.Add(new ParameterDefinition(ts.Object));
        actionCtor.Parameters.Add(new ParameterDefinition(ts.IntPtr));
        var slotsCtor = new MethodReference(".ctor", ts.Void, operands.Type(typeof(CallbackSlots))) { HasThis = true };
        slotsCtor.Parameters.Add(new ParameterDefinition(ts.String));
        slotsCtor.Parameters.Add(new ParameterDefinition(action));
        var add = operands.Method(typeof(CallbackSlots).GetMethod(nameof(CallbackSlots.Add))!);

        var il = cctor.Body.GetILProcessor();
        il.Emit(OpCodes.Ldstr, pool.Name);
        il.Emit(OpCodes.Ldnull);
        il.Emit(OpCodes.Ldftn, publish);
        il.Emit(OpCodes.Newobj, actionCtor);
        il.Emit(OpCodes.Newobj, slotsCtor);
        il.Emit(OpCodes.Stsfld, pool.PoolField);
        for (int i = 0; i < trampolines.Length; i++)
        {
            il.Emit(OpCodes.Ldsfld, pool.PoolField);
            il.Emit(OpCodes.Ldftn, trampolines[i]);
            il.Emit(OpCodes.Callvirt, add);
            il.Emit(OpCodes.Stsfld, pool.SlotFields[i]);
        }
        il.Emit(OpCodes.Ret);
    }
}
