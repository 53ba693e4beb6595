using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Ffi.Abi;
using Ffi.Binding;
using Ffi.Callbacks;
using Ffi.Memory;
using Ffi.Spec;
using Ffi.Types;
using Ffi.Values;

namespace Ffi.Downcalls;

/// <summary>What a typed stub is bound to: its module (checked for disposal on every call), its function, and the C types it converts to.</summary>
internal sealed class TypedTarget(NativeModule module, FunctionSpec function, nint address, CType[] parameterTypes)
{
    internal readonly nint Address = address;
    internal readonly NativeModule Module = module;
    private readonly string[] _where = parameterTypes.Select((t, i) => $"{function.Name}: param[{i}] ({t?.DisplayName})").ToArray();

    /// <summary>Throws when the module was disposed, or, for gated functions, when a capability is missing.</summary>
    public void Check()
    {
        Module.CheckCallable(function.Name, function.Capabilities);
    }

    /// <summary>Throws when the module was disposed (the whole check of an ungated function).</summary>
    public void CheckNotDisposed() => Module.ThrowIfDisposed();

    /// <summary>The address a <see cref="NativePointer"/> argument stands for, tag-checked for parameter <paramref name="index"/>.</summary>
    public nint AddressOf(NativePointer p, int index) =>
        ScalarMemory.TagChecked(p, ScalarMemory.ExpectedTag(parameterTypes[index]), parameterTypes[index].DisplayName, _where[index]);

    /// <summary>The trampoline pool for a delegate argument of parameter <paramref name="index"/> (null for null).</summary>
    public TrampolinePool? CallbackPool(int index, Delegate? callback) =>
        callback is null ? null : Module.CallbackState.PoolFor((FuncPtrType)parameterTypes[index], callback, _where[index]);

    /// <summary>A transient callback for this call (null for a null delegate).</summary>
    public CallbackSlot? Lease(int index, TrampolinePool? pool, Delegate? callback, CallbackFrame frame) =>
        pool is null ? null : Module.CallbackState.LeaseTransient((FuncPtrType)parameterTypes[index], callback!, pool, frame);

    /// <summary>A leased callback's function pointer (0 for none).</summary>
    public static nint CallbackAddress(CallbackSlot? slot) => slot?.Address ?? 0;

    /// <summary>The returned address as a typed, tagged <see cref="NativePointer"/>.</summary>
    public NativePointer MakePointer(nint address) => function.ReturnType switch
    {
        PointerType p => NativePointer.FromAddress(address, p.Pointee is VoidType ? null : p.Pointee, p.Tag),
        HandleType h => NativePointer.FromAddress(address, h, h.Tag),
        var t => NativePointer.FromAddress(address, t),
    };
}

/// <summary>Conversions typed stubs call: UTF-8 strings in a caller-provided stack buffer or native memory.</summary>
internal static unsafe class TypedHelpers
{
    /// <summary>Bytes of stack buffer per string parameter; longer strings are copied to native memory.</summary>
    public const int ShortString = 128;

    /// <summary>A NUL-terminated UTF-8 copy of <paramref name="s"/>: in <paramref name="buffer"/> when it fits, else allocated.</summary>
    public static nint Utf8(string? s, byte* buffer)
    {
        if (s is null) return 0;
        if (s.Length * 3 < ShortString)
        {
            int n = System.Text.Encoding.UTF8.GetBytes(s, new Span<byte>(buffer, ShortString - 1));
            buffer[n] = 0;
            return (nint)buffer;
        }
        int size = System.Text.Encoding.UTF8.GetByteCount(s);
        var p = (byte*)NativeMemory.Alloc((nuint)size + 1);
        System.Text.Encoding.UTF8.GetBytes(s, new Span<byte>(p, size));
        p[size] = 0;
        return (nint)p;
    }

    /// <summary>Frees what <see cref="Utf8"/> allocated.</summary>
    public static void Release(nint p, byte* buffer)
    {
        if (p != 0 && p != (nint)buffer) NativeMemory.Free((void*)p);
    }

    /// <summary>The string a returned <c>char*</c> points to (null for NULL).</summary>
    public static string? String(nint p) => p == 0 ? null : Marshal.PtrToStringUTF8(p);
}

/// <summary>
/// Emits a stub with a delegate's own signature: each CLR argument is checked against the C parameter when the
/// stub is built, converted in IL (no boxing), and passed exactly as the call plan says.
/// </summary>
internal static class TypedStub
{
    /// <summary>How a CLR value stands for a C value (shared with typed callbacks, which use the first six).</summary>
    internal enum Mapping { Direct, Bool, PointerLike, NativePointer, String, Aggregate, Array, Span, Callback }

