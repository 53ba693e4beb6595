using System.Reflection.Emit;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Ffi.Abi;
using Ffi.Binding;
using Ffi.Il;
using Ffi.Marshallers;
using Ffi.Memory;
using Ffi.Runtime;
using Ffi.Shapes;
using Ffi.Spec;
using Ffi.Types;
using Ffi.Values;

namespace Ffi.Downcalls;

/// <summary>
/// Emits a stub with a delegate's own signature: each CLR argument is checked against the C parameter when the
/// stub is built (<see cref="MappingRules"/> picks its marshaller), runs through its marshaller's stages in IL (no
/// boxing), and is passed exactly as the call plan says.
/// </summary>
internal static class TypedStub
{
    /// <summary>Builds the delegate, or throws <see cref="FfiBindException"/> listing every parameter that does not map.</summary>
    /// <param name="module">The function's module.</param>
    /// <param name="shapes">Where the module's call plans and recipes come from.</param>
    /// <param name="stubs">The module's emitted code, shared per call shape.</param>
    /// <param name="spec">The function.</param>
    /// <param name="address">Its resolved address.</param>
    /// <param name="captureErrno">Whether the stub captures errno after the call.</param>
    /// <param name="pinvokeFor">The P/Invoke method of a trivial function's shape, or null.</param>
    public static TDelegate Create<TDelegate>(ModuleContext module, CallShapes shapes, ModuleStubs stubs, FunctionSpec spec, nint address,
        bool captureErrno, Func<CallShape, MethodInfo?> pinvokeFor) where TDelegate : Delegate
    {
        // Functions of one signature bound in a row to one delegate type map alike: the mapping, the shape and the stub
        // of the previous one serve (the spec shares one parameter list among them), and only the target is new.
        if (stubs.LastTyped is { } last && last.Fits(typeof(TDelegate), spec, captureErrno))
            return (TDelegate)last.Code.CreateDelegate(typeof(TDelegate), new TypedTarget(module, spec, address, last.CTypes));
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
        var mapped = new List<DowncallArgument>();
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
            if (clr == typeof(string) && c is PointerType { IsCharPointer: true, IsPointeeConst: false })
            {
                errors.Add($"param[{i}]{ParameterName(invoke, i)}: String for {c.DisplayName}: {PointerType.WritableStringRefusal}");
                continue;
            }
            var how = i < fixedCount ? MappingRules.MapParameter(clr, c) : MappingRules.MapExtra(clr);
            if (how is null) errors.Add($"param[{i}]: {MappingRules.Name(clr)} does not map to {c.DisplayName}{MappingRules.Hint(c)}");
            else if (how is not CallbackMarshaller || CallbackParameter(clr, (FuncPtrType)c, spec, i, errors)) mapped.Add(new DowncallArgument(i, clr, c, how));
        }
        var ret = invoke.ReturnType;
        var returnMapping = MappingRules.MapReturn(ret, spec.ReturnType);
        if (returnMapping is null) errors.Add($"return: {MappingRules.Name(ret)} does not map to {spec.ReturnType.DisplayName}{MappingRules.Hint(spec.ReturnType)}");
        if (errors.Count > 0)
            throw new FfiBindException(module.Library, spec.Name, $"{spec.Name}: {typeof(TDelegate).Name} does not match the spec ({Signature(spec)}):\n  " + string.Join("\n  ", errors));

