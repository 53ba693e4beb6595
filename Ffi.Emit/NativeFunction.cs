using System.Collections.Concurrent;
using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Ffi.Abi;
using Ffi.Downcalls;
using Ffi.Memory;
using Ffi.Native;
using Ffi.Runtime;
using Ffi.Shapes;
using Ffi.Spec;
using Ffi.Types;
using Ffi.Values;

namespace Ffi;

/// <summary>
/// A bound C function, callable dynamically with the original's conversion rules. The call stub is generated
/// on first use (thread-safe) and cached; variadic functions get one stub per call shape.
/// </summary>
/// <example>
/// <code>
/// var strlen = libc.Function("strlen");
/// ulong n = (ulong)strlen.Invoke("hello")!;                          // 5
/// var text = (string)libc.Invoke("snprintf_str", ...)!;              // ret_as_str functions return strings
/// libc.Invoke("printf", "%d %s %.2f\n", new object?[] { 42, "x", 3.14159 });   // variadic: extras as one array
/// </code>
/// </example>
public sealed unsafe partial class NativeFunction
{
    private readonly NativeModule _module;
    private ConcurrentDictionary<CallSignature, PreparedCall>? _shapes; // variadic calls: one per list of promoted extras
    private readonly bool _captureErrno;
    private readonly bool _gated;
    private readonly bool _variadic;
    private readonly bool _returnsString;
    private AggregateOrigin? _resultOrigin; // what an inline aggregate result of the general path refers to (made once)
    private PreparedCall? _fixedPreparedCall;
    private ValueInvoker? _values;   // Invoke(ReadOnlySpan<FfiValue>): emitted for the call shape, or the general path
    private ObjectInvoker? _objects; // Invoke(object?[]): the same
    private DynamicTarget? _target;  // what the emitted invokers are bound to

    internal NativeFunction(NativeModule module, FunctionSpec spec, nint address, bool captureErrno)
    {
        _module = module;
        Spec = spec;
        Address = address;
        _captureErrno = captureErrno || spec.CapturesErrno;
        _gated = spec.Capabilities.Count > 0;
        _variadic = spec.IsVariadic;
        _returnsString = spec.ReturnsString;
    }

    /// <summary>Whether calls store errno in <see cref="NativeModule.LastErrno"/> (declared, or captured for all).</summary>
    public bool CapturesErrno => _captureErrno;

    /// <summary>The function as the spec declares it.</summary>
    public FunctionSpec Spec { get; }

    /// <summary>The function's name.</summary>
    public string Name => Spec.Name;

    /// <summary>The function's address.</summary>
    public nint Address { get; }

    /// <summary>
    /// Calls the function. Arguments convert with the original's rules: integers range-checked, floats from any
    /// number, pointers from <see langword="null"/>, <see cref="NativePointer"/> or <see cref="nint"/> (tag-checked
    /// for handles), <c>char*</c> from a string (a NUL-terminated UTF-8 copy for the call), any pointer from an array of
    /// primitives (pinned for the call), by-value aggregates from a <see cref="NativePointer"/> to storage or a managed
    /// value (dictionary, anonymous object, list). A variadic function takes its extras as one final array.
    /// </summary>
    /// <returns>
    /// <see langword="null"/> for void; the natural CLR value for scalars (see <see cref="ScalarMemory"/>); a string
    /// (or null) for <c>ret_as_str</c>; for a struct, union or array returned by value, a managed,
    /// garbage-collected <see cref="StructValue"/> copy (no native allocation, nothing to free; its
    /// <see cref="StructValue.Pointer"/> moves it into module storage when native storage is wanted).
    /// </returns>
    /// <exception cref="FfiArgumentException">Wrong number of arguments, or a value that does not convert.</exception>
    /// <exception cref="FfiCapabilityDeniedException">The function needs a capability the module was not granted.</exception>
    /// <exception cref="FfiCallbackException">A callback that C called during the call threw, or C called a released one.</exception>
    /// <exception cref="ObjectDisposedException">The module was disposed.</exception>
    [RequiresDynamicCode(DynamicCode.Message)]
    [RequiresUnreferencedCode(DynamicCode.Message)]
    public object? Invoke(params object?[] args) => (_objects ?? MakeObjectInvoker())(args);