    private sealed record Param(int Index, Type Clr, CType C, Mapping How);

    /// <summary>Builds the delegate, or throws <see cref="FfiBindException"/> listing every parameter that does not map.</summary>
    public static TDelegate Create<TDelegate>(NativeModule module, NativeFunction function) where TDelegate : Delegate
    {
        var spec = function.Spec;
        var invoke = typeof(TDelegate).GetMethod("Invoke")!;
        var clrParams = invoke.GetParameters().Select(p => p.ParameterType).ToArray();
        var errors = new List<string>();
        int fixedCount = spec.ParameterTypes.Count;

        if (spec.IsVariadic ? clrParams.Length < fixedCount : clrParams.Length != fixedCount)
            errors.Add($"the delegate has {clrParams.Length} parameter(s); {spec.Name} takes {(spec.IsVariadic ? "at least " : "")}{fixedCount}");

        var cTypes = new CType[clrParams.Length];
        var mapped = new List<Param>();
        int checkedCount = spec.IsVariadic ? clrParams.Length : Math.Min(clrParams.Length, fixedCount);
        for (int i = 0; i < checkedCount; i++)
        {
            var clr = clrParams[i];
            CType? c = i < fixedCount ? spec.ParameterTypes[i] : VariadicPromotion.ForClrType(clr);
            if (c is null)
            {
                errors.Add($"param[{i}]: {Name(clr)} cannot be a variadic extra (use int, uint, long, ulong, double, nint, a pointer, NativePointer or string)");
                continue;
            }
            cTypes[i] = c;
            if (clr.IsByRef)
            {
                errors.Add($"param[{i}]: {Name(clr)}: by-reference parameters are not supported; pass a pointer, an array or a span");
                continue;
            }
            if (c is FuncPtrType fp && typeof(Delegate).IsAssignableFrom(clr))
            {
                if (CallbackParameter(clr, fp, spec, i, errors)) mapped.Add(new Param(i, clr, c, Mapping.Callback));
                continue;
            }
            var how = i < fixedCount ? MapParameter(clr, c) : MapExtra(clr);
            if (how is null) errors.Add($"param[{i}]: {Name(clr)} does not map to {c.DisplayName}{Hint(c)}");
            else mapped.Add(new Param(i, clr, c, how.Value));
        }
        var ret = invoke.ReturnType;
        var returnMapping = MapReturn(ret, spec);
        if (returnMapping is null) errors.Add($"return: {Name(ret)} does not map to {spec.ReturnType.DisplayName}{Hint(spec.ReturnType)}");
        if (errors.Count > 0)
            throw new FfiBindException(module.Library, spec.Name, $"{spec.Name}: {typeof(TDelegate).Name} does not match the spec ({Signature(spec)}):\n  " + string.Join("\n  ", errors));

        var shape = module.Shapes.For(spec.ReturnType, cTypes, spec.IsVariadic ? fixedCount : null, spec.Name);
        var target = new TypedTarget(module, spec, spec.IsVariadic ? module.VariadicThunkFor(function.Address) : function.Address, cTypes);
        var stub = new DynamicMethod($"ffi_typed_{spec.Name}", ret, [typeof(TypedTarget), .. clrParams], restrictedSkipVisibility: true);
        Emit(stub.GetILGenerator(), shape, spec, module, function, mapped, ret, returnMapping!.Value);
        return (TDelegate)stub.CreateDelegate(typeof(TDelegate), target);
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
        errors.Add($"param[{i}]: {Name(clr)} does not fit the callback type {fp.DisplayName}: {string.Join("; ", why)}");
        return false;
    }

