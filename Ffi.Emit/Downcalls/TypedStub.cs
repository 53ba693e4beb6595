using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Ffi.Runtime;
using Ffi.Abi;
using Ffi.Binding;
using Ffi.Callbacks;
using Ffi.Memory;
using Ffi.Spec;
using Ffi.Types;
using Ffi.Values;

using Ffi.Il;

namespace Ffi.Downcalls;

/// <summary>
/// Emits a stub with a delegate's own signature: each CLR argument is checked against the C parameter when the
/// stub is built, converted in IL (no boxing), and passed exactly as the call plan says.
/// </summary>
internal static class TypedStub
{
    /// <summary>Builds the delegate, or throws <see cref="FfiBindException"/> listing every parameter that does not map.</summary>
    public static TDelegate Create<TDelegate>(NativeModule module, NativeFunction function) where TDelegate : Delegate
    {
        var spec = function.Spec;
        var invoke = typeof(TDelegate).GetMethod("Invoke");
        if (invoke is null || typeof(TDelegate) == typeof(MulticastDelegate))
            throw new FfiBindException(module.Library, spec.Name,
                $"{spec.Name}: {typeof(TDelegate).Name} is not a delegate type with a signature; use Func<…>, Action<…> or a delegate type of your own");
        var clrParams = invoke.GetParameters().Select(p => p.ParameterType).ToArray();
        var errors = new List<string>();
        int fixedCount = spec.ParameterTypes.Count;

        if (spec.IsVariadic ? clrParams.Length < fixedCount : clrParams.Length != fixedCount)
            errors.Add($"the delegate has {clrParams.Length} parameter(s); {spec.Name} takes {(spec.IsVariadic ? "at least " : "")}{fixedCount}");

        var cTypes = new CType[clrParams.Length];
        var mapped = new List<TypedParam>();
        int checkedCount = spec.IsVariadic ? clrParams.Length : Math.Min(clrParams.Length, fixedCount);
        for (int i = 0; i < checkedCount; i++)
        {
            var clr = clrParams[i];
            CType? c = i < fixedCount ? spec.ParameterTypes[i] : VariadicPromotion.ForClrType(clr);
            if (c is null)
            {
                errors.Add($"param[{i}]: {MappingRules.Name(clr)} cannot be a variadic extra (use int, uint, long, ulong, double, nint, a pointer, NativePointer or string)");
                continue;
            }
            cTypes[i] = c;
            if (clr.IsByRef)
            {
                errors.Add($"param[{i}]: {MappingRules.Name(clr)}: by-reference parameters are not supported; pass a pointer, an array or a span");
                continue;
            }
            if (c is FuncPtrType fp && typeof(Delegate).IsAssignableFrom(clr))
            {
                if (CallbackParameter(clr, fp, spec, i, errors)) mapped.Add(new TypedParam(i, clr, c, Mapping.Callback));
                continue;
            }
            var how = i < fixedCount ? MappingRules.MapParameter(clr, c) : MappingRules.MapExtra(clr);
            if (how is null) errors.Add($"param[{i}]: {MappingRules.Name(clr)} does not map to {c.DisplayName}{MappingRules.Hint(c)}");
            else mapped.Add(new TypedParam(i, clr, c, how.Value));
        }
        var ret = invoke.ReturnType;
        var returnMapping = MappingRules.MapReturn(ret, spec.ReturnType);
        if (returnMapping is null) errors.Add($"return: {MappingRules.Name(ret)} does not map to {spec.ReturnType.DisplayName}{MappingRules.Hint(spec.ReturnType)}");
        if (errors.Count > 0)
            throw new FfiBindException(module.Library, spec.Name, $"{spec.Name}: {typeof(TDelegate).Name} does not match the spec ({Signature(spec)}):\n  " + string.Join("\n  ", errors));

        var shape = module.Shapes.For(spec.ReturnType, cTypes, spec.IsVariadic ? fixedCount : null, spec.Name);
        var target = new TypedTarget(module, spec, spec.IsVariadic ? module.VariadicThunkFor(function.Address) : function.Address, cTypes);
        var key = new TypedStubKey(typeof(TDelegate), shape.Lowered, mapped, returnMapping!.Value, spec.Capabilities.Count > 0,
            function.CapturesErrno, module.PInvokeFor(function, shape), spec.ReturnType.Align);
        var code = module.Stubs.Typed(key, () =>
        {
            var stub = new DynamicMethod("ffi_typed", ret, [typeof(TypedTarget), .. clrParams], restrictedSkipVisibility: true);
            var il = StubListings.For(stub.GetILGenerator());
            Emit(il, key, mapped, ret);
            StubListings.Done(stub.Name, il);
            return stub;
        });
        return (TDelegate)code.CreateDelegate(typeof(TDelegate), target);
    }