    // Every case: variadic functions, values of other kinds, conversions, errors.
    [SkipLocalsInit]
    internal object? InvokeGeneral(object?[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        CheckCallable();
        int fixedCount = Spec.ParameterTypes.Count;
        int expected = fixedCount + (Spec.IsVariadic ? 1 : 0);
        if (args.Length != expected)
            throw new FfiArgumentException(Spec.Name, $"expected {expected} argument(s){(Spec.IsVariadic ? " (the last one an array of variadic extras)" : "")}, got {args.Length}");

        var values = args;
        PreparedCall prepared;
        if (Spec.IsVariadic)
        {
            var (extraTypes, extraValues) = Promote(args[fixedCount]);
            values = args.Take(fixedCount).Concat(extraValues).ToArray();
            prepared = Shape(extraTypes);
        }
        else
        {
            prepared = _fixedPreparedCall ?? PrepareFixed();
        }

        byte* arena = stackalloc byte[ArenaBytes];
        var scratch = new CallScratch(arena, ArenaBytes, CallbackFrames.Enter());
        object? result;
        try
        {
            DynamicArguments.Buffers(prepared, ref scratch, out var argBuffer, out var retBuffer);
            var slots = prepared.Slots;
            for (int i = 0; i < values.Length; i++)
            {
                var value = values[i];
                if (value is not string && slots[i].TryWrite(FfiValue.FromObject(value), argBuffer)) continue;
                DynamicArguments.SlowArgument(prepared, i, argBuffer, value, ref scratch);
            }
            prepared.Stub(prepared.Target, argBuffer, retBuffer);
            GC.KeepAlive(this); // holds the module's lifetime: its libraries stay loaded until the call returned
            result = ReadReturn((nint)retBuffer); // before the scratch is released: a large result lives there
        }
        catch
        {
            scratch.Fail(); // the callback frame ends here whatever failed (a failure must not stay on the thread)
            throw;
        }
        scratch.Finish(Spec.Name); // throws what a callback threw
        return result;
    }

    /// <summary>
    /// Calls the function without allocating for scalar, pointer and string arguments and results: the same
    /// conversion rules as <see cref="Invoke(object[])"/>, with values as <see cref="FfiValue"/>s. A variadic
    /// function takes its extras as the values after the fixed ones (promoted by kind, or as
    /// <see cref="FfiValue.Typed"/> says).
    /// </summary>
    /// <returns>
    /// The result: <see cref="FfiValueKind.Void"/> for void; an aggregate of at most 16 bytes held inline
    /// (<see cref="FfiValueKind.Aggregate"/>, no allocation; read it with <c>module.Memory.Get(value, "field")</c>); a larger
    /// one as a garbage-collected <see cref="StructValue"/> copy (or into storage of yours with
    /// <see cref="InvokeInto(ReadOnlySpan{FfiValue}, NativePointer)"/>).
    /// </returns>
    /// <exception cref="FfiArgumentException">Wrong number of arguments, or a value that does not convert.</exception>
    /// <exception cref="FfiCapabilityDeniedException">The function needs a capability the module was not granted.</exception>
    /// <exception cref="FfiCallbackException">A callback that C called during the call threw, or C called a released one.</exception>
    /// <exception cref="ObjectDisposedException">The module was disposed.</exception>
    [RequiresDynamicCode(DynamicCode.Message)]
    public FfiValue Invoke(ReadOnlySpan<FfiValue> args) => (_values ?? MakeValueInvoker())(args);

    // Every case: variadic functions, values of other kinds, conversions, errors.
    internal FfiValue InvokeGeneral(ReadOnlySpan<FfiValue> args) => Call(args, 0);

    // The general path; the result is returned, or copied to `into` (storage checked by InvokeInto) when not 0.
    [SkipLocalsInit]
    private FfiValue Call(ReadOnlySpan<FfiValue> args, nint into)
    {
        CheckCallable();
        PreparedCall prepared;
        if (_variadic)
        {
            prepared = VariadicShape(args);
        }
        else
        {
            prepared = _fixedPreparedCall ?? PrepareFixed();
            if (args.Length != prepared.Slots.Length)
                throw new FfiArgumentException(Spec.Name, $"expected {prepared.Slots.Length} argument(s), got {args.Length}");
        }

        byte* arena = stackalloc byte[ArenaBytes];
        var scratch = new CallScratch(arena, ArenaBytes, CallbackFrames.Enter());
        FfiValue result;
        try
        {
            DynamicArguments.Buffers(prepared, ref scratch, out var argBuffer, out var retBuffer);
            var slots = prepared.Slots;
            for (int i = 0; i < args.Length; i++)
            {
                if (!slots[i].TryWrite(args[i], argBuffer)) DynamicArguments.SlowArgument(prepared, i, argBuffer, args[i], ref scratch);
            }
            prepared.Stub(prepared.Target, argBuffer, retBuffer);
            GC.KeepAlive(this); // holds the module's lifetime: its libraries stay loaded until the call returned
            // Before the scratch is released: a large result lives there.
            result = default;
            if (into != 0) Buffer.MemoryCopy(retBuffer, (void*)into, Spec.ReturnType.Size, Spec.ReturnType.Size);
            else result = ReadResult(prepared, retBuffer);
        }
        catch
        {
            scratch.Fail(); // the callback frame ends here whatever failed (a failure must not stay on the thread)
            throw;
        }
        scratch.Finish(Spec.Name); // throws what a callback threw
        return result;
    }

    private PreparedCall VariadicShape(ReadOnlySpan<FfiValue> args)
    {
        int fixedCount = Spec.ParameterTypes.Count;
        if (args.Length < fixedCount)
            throw new FfiArgumentException(Spec.Name, $"expected at least {fixedCount} argument(s), got {args.Length}");
        var extraTypes = new CType[args.Length - fixedCount];
        for (int i = 0; i < extraTypes.Length; i++) extraTypes[i] = Promote(args[fixedCount + i], i);
        return Shape(extraTypes);
    }

    // Threads racing here may each prepare: the shape and its stub come from the module's caches, so both results are
    // equal, and one is kept. A failure (a signature no carrier expresses) is thrown and nothing is kept.
    private PreparedCall PrepareFixed() =>
        Volatile.Read(ref _fixedPreparedCall)
        ?? Interlocked.CompareExchange(ref _fixedPreparedCall, Prepare(Spec.ParameterTypes, null), null)
        ?? _fixedPreparedCall!;

    // The two dynamic entry points, each made on its first use: the emitted invoker of the function's call shape
    // (shared by every function of that shape, see DynamicInvokerEmitter) bound to this function, or the general path.
    // Capabilities are fixed when the module opens: a function that was not granted its capabilities never gets
    // invokers (this throws on every call). Threads racing here build equal delegates.
    private ValueInvoker MakeValueInvoker() =>
        _values = TryBind(objects: false) is { } d ? (ValueInvoker)d : InvokeGeneral;

    private ObjectInvoker MakeObjectInvoker() =>
        _objects = TryBind(objects: true) is { } d ? (ObjectInvoker)d : InvokeGeneral;

    private Delegate? TryBind(bool objects)
    {
        CheckCallable();
        if (_variadic) return null;
        var p = PrepareFixed();
        if (!DynamicInvokerEmitter.Eligible(p.Shape.Lowered, p.Slots, p.Return)) return null;
        var shared = _module.LastPrepared is { } last && last.Made(p) ? last : null;
        var code = shared?.Invoker(objects) ?? _module.Stubs.Invoker(
            new InvokerKey(objects, p.Shape.Lowered, p.Slots, p.Return, _captureErrno, _module.PInvokeFor(Spec, p.Shape)), p.Slots, p.Return);
        shared?.Remember(objects, code);
        _target ??= new DynamicTarget(p.Target, _module.Lifetime, Spec.Name, this, Spec.ReturnType, _module.Memory);
        return code.CreateDelegate(objects ? typeof(ObjectInvoker) : typeof(ValueInvoker), _target);
    }

    // The module must be alive; only gated functions look at capabilities.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CheckCallable()
    {
        if (_gated || _module.IsDisposed) _module.CheckCallable(Spec.Name, Spec.Capabilities);
    }

    // Stack memory per call for the argument and return buffers and short strings; more is allocated natively.
    private const int ArenaBytes = 512;

    // Keyed by the extras' types themselves (not their names: two anonymous int* with different tags print alike).
    private PreparedCall Shape(CType[] extraTypes)
    {
        var types = Spec.ParameterTypes.Concat(extraTypes).ToArray();
        var key = new CallSignature(Spec.ReturnType, types, Spec.ParameterTypes.Count);
        var shapes = _shapes ?? Interlocked.CompareExchange(ref _shapes, new(), null) ?? _shapes;
        return shapes.TryGetValue(key, out var prepared) ? prepared : shapes.GetOrAdd(key, Prepare(types, Spec.ParameterTypes.Count));
    }

    private PreparedCall Prepare(IReadOnlyList<CType> types, int? fixedCount)
    {
        if (fixedCount is null && _module.LastPrepared is { } last && last.Fits(Spec, _captureErrno))
            return last.For(Spec.Name, Address);
        var prepared = PrepareNew(types, fixedCount);
        if (fixedCount is null && SharedPreparation.Shares(Spec)) _module.LastPrepared = new SharedPreparation(Spec, _captureErrno, prepared);
        return prepared;
    }

    private PreparedCall PrepareNew(IReadOnlyList<CType> types, int? fixedCount)
    {
        var shape = _module.Shapes.For(Spec.ReturnType, types.ToArray(), fixedCount, Spec.Name);
        // Loops, not LINQ: a Select into FastSlot (a struct) is generic code the JIT compiles on a process's first call.
        var slots = new FastSlot[types.Count];
        bool anyAggregate = false;
        for (int i = 0; i < slots.Length; i++)
        {
            var t = types[i];
            slots[i] = new FastSlot(t, shape.Frame.OffsetOf(i));
            anyAggregate |= !ScalarMemory.IsScalar(t);
        }
        var target = shape.Plan.IsVariadic ? _module.VariadicThunkFor(Address) : Address;
        var returnSlot = new FastSlot(Spec.ReturnType, 0);
        return new PreparedCall(shape, _module.StubFor(shape, this), target, types, Spec.Name,
            anyAggregate, slots, returnSlot, Math.Max(16, Spec.ReturnType.Align), _module.CallbackState);
    }
}
