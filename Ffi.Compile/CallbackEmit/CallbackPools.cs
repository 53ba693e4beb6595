using Ffi.Compile.Il;
using Ffi.Compile.TypeEmit;
using Ffi.Interop;
using Ffi.Spec;
using Ffi.Types;
using Mono.Cecil;

namespace Ffi.Compile.CallbackEmit;

/// <summary>
/// The callback pools of a bindings class: for every named function pointer type, a nested class holding a fixed
/// number of trampolines (<see cref="BindingOptions.CallbackSlots"/>), and the public <c>Callbacks</c> class that
/// registers delegates. The fields are written the same in both phases (the trampolines' bodies, written by the
/// run-time emitter, name them through the first-phase assembly); the methods only in the second:
/// <code>
/// internal static class Native.'&lt;Callbacks&gt;cmp_fn'
/// {
///     internal static CallbackSlots Pool;                         // made by the .cctor, with every trampoline
///     internal static TrampolineSlot S0, S1, …;                   // trampoline i's slot
///     internal static cmp_fn D0, D1, …;                           // what it forwards to now (null while free)
///     [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
///     static int T0(long a0, long a1) { … }                       // TypedTrampolineBody, as at run time
///     static void Publish(int i, Delegate d) { switch (i) { case 0: D0 = (cmp_fn)d; return; … } }
/// }
/// public static class Native.Callbacks { public static CallbackRegistration Register(cmp_fn callback); … }
/// </code>
/// </summary>
internal sealed class CallbackPools
{
    private readonly List<CallbackPool> _pools = [];
    private readonly Dictionary<FuncPtrType, CallbackPool> _byType = new(ReferenceEqualityComparer.Instance);

    private CallbackPools(string? registryName) => RegistryName = registryName;

    /// <summary>The pools, in spec order.</summary>
    public IReadOnlyList<CallbackPool> All => _pools;

    // The name claimed for the public Callbacks class (null: no pool, no class).
    private string? RegistryName { get; }

    /// <summary>The pool of a named function pointer type, or null (an inline type has none: its parameters stay <c>nint</c>).</summary>
    public CallbackPool? For(CType c) => c is FuncPtrType f && _byType.TryGetValue(f, out var pool) ? pool : null;

    /// <summary>Refuses a slot count out of range, naming the option (checked before anything is written, with or without functions).</summary>
    public static void CheckSlots(int slots)
    {
        if (slots is < 1 or > BindingOptions.MaxCallbackSlots)
            throw new FfiCompileException("--callback-slots", $"{slots} callback slots per function pointer type: give 1 to {BindingOptions.MaxCallbackSlots}");
    }

    /// <summary>Defines a pool class, with its fields, for every named function pointer type of the spec.</summary>
    public static CallbackPools Define(GeneratedTypes g, CecilOperands operands, TypeDefinition native, FfiSpec spec, int slots)
    {
        var seen = new HashSet<CType>(ReferenceEqualityComparer.Instance);
        var types = new List<(string Name, FuncPtrType Type, TypeDefinition Delegate)>();
        foreach (var name in spec.Types.Names)
            if (!spec.Types.IsAlias(name) && spec.Types[name] is FuncPtrType f && seen.Add(f) && g.DelegateOf(f) is { } d)
                types.Add((name, f, d));
        var scope = g.MembersOf(native);
        var pools = new CallbackPools(types.Count == 0 ? null : scope.Claim("Callbacks", "the callback registrations of compiled bindings"));
        var ts = g.Module.TypeSystem;
        var slotType = operands.Type(typeof(TrampolineSlot));
        foreach (var (name, f, d) in types)
        {
            var holder = new TypeDefinition("", "<Callbacks>" + d.Name, TypeAttributes.NestedAssembly | TypeAttributes.Abstract | TypeAttributes.Sealed, ts.Object);
            native.NestedTypes.Add(holder);
            const FieldAttributes Static = FieldAttributes.Assembly | FieldAttributes.Static;
            var pool = new FieldDefinition("Pool", Static, operands.Type(typeof(CallbackSlots)));
            holder.Fields.Add(pool);
            var slotFields = new FieldDefinition[slots];
            var delegateFields = new FieldDefinition[slots];
            for (int i = 0; i < slots; i++)
            {
                holder.Fields.Add(slotFields[i] = new FieldDefinition($"S{i}", Static, slotType));
                holder.Fields.Add(delegateFields[i] = new FieldDefinition($"D{i}", Static, d));
            }
            var made = new CallbackPool(name, f, d, holder, pool, slotFields, delegateFields);
            pools._pools.Add(made);
            pools._byType.Add(f, made);
        }
        return pools;
    }

    /// <summary>
    /// The public <c>Callbacks</c> class of the bindings class: one <c>Register</c> overload per function pointer type.
    /// <code>public static CallbackRegistration Register(cmp_fn callback) => '&lt;Callbacks&gt;cmp_fn'.Pool.Register(callback);</code>
    /// </summary>
    public void DefineRegistrations(GeneratedTypes g, CecilOperands operands, TypeDefinition native)
    {
        if (RegistryName is null) return;
        var ts = g.Module.TypeSystem;
        var registry = new TypeDefinition("", RegistryName, TypeAttributes.NestedPublic | TypeAttributes.Abstract | TypeAttributes.Sealed
            | TypeAttributes.BeforeFieldInit, ts.Object);
        native.NestedTypes.Add(registry);
        g.Docs.Type(registry, "Registers managed delegates as C function pointers that stay valid until their <c>CallbackRegistration</c> is disposed "
            + "(for libraries that keep the pointer). Each function pointer type has a fixed number of slots (<c>ffi compile --callback-slots</c>).");
        var register = operands.Method(typeof(CallbackSlots).GetMethod(nameof(CallbackSlots.Register))!);
        var registration = operands.Type(typeof(CallbackRegistration));
        foreach (var pool in _pools)
        {
            var m = new MethodDefinition("Register", MethodAttributes.Public | MethodAttributes.Static | MethodAttributes.HideBySig, registration);
            m.Parameters.Add(new ParameterDefinition("callback", ParameterAttributes.None, pool.Delegate));
            registry.Methods.Add(m);
            var il = m.Body.GetILProcessor();
            il.Emit(Mono.Cecil.Cil.OpCodes.Ldsfld, pool.PoolField);
            il.Emit(Mono.Cecil.Cil.OpCodes.Ldarg_0);
            il.Emit(Mono.Cecil.Cil.OpCodes.Callvirt, register);
            il.Emit(Mono.Cecil.Cil.OpCodes.Ret);
            g.Docs.Method(m, $"Registers <paramref name=\"callback\"/> as a C <c>{GeneratedTypes.Xml(pool.Type.DisplayName)}</c> ({GeneratedTypes.Xml(pool.Name)}): "
                + $"its <c>Address</c> calls it until the registration is disposed; one of {pool.SlotFields.Length} slots. Throws "
                + "<c>FfiCallbackSlotsExhaustedException</c> when all are in use.");
        }
    }
}
