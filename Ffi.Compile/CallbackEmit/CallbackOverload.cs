using Ffi.Compile.Il;
using Ffi.Compile.TypeEmit;
using Ffi.Interop;
using Ffi.Spec;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Ffi.Compile.CallbackEmit;

/// <summary>
/// For a compiled function with a parameter of a named function pointer type, the overload that takes the generated
/// delegate instead of the raw <c>nint</c>: each delegate leases one of its type's trampolines for the call (a
/// transient callback), the raw method is called with the addresses, the slots are released after it, and what a
/// callback threw is thrown when it returns (the run-time path's semantics).
/// <code>
/// public static void qsort(void* a0, ulong a1, ulong a2, cmp_fn a3)
/// {
///     CallbackCall call = CallbackCalls.Enter();
///     TrampolineSlot s3 = null;
///     try { s3 = '&lt;Callbacks&gt;cmp_fn'.Pool.Lease(a3, call); qsort(a0, a1, a2, CallbackSlots.AddressOf(s3)); }
///     fault { CallbackSlots.ReleaseTransient(s3); CallbackCalls.Abandon(call); }   // an exception: nothing stays leased
///     CallbackSlots.ReleaseTransient(s3);
///     CallbackCalls.Exit(call, "qsort");                                            // throws FfiCallbackException
/// }
/// </code>
/// Not through the stub emitters: the raw method already runs the recipe (and inlines); this is the callbacks'
/// lifetime around it, which the run-time <c>CallbackMarshaller</c> writes against the engine's internal pools.
/// </summary>
internal static class CallbackOverload
{
    /// <summary>Adds the delegate overload of <paramref name="raw"/>, when one of its parameters has a pool.</summary>
    public static void Define(GeneratedTypes g, CecilOperands operands, CallbackPools pools, TypeDefinition native, MethodDefinition raw, FunctionSpec f)
    {
        var taking = f.ParameterTypes.Select(pools.For).ToArray();
        if (f.IsTrivial || taking.All(p => p is null)) return;
        var m = new MethodDefinition(raw.Name, raw.Attributes, raw.ReturnType);
        for (int i = 0; i < raw.Parameters.Count; i++)
            m.Parameters.Add(new ParameterDefinition(raw.Parameters[i].Name, Mono.Cecil.ParameterAttributes.None, taking[i]?.Delegate ?? raw.Parameters[i].ParameterType));
        native.Methods.Add(m);
        m.Body.InitLocals = true;

        var callType = operands.Type(typeof(CallbackCall));
        var slotType = operands.Type(typeof(TrampolineSlot));
        var enter = operands.Method(typeof(CallbackCalls).GetMethod(nameof(CallbackCalls.Enter))!);
        var exit = operands.Method(typeof(CallbackCalls).GetMethod(nameof(CallbackCalls.Exit))!);
        var abandon = operands.Method(typeof(CallbackCalls).GetMethod(nameof(CallbackCalls.Abandon))!);
        var lease = operands.Method(typeof(CallbackSlots).GetMethod(nameof(CallbackSlots.Lease))!);
        var addressOf = operands.Method(typeof(CallbackSlots).GetMethod(nameof(CallbackSlots.AddressOf))!);
        var release = operands.Method(typeof(CallbackSlots).GetMethod(nameof(CallbackSlots.ReleaseTransient))!);

        var call = new VariableDefinition(callType);
        m.Body.Variables.Add(call);
        var slots = taking.Select(p => p is null ? null : new VariableDefinition(slotType)).ToArray();
        foreach (var s in slots.OfType<VariableDefinition>()) m.Body.Variables.Add(s);
        var result = raw.ReturnType.MetadataType == MetadataType.Void ? null : new VariableDefinition(raw.ReturnType);
        if (result is not null) m.Body.Variables.Add(result);

        var il = m.Body.GetILProcessor();
        il.Emit(OpCodes.Call, enter);
        il.Emit(OpCodes.Stloc, call);
        // Leases inside the try: one that finds its pool exhausted must not leave the others leased or the call entered.
        Instruction? tryStart = null;
        for (int i = 0; i < slots.Length; i++)
        {
            if (slots[i] is null) continue;
            var load = Instruction.Create(OpCodes.Ldsfld, taking[i]!.PoolField);
            tryStart ??= load;
            il.Append(load);
            il.Emit(OpCodes.Ldarg, m.Parameters[i]);
            il.Emit(OpCodes.Ldloc, call);
            il.Emit(OpCodes.Callvirt, lease);
            il.Emit(OpCodes.Stloc, slots[i]);
        }
        for (int i = 0; i < slots.Length; i++)
        {
            if (slots[i] is null)
            {
                il.Emit(OpCodes.Ldarg, m.Parameters[i]);
                continue;
            }
            il.Emit(OpCodes.Ldloc, slots[i]);
            il.Emit(OpCodes.Call, addressOf);
        }
        il.Emit(OpCodes.Call, raw);
        if (result is not null) il.Emit(OpCodes.Stloc, result);
        var after = Release(slots, release);
        il.Emit(OpCodes.Leave, after[0]);

        var fault = Release(slots, release);
        foreach (var i in fault) il.Append(i);
        il.Emit(OpCodes.Ldloc, call);
        il.Emit(OpCodes.Call, abandon);
        il.Emit(OpCodes.Endfinally);

        foreach (var i in after) il.Append(i);
        il.Emit(OpCodes.Ldloc, call);
        il.Emit(OpCodes.Ldstr, f.Name);
        il.Emit(OpCodes.Call, exit);
        if (result is not null) il.Emit(OpCodes.Ldloc, result);
        il.Emit(OpCodes.Ret);
        m.Body.ExceptionHandlers.Add(new ExceptionHandler(ExceptionHandlerType.Fault)
        {
            TryStart = tryStart, TryEnd = fault[0], HandlerStart = fault[0], HandlerEnd = after[0],
        });
        g.Docs.Method(m, $"Calls C <c>{GeneratedTypes.Xml(f.Signature)}</c> with managed callbacks: each delegate is a C function pointer for "
            + "this call only (one of its type's slots, released when the call returns). A callback that throws returns zero to C, later "
            + "callbacks of the call return zero without running, and the call throws <c>FfiCallbackException</c> (its exception inside) when it returns.");
    }

    // ReleaseTransient of every leased slot (null-safe: a lease that never happened left null); at least one slot.
    private static List<Instruction> Release(VariableDefinition?[] slots, MethodReference release) =>
        slots.OfType<VariableDefinition>().SelectMany(s => new[] { Instruction.Create(OpCodes.Ldloc, s), Instruction.Create(OpCodes.Call, release) }).ToList();
}