        var shape = shapes.For(spec.ReturnType, cTypes, spec.IsVariadic ? fixedCount : null, spec.Name);
        var target = new TypedTarget(module, spec, spec.IsVariadic ? module.Lifetime.VariadicThunkFor(address) : address, cTypes);
        var key = new TypedStubKey(typeof(TDelegate), shape.Lowered, mapped, returnMapping!, spec.Capabilities.Count > 0,
            captureErrno, pinvokeFor(shape), spec.ReturnType.Align);
        var code = stubs.TryGetTyped(key, out var made) ? made : MakeStub(stubs, key, mapped, ret, clrParams);
        var bound = (TDelegate)code.CreateDelegate(typeof(TDelegate), target);
        if (!spec.IsVariadic && !spec.IsTrivial) stubs.LastTyped = new LastTypedBinding(typeof(TDelegate), spec, captureErrno, cTypes, code);
        return bound;
    }

    // In a method of its own: the closure is allocated only when the shape's stub is not made yet.
    private static DynamicMethod MakeStub(ModuleStubs stubs, TypedStubKey key, List<DowncallArgument> mapped, Type ret, Type[] clrParams) =>
        stubs.Typed(key, () =>
        {
            var stub = new DynamicMethod("ffi_typed", ret, [typeof(TypedTarget), .. clrParams], restrictedSkipVisibility: true)
            {
                InitLocals = LocalsZeroed,
            };
            var il = StubListings.For(stub.GetILGenerator());
            Emit(il, key, mapped, ret);
            StubListings.Done(stub.Name, il);
            return stub;
        });

    // A delegate parameter for a funcptr: checked now when its type is fixed (the trampoline's conversions); Delegate
    // itself and the dynamic handler types are resolved per call.
    private static bool CallbackParameter(Type clr, FuncPtrType fp, FunctionSpec spec, int i, List<string> errors)
    {
        if (spec.IsTrivial)
        {
            errors.Add($"param[{i}]: a trivial function cannot take a managed callback");
            return false;
        }
        if (clr == typeof(Delegate) || clr == typeof(MulticastDelegate) || TypedCallback.IsDynamicHandler(clr))
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
    private static void Emit(IlWriter il, TypedStubKey key, IReadOnlyList<DowncallArgument> bound, Type ret) =>
        EmitBody(il, new TypedTargetStub(key.Gated), key.Lowered, bound, key.ReturnMarshaller, ret, key.CaptureErrno, key.PInvoke, key.ReturnAlign);

    /// <summary>
    /// Whether the body <see cref="EmitBody"/> writes needs its locals zeroed on entry: no, and its method is made
    /// without <c>InitLocals</c> (C#'s <c>[SkipLocalsInit]</c>, as <c>[LibraryImport]</c>'s stubs are). No local is read
    /// before it is written: carriers and stack images start with <c>initobj</c>, a string's <c>localloc</c> buffer is
    /// written up to its NUL before C sees it, pinned and reference locals are zeroed by the JIT whatever the flag,
    /// every other local is stored first, and a MEMORY-class result's storage (its local, or <c>localloc</c> block) is
    /// written by C before the stub reads it. Its padding bytes are then whatever C left there, as with
    /// <c>[LibraryImport]</c>; C gives them no value either way. Saves zeroing that storage on every call.
    /// </summary>
    public const bool LocalsZeroed = false;

    /// <summary>
    /// Emits a typed stub's body: every argument through its marshaller's stages in order, the recipe run forwards, the
    /// result unmarshalled. Run-time stubs and compiled bindings both come from here; only <paramref name="target"/> differs.
    /// </summary>
    /// <param name="il">The writer.</param>
    /// <param name="target">Where the function, its checks and its parameters are.</param>
    /// <param name="lowered">The recipe.</param>
    /// <param name="bound">Each parameter's binding (fresh locals are taken for this emission).</param>
    /// <param name="returnMarshaller">The result's marshaller.</param>
    /// <param name="ret">The CLR return type.</param>
    /// <param name="captureErrno">Whether errno is stored right after the call.</param>
    /// <param name="pinvoke">A trivial function's P/Invoke method to call instead of <c>calli</c>, or null.</param>
    /// <param name="returnAlign">The C alignment of the result (for a MEMORY-class result's storage).</param>
    public static void EmitBody(IlWriter il, StubTarget target, LoweredCall lowered, IReadOnlyList<DowncallArgument> bound, ArgumentMarshaller returnMarshaller,
        Type ret, bool captureErrno, MethodInfo? pinvoke, int returnAlign)
    {
        var args = bound.Select(a => a.ForEmission(target.FirstArgument)).ToList();
        var stub = new DowncallStub(il, target, lowered, ret, tracked: args.Any(a => a.Marshaller.TracksCall));
        target.EmitEntryCheck(stub);
        // Setup (checks that can throw) for every argument before anything is acquired; then marshal and pin.
        foreach (var a in args) a.Marshaller.Setup(stub, a);
        foreach (var a in args) a.Marshaller.Marshal(stub, a);
        foreach (var a in args) a.Marshaller.Pin(stub, a);
        if (lowered.Return is MemoryReturn memory)
            stub.ReturnStorage = returnAlign <= 8 && returnMarshaller is AggregateMarshaller
                ? ResultLocal(il, ret)
                : AlignedStorage(il, memory.Size, Math.Max(16, returnAlign));

        // Push and invoke: the recipe run forwards, each carrier from its marshaller.
        CallEmitter.EmitCall(il, lowered, new TypedArgumentSource(stub, args), target.PushFunction, pinvoke, captureErrno, target.PushOwner);

        // Unmarshal the result, then clean up (no handler around the call), then what a callback threw.
        IlLocal? result = ret == typeof(void) ? null : il.DeclareLocal(ret);
        returnMarshaller.Unmarshal(stub, result);
        foreach (var a in args) a.Marshaller.Cleanup(stub, a);
        target.EmitAfterCall(il, stub.CallbackFrame);
        if (result is not null) il.Emit(OpCodes.Ldloc, result);
        il.Emit(OpCodes.Ret);
    }

    // Storage for a MEMORY-class result of C alignment 8 or less: a local of the result's own struct (C's size, as
    // MappingRules requires), which the JIT places at a multiple of 8 — `T r; f(&r, ...)`. No localloc: a method
    // with one is never inlined and gets a stack cookie check.
    private static IlLocal ResultLocal(IlWriter il, Type ret)
    {
        var value = il.DeclareLocal(ret);
        var storage = il.DeclareLocal(typeof(nint));
        il.Emit(OpCodes.Ldloca, value);
        il.Emit(OpCodes.Conv_U);
        il.Emit(OpCodes.Stloc, storage);
        return storage;
    }

    // Storage for any other MEMORY-class result: `size` bytes at an `align`-aligned address on the stack (the CLR
    // promises no local more than 8-byte alignment).
    private static IlLocal AlignedStorage(IlWriter il, long size, int align)
    {
        var storage = il.DeclareLocal(typeof(nint));
        il.Emit(OpCodes.Ldc_I4, checked((int)size + align));
        il.Emit(OpCodes.Conv_U);
        il.Emit(OpCodes.Localloc);
        il.Emit(OpCodes.Ldc_I4, align - 1);
        il.Emit(OpCodes.Conv_I);
        il.Emit(OpCodes.Add);
        il.Emit(OpCodes.Ldc_I4, ~(align - 1));
        il.Emit(OpCodes.Conv_I);
        il.Emit(OpCodes.And);
        il.Emit(OpCodes.Stloc, storage);
        return storage;
    }

    private static string ParameterName(MethodInfo invoke, int i) => invoke.GetParameters()[i].Name is { Length: > 0 } n ? $" ({n})" : "";

    private static string Signature(FunctionSpec f) =>
        $"{f.ReturnType.DisplayName} {f.Name}({string.Join(", ", f.ParameterTypes.Select(p => p.DisplayName))}{(f.IsVariadic ? ", ..." : "")})";
}