    private static void Emit(ILGenerator il, CallShape shape, FunctionSpec spec, NativeModule module, NativeFunction function, List<Param> ps, Type ret, Mapping returnMapping)
    {
        // 1. The module must be alive (one volatile read, inline); gated functions check their capabilities.
        if (spec.Capabilities.Count > 0)
        {
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Call, typeof(TypedTarget).GetMethod(nameof(TypedTarget.Check))!);
        }
        else
        {
            var alive = il.DefineLabel();
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldfld, typeof(TypedTarget).GetField(nameof(TypedTarget.Module), BindingFlags.NonPublic | BindingFlags.Instance)!);
            il.Emit(OpCodes.Volatile);
            il.Emit(OpCodes.Ldfld, typeof(NativeModule).GetField("_disposed", BindingFlags.NonPublic | BindingFlags.Instance)!);
            il.Emit(OpCodes.Brfalse, alive);
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Call, typeof(TypedTarget).GetMethod(nameof(TypedTarget.CheckNotDisposed))!);
            il.MarkLabel(alive);
        }

        // 2. Conversions that can throw (tag checks) before anything is allocated; then strings and pins.
        var source = new ClrSource();
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
        var leases = new List<LocalBuilder>();
        var pools = new List<LocalBuilder>();
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

        var strings = new List<(LocalBuilder Pointer, LocalBuilder Buffer)>();
        foreach (var p in ps)
        {
            switch (p.How)
            {
                case Mapping.String:
                {
                    var buffer = il.DeclareLocal(typeof(byte*));
                    il.Emit(OpCodes.Ldc_I4, TypedHelpers.ShortString);
                    il.Emit(OpCodes.Conv_U);
                    il.Emit(OpCodes.Localloc);
                    il.Emit(OpCodes.Stloc, buffer);
                    var local = il.DeclareLocal(typeof(nint));
                    il.Emit(OpCodes.Ldarg, p.Index + 1);
                    il.Emit(OpCodes.Ldloc, buffer);
                    il.Emit(OpCodes.Call, typeof(TypedHelpers).GetMethod(nameof(TypedHelpers.Utf8))!);
                    il.Emit(OpCodes.Stloc, local);
                    source.Locals[p.Index] = local;
                    strings.Add((local, buffer));
                    break;
                }
                case Mapping.Array:
                {
                    // A pinned array local pins the array; the address of element 0 (0 for null or empty).
                    var element = p.Clr.GetElementType()!;
                    var pinned = il.DeclareLocal(p.Clr, pinned: true);
                    var local = il.DeclareLocal(typeof(nint));
                    var empty = il.DefineLabel();
                    var done = il.DefineLabel();
                    il.Emit(OpCodes.Ldarg, p.Index + 1);
                    il.Emit(OpCodes.Dup);
                    il.Emit(OpCodes.Stloc, pinned);
                    il.Emit(OpCodes.Brfalse, empty);
                    il.Emit(OpCodes.Ldloc, pinned);
                    il.Emit(OpCodes.Ldlen);
                    il.Emit(OpCodes.Brfalse, empty);
                    il.Emit(OpCodes.Ldloc, pinned);
                    il.Emit(OpCodes.Ldc_I4_0);
                    il.Emit(OpCodes.Ldelema, element);
                    il.Emit(OpCodes.Conv_U);
                    il.Emit(OpCodes.Stloc, local);
                    il.Emit(OpCodes.Br, done);
                    il.MarkLabel(empty);
                    il.Emit(OpCodes.Ldc_I4_0);
                    il.Emit(OpCodes.Conv_U);
                    il.Emit(OpCodes.Stloc, local);
                    il.MarkLabel(done);
                    source.Locals[p.Index] = local;
                    break;
                }
                case Mapping.Span:
                {
                    var element = p.Clr.GetGenericArguments()[0];
                    var pinned = il.DeclareLocal(element.MakeByRefType(), pinned: true);
                    var local = il.DeclareLocal(typeof(nint));
                    il.Emit(OpCodes.Ldarga, p.Index + 1);
                    il.Emit(OpCodes.Call, p.Clr.GetMethod("GetPinnableReference")!);
                    il.Emit(OpCodes.Stloc, pinned);
                    il.Emit(OpCodes.Ldloc, pinned);
                    il.Emit(OpCodes.Conv_U);
                    il.Emit(OpCodes.Stloc, local);
                    source.Locals[p.Index] = local;
                    break;
                }
                case Mapping.Bool:
                    source.Locals[p.Index] = null; // loaded as its byte
                    break;
            }
        }

        // 3. Return storage for a MEMORY-class result, aligned for the C type.
        var plan = shape.Lowered;
        LocalBuilder? retStorage = null;
        if (plan.Return is MemoryReturn)
        {
            retStorage = il.DeclareLocal(typeof(nint));
            int align = Math.Max(16, spec.ReturnType.Align);
            il.Emit(OpCodes.Ldc_I4, checked((int)spec.ReturnType.Size + align));
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
        }, module.PInvokeFor(function, shape), function.CapturesErrno);

        // 5. The result as the delegate's type; then release string copies (no handler around the call).
        var carrier = Carriers.Of(plan.Return);
        LocalBuilder? result = ret == typeof(void) ? null : il.DeclareLocal(ret);
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
                il.Emit(OpCodes.Call, typeof(TypedHelpers).GetMethod(nameof(TypedHelpers.String))!);
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
            il.Emit(OpCodes.Call, typeof(TypedHelpers).GetMethod(nameof(TypedHelpers.Release))!);
        }
        foreach (var slot in leases)
        {
            il.Emit(OpCodes.Ldloc, slot);
            il.Emit(OpCodes.Call, typeof(CallbackRegistry).GetMethod(nameof(CallbackRegistry.ReleaseTransient), BindingFlags.NonPublic | BindingFlags.Static)!);
        }
        // 6. What a callback threw during the call.
        CallbackChecks.EmitAfterCall(il, frame, spec.Name);
        if (result is not null) il.Emit(OpCodes.Ldloc, result);
        il.Emit(OpCodes.Ret);
    }

    // CLR arguments (arg 0 is the target), or the locals conversions left them in.
    private sealed class ClrSource : ArgumentSource
    {
        public readonly Dictionary<int, LocalBuilder?> Locals = [];
        public readonly Dictionary<int, Param> Params = [];
        public LocalBuilder? ReturnStorage;

        public override void PushValue(ILGenerator g, int index, Type carrier, int bytes)
        {
            var p = Params[index];
            if (Locals.TryGetValue(index, out var local) && local is not null)
            {
                g.Emit(OpCodes.Ldloc, local);
                return;
            }
            if (p.How == Mapping.Aggregate)
            {
                CallEmitter.EmitCarrierFrom(g, g2 => g2.Emit(OpCodes.Ldarga, index + 1), carrier, bytes);
                return;
            }
            g.Emit(OpCodes.Ldarg, index + 1);
            Convert(g, p.Clr, carrier);
        }

        public override void PushAddress(ILGenerator g, int index)
        {
            var p = Params[index];
            if (Locals.TryGetValue(index, out var local) && local is not null)
            {
                g.Emit(OpCodes.Ldloca, local);
                return;
            }
            if (p.How == Mapping.Aggregate || Carriers.Scalar(RepOf(p.C)) == p.Clr || SizeOf(p.Clr) == p.C.Size && p.How != Mapping.Bool)
            {
                g.Emit(OpCodes.Ldarga, index + 1);
                return;
            }
            // A promoted variadic extra (float → double, short → int): convert into a local of the C type.
            var carrier = Carriers.Scalar(RepOf(p.C));
            var converted = g.DeclareLocal(carrier);
            g.Emit(OpCodes.Ldarg, index + 1);
            Convert(g, p.Clr, carrier);
            g.Emit(OpCodes.Stloc, converted);
            g.Emit(OpCodes.Ldloca, converted);
        }

        public override void PushReturnPointer(ILGenerator g) => g.Emit(OpCodes.Ldloc, ReturnStorage!);

        private static void Convert(ILGenerator g, Type from, Type to)
        {
            if (from == to || SizeOf(from) == SizeOf(to) && IsFloat(from) == IsFloat(to)) return;
            if (to == typeof(double)) g.Emit(OpCodes.Conv_R8);
            else if (to == typeof(int)) g.Emit(OpCodes.Conv_I4);
            else if (to == typeof(long)) g.Emit(IsUnsigned(from) ? OpCodes.Conv_U8 : OpCodes.Conv_I8);
        }

        private static bool IsUnsigned(Type t) => t == typeof(byte) || t == typeof(ushort) || t == typeof(uint) || t == typeof(char) || t == typeof(bool);
    }

    private static bool IsFloat(Type t) => t == typeof(float) || t == typeof(double);

    private static ScalarRep RepOf(CType c) => SysVCallPlanner.RepOf(c);

    internal static long SizeOf(Type t) => t.IsPointer || t == typeof(nint) || t == typeof(nuint) ? 8 : t == typeof(bool) ? 1 : t.IsValueType ? (int)typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!.MakeGenericMethod(t).Invoke(null, null)! : 8;

    // ---- mapping rules ---------------------------------------------------------------------------------

    internal static Mapping? MapParameter(Type clr, CType c) => c switch
    {
        IntType { IsBool: true } => clr == typeof(bool) ? Mapping.Bool : IsInteger(clr, 1) ? Mapping.Direct : null,
        IntType i => IsInteger(clr, i.Size, i.IsSigned) ? Mapping.Direct : null,
        EnumType e => IsInteger(clr, e.Size, null) || clr.IsEnum && SizeOf(clr) == e.Size ? Mapping.Direct : null,
        FloatType f => f.Bits == 32 ? (clr == typeof(float) ? Mapping.Direct : null) : (clr == typeof(double) ? Mapping.Direct : null),
        PointerType or FuncPtrType or HandleType { Rep: PointerType } => PointerMapping(clr, c),
        HandleType h => MapParameter(clr, h.Rep),
        AggregateType or ArrayType => IsUnmanagedStruct(clr) && SizeOf(clr) == c.Size ? Mapping.Aggregate : null,
        _ => null,
    };

    private static Mapping? PointerMapping(Type clr, CType c)
    {
        if (clr == typeof(nint) || clr == typeof(nuint) || clr.IsPointer) return Mapping.PointerLike;
        if (clr == typeof(NativePointer)) return Mapping.NativePointer;
        if (clr == typeof(string)) return c is PointerType { IsCharPointer: true } ? Mapping.String : null;
        if (c is not PointerType) return null;
        if (clr.IsArray && clr.GetArrayRank() == 1 && IsUnmanaged(clr.GetElementType()!)) return Mapping.Array;
        if (clr.IsGenericType && (clr.GetGenericTypeDefinition() == typeof(Span<>) || clr.GetGenericTypeDefinition() == typeof(ReadOnlySpan<>))
            && IsUnmanaged(clr.GetGenericArguments()[0])) return Mapping.Span;
        return null;
    }

    // A variadic extra is passed as its promoted C type (VariadicExtra); the stub converts.
    private static Mapping MapExtra(Type clr) =>
        clr == typeof(string) ? Mapping.String
        : clr == typeof(NativePointer) ? Mapping.NativePointer
        : clr == typeof(nint) || clr == typeof(nuint) || clr.IsPointer ? Mapping.PointerLike
        : Mapping.Direct;

    private static Mapping? MapReturn(Type clr, FunctionSpec spec) => MapReturn(clr, spec.ReturnType);

    internal static Mapping? MapReturn(Type clr, CType c)
    {
        if (c is VoidType) return clr == typeof(void) ? Mapping.Direct : null;
        if (clr == typeof(void)) return null;
        if (c is PointerType or FuncPtrType or HandleType { Rep: PointerType })
        {
            if (clr == typeof(nint) || clr == typeof(nuint) || clr.IsPointer) return Mapping.PointerLike;
            if (clr == typeof(NativePointer)) return Mapping.NativePointer;
            if (clr == typeof(string)) return c is PointerType { IsCharPointer: true } ? Mapping.String : null;
            return null;
        }
        var m = MapParameter(clr, c);
        return m is Mapping.Direct or Mapping.Bool or Mapping.Aggregate ? m : null;
    }

    private static bool IsInteger(Type t, long size, bool? signed = null)
    {
        if (t.IsEnum) t = Enum.GetUnderlyingType(t);
        bool? s = t == typeof(sbyte) || t == typeof(short) || t == typeof(int) || t == typeof(long) || t == typeof(nint) ? true
            : t == typeof(byte) || t == typeof(ushort) || t == typeof(uint) || t == typeof(ulong) || t == typeof(nuint) || t == typeof(char) ? false
            : null;
        if (s is null) return false;
        if (SizeOf(t) != size) return false;
        return signed is null || t == typeof(nint) || t == typeof(nuint) || s == signed;
    }

    private static bool IsUnmanaged(Type t) => t.IsValueType &&
        !(bool)typeof(RuntimeHelpers).GetMethod(nameof(RuntimeHelpers.IsReferenceOrContainsReferences))!.MakeGenericMethod(t).Invoke(null, null)!;

    internal static bool IsUnmanagedStruct(Type t) => IsUnmanaged(t) && !t.IsPrimitive && !t.IsEnum && t != typeof(nint) && t != typeof(nuint);

    internal static string Hint(CType c) => c switch
    {
        IntType { IsBool: true } => " (use bool)",
        IntType i => $" (use {(i.Bits, i.IsSigned) switch
        {
            (8, true) => "sbyte", (8, false) => "byte", (16, true) => "short", (16, false) => "ushort",
            (32, true) => "int", (32, false) => "uint", (64, true) => "long", _ => "ulong",
        }})",
        FloatType f => f.Bits == 32 ? " (use float)" : " (use double)",
        PointerType { IsCharPointer: true } => " (use string, nint, a pointer, NativePointer, an array or a span)",
        PointerType => " (use nint, a pointer, NativePointer, an array or a span)",
        AggregateType or ArrayType => $" (use an unmanaged struct of {c.Size} bytes)",
        _ => "",
    };

    internal static string Name(Type t) => t == typeof(void) ? "void" : t.Name;

    private static string Signature(FunctionSpec f) =>
        $"{f.ReturnType.DisplayName} {f.Name}({string.Join(", ", f.ParameterTypes.Select(p => p.DisplayName))}{(f.IsVariadic ? ", ..." : "")})";
}