    // A delegate parameter for a funcptr: checked now when its type is fixed (the trampoline's conversions); Delegate
    // itself and the dynamic handler types are resolved per call.
    private static bool CallbackParameter(Type clr, FuncPtrType fp, FunctionSpec spec, int i, List<string> errors)
    {
        if (spec.IsTrivial)
        {
            errors.Add($"param[{i}]: a trivial function cannot take a managed callback");
            return false;
        }
        if (clr == typeof(Delegate) || clr == typeof(MulticastDelegate) || CallbackRegistry.IsDynamicHandler(clr))
        {
            if (!fp.IsVariadic) return true;
            errors.Add($"param[{i}]: a variadic function pointer cannot call a managed callback");
            return false;
        }
        var why = new List<string>();
        if (TypedCallback.TryMap(clr, fp, why) is not null) return true;
        errors.Add($"param[{i}]: {MappingRules.Name(clr)} does not fit the callback type {fp.DisplayName}: {string.Join("; ", why)}");
        return false;
    }

    // The stub's code depends only on `key` (functions of one shape share it); what differs per function is read
    // from the TypedTarget in argument 0.
    private static void Emit(IlWriter il, TypedStubKey key, List<TypedParam> ps, Type ret)
    {
        // 1. The module must be alive (one volatile read, inline); gated functions check their capabilities.
        var returnMapping = key.ReturnMapping;
        if (key.Gated)
        {
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Call, typeof(TypedTarget).GetMethod(nameof(TypedTarget.Check))!);
        }
        else
        {
            var alive = il.DefineLabel();
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldfld, typeof(TypedTarget).GetField(nameof(TypedTarget.Lifetime), BindingFlags.NonPublic | BindingFlags.Instance)!);
            il.Emit(OpCodes.Volatile);
            il.Emit(OpCodes.Ldfld, Runtime.StubFields.Disposed);
            il.Emit(OpCodes.Brfalse, alive);
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Call, typeof(TypedTarget).GetMethod(nameof(TypedTarget.CheckNotDisposed))!);
            il.MarkLabel(alive);
        }

        // 2. Conversions that can throw (tag checks) before anything is allocated; then strings and pins.
        var source = new TypedArgumentSource();
        foreach (var p in ps.Where(p => p.How == Mapping.NativePointer))
        {
            var local = il.DeclareLocal(typeof(nint));
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldarg, p.Index + 1);
            il.Emit(OpCodes.Ldc_I4, p.Index);
            il.Emit(OpCodes.Call, typeof(TypedTarget).GetMethod(nameof(TypedTarget.AddressOf))!);
            il.Emit(OpCodes.Stloc, local);
            source.Locals[p.Index] = local;
        }
        // Callbacks: pools found (a mismatched delegate throws here), the call tracked, slots leased. A function
        // without delegate parameters is not tracked (see CallbackRuntime).
        var callbacks = ps.Where(p => p.How == Mapping.Callback).ToList();
        var frame = callbacks.Count > 0 ? il.DeclareLocal(typeof(CallbackFrame)) : null;
        var leases = new List<IlLocal>();
        var pools = new List<IlLocal>();
        foreach (var p in callbacks)
        {
            var pool = il.DeclareLocal(typeof(TrampolinePool));
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldc_I4, p.Index);
            il.Emit(OpCodes.Ldarg, p.Index + 1);
            il.Emit(OpCodes.Call, typeof(TypedTarget).GetMethod(nameof(TypedTarget.CallbackPool))!);
            il.Emit(OpCodes.Stloc, pool);
            pools.Add(pool);
        }
        if (frame is not null)
        {
            il.Emit(OpCodes.Call, typeof(CallbackRuntime).GetMethod(nameof(CallbackRuntime.Enter))!);
            il.Emit(OpCodes.Stloc, frame);
        }
        for (int k = 0; k < callbacks.Count; k++)
        {
            var p = callbacks[k];
            var slot = il.DeclareLocal(typeof(CallbackSlot));
            var address = il.DeclareLocal(typeof(nint));
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldc_I4, p.Index);
            il.Emit(OpCodes.Ldloc, pools[k]);
            il.Emit(OpCodes.Ldarg, p.Index + 1);
            il.Emit(OpCodes.Ldloc, frame!);
            il.Emit(OpCodes.Call, typeof(TypedTarget).GetMethod(nameof(TypedTarget.Lease))!);
            il.Emit(OpCodes.Dup);
            il.Emit(OpCodes.Stloc, slot);
            il.Emit(OpCodes.Call, typeof(TypedTarget).GetMethod(nameof(TypedTarget.CallbackAddress))!);
            il.Emit(OpCodes.Stloc, address);
            source.Locals[p.Index] = address;
            leases.Add(slot);
        }

        var strings = TypedArgumentPins.Emit(il, ps, source);

        // 3. Return storage for a MEMORY-class result, aligned for the C type.
        var plan = key.Lowered;
        IlLocal? retStorage = null;
        if (plan.Return is MemoryReturn)
        {
            retStorage = il.DeclareLocal(typeof(nint));
            int align = Math.Max(16, key.ReturnAlign);
            il.Emit(OpCodes.Ldc_I4, checked((int)((MemoryReturn)plan.Return).Size + align));
            il.Emit(OpCodes.Conv_U);
            il.Emit(OpCodes.Localloc);
            il.Emit(OpCodes.Ldc_I4, align - 1);
            il.Emit(OpCodes.Conv_I);
            il.Emit(OpCodes.Add);
            il.Emit(OpCodes.Ldc_I4, ~(align - 1));
            il.Emit(OpCodes.Conv_I);
            il.Emit(OpCodes.And);
            il.Emit(OpCodes.Stloc, retStorage);
            source.ReturnStorage = retStorage;
        }

        // 4. The call.
        foreach (var p in ps) source.Params[p.Index] = p;
        CallEmitter.EmitCall(il, plan, source, il2 =>
        {
            il2.Emit(OpCodes.Ldarg_0);
            il2.Emit(OpCodes.Ldfld, typeof(TypedTarget).GetField(nameof(TypedTarget.Address), BindingFlags.NonPublic | BindingFlags.Instance)!);
        }, key.PInvoke, key.CaptureErrno, static il2 => il2.Emit(OpCodes.Ldarg_0)); // the target holds the module's lifetime

        // 5. The result as the delegate's type; then release string copies (no handler around the call).
        var carrier = Carriers.Of(plan.Return);
        IlLocal? result = ret == typeof(void) ? null : il.DeclareLocal(ret);
        switch (returnMapping)
        {
            case Mapping.Direct when plan.Return is MemoryReturn:
            case Mapping.Aggregate when plan.Return is MemoryReturn:
                il.Emit(OpCodes.Ldloc, retStorage!);
                il.Emit(OpCodes.Ldobj, ret);
                il.Emit(OpCodes.Stloc, result!);
                break;
            case Mapping.Aggregate:
            {
                var c = il.DeclareLocal(carrier);
                il.Emit(OpCodes.Stloc, c);
                il.Emit(OpCodes.Ldloca, c);
                il.Emit(OpCodes.Ldobj, ret);
                il.Emit(OpCodes.Stloc, result!);
                break;
            }
            case Mapping.Direct when carrier == typeof(void):
                if (result is not null)
                {
                    il.Emit(OpCodes.Ldloca, result);
                    il.Emit(OpCodes.Initobj, ret);
                }
                break;
            case Mapping.Direct or Mapping.PointerLike:
                if (result is not null) il.Emit(OpCodes.Stloc, result);
                break;
            case Mapping.Bool:
                il.Emit(OpCodes.Ldc_I4_0);
                il.Emit(OpCodes.Cgt_Un);
                il.Emit(OpCodes.Stloc, result!);
                break;
            case Mapping.String:
                il.Emit(OpCodes.Call, typeof(Utf8Marshal).GetMethod(nameof(Utf8Marshal.String))!);
                il.Emit(OpCodes.Stloc, result!);
                break;
            case Mapping.NativePointer:
            {
                var raw = il.DeclareLocal(typeof(nint));
                il.Emit(OpCodes.Stloc, raw);
                il.Emit(OpCodes.Ldarg_0);
                il.Emit(OpCodes.Ldloc, raw);
                il.Emit(OpCodes.Call, typeof(TypedTarget).GetMethod(nameof(TypedTarget.MakePointer))!);
                il.Emit(OpCodes.Stloc, result!);
                break;
            }
        }
        foreach (var (pointer, buffer) in strings)
        {
            il.Emit(OpCodes.Ldloc, pointer);
            il.Emit(OpCodes.Ldloc, buffer);
            il.Emit(OpCodes.Call, typeof(Utf8Marshal).GetMethod(nameof(Utf8Marshal.Release))!);
        }
        foreach (var slot in leases)
        {
            il.Emit(OpCodes.Ldloc, slot);
            il.Emit(OpCodes.Call, typeof(CallbackRegistry).GetMethod(nameof(CallbackRegistry.ReleaseTransient), BindingFlags.NonPublic | BindingFlags.Static)!);
        }
        // 6. What a callback threw during the call.
        CallbackChecks.EmitAfterCall(il, frame, static g =>
        {
            g.Emit(OpCodes.Ldarg_0);
            g.Emit(OpCodes.Ldfld, typeof(TypedTarget).GetField(nameof(TypedTarget.Name), BindingFlags.NonPublic | BindingFlags.Instance)!);
        });
        if (result is not null) il.Emit(OpCodes.Ldloc, result);
        il.Emit(OpCodes.Ret);
    }

    private static string Signature(FunctionSpec f) =>
        $"{f.ReturnType.DisplayName} {f.Name}({string.Join(", ", f.ParameterTypes.Select(p => p.DisplayName))}{(f.IsVariadic ? ", ..." : "")})";
}
