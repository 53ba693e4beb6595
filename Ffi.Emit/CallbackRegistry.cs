using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Ffi.Binding;
using Ffi.Callbacks;
using Ffi.Memory;
using Ffi.Runtime;
using Ffi.Types;

namespace Ffi;

/// <summary>
/// A callback for script hosts: receives a callback's arguments as the dynamic API reads values (integers and floats
/// as their CLR types, pointers as <see cref="NativePointer"/>, by-value structs as <see cref="Memory.StructValue"/>
/// copies) and returns the result (converted to the C return type; ignored for void).
/// </summary>
public delegate object? FfiCallbackHandler(object?[] args);

/// <summary>
/// A registered callback: a C function pointer that forwards to a managed delegate until <see cref="Dispose"/> (or the
/// module's disposal). For libraries that keep the pointer: signal handlers, <c>sqlite3_create_function</c>, event
/// loops. Each live callback has its own pointer. After release, a call through the old pointer runs no managed code:
/// it returns zero and is reported (<see cref="FfiCallbackException.IsStaleCall"/>).
/// </summary>
public sealed class CallbackHandle : IDisposable
{
    private readonly CallbackRegistry _registry;
    private readonly CallbackSlot _slot;
    private readonly int _generation;

    internal CallbackHandle(CallbackRegistry registry, CallbackSlot slot, FuncPtrType type)
    {
        _registry = registry;
        _slot = slot;
        _generation = slot.Generation;
        Type = type;
        Address = slot.Address;
    }

    /// <summary>The function pointer to give to C.</summary>
    public nint Address { get; }

    /// <summary>The function pointer as a <see cref="NativePointer"/> typed with the callback's function pointer type.</summary>
    public NativePointer Pointer => NativePointer.FromAddress(Address, Type);

    /// <summary>The function pointer type the callback implements.</summary>
    public FuncPtrType Type { get; }

    /// <summary>Whether the pointer still forwards to the delegate (not disposed, module not disposed).</summary>
    public bool IsAlive => _slot.Generation == _generation && _slot.Target is not null;

    /// <summary>The function pointer, for passing a registered callback where a <see cref="NativePointer"/> is taken.</summary>
    public static implicit operator NativePointer(CallbackHandle handle) => (handle ?? throw new ArgumentNullException(nameof(handle))).Pointer;

    /// <summary>Releases the pointer; C must not call it afterwards (if it does, nothing managed runs). Idempotent.</summary>
    public void Dispose() => _registry.Release(_slot, _generation);

    /// <inheritdoc />
    public override string ToString() => $"callback {Type.DisplayName} at 0x{Address:x}{(IsAlive ? "" : " (released)")}";
}

/// <summary>
/// A module's callbacks: managed delegates turned into C function pointers by <c>[UnmanagedCallersOnly]</c>
/// trampolines. Delegates passed directly as arguments are <em>transient</em> (valid for that call); this registers
/// <em>registered</em> ones, valid until their handle or the module is disposed.
/// </summary>
/// <example>
/// <code>
/// using var handle = module.Callbacks.Register("compare_fn", (Func&lt;nint, nint, int&gt;)((a, b) => ...));
/// module.Invoke("set_comparator", handle.Pointer);
/// </code>
/// </example>
public sealed class CallbackRegistry : ICallbackHost
{
    private readonly NativeModule _module;
    // Made with the first callback: a dictionary keyed by a value tuple is code the JIT compiles, which a module that
    // passes no callback should not pay for when it opens (docs/benchmarks.md, cold start). A tuple key, because a
    // downcall taking a callback looks its pool up on every call, and must not allocate a key to do so.
    private ConcurrentDictionary<(FuncPtrType, Type), TrampolinePool>? _pools;
    private readonly HashSet<CallbackSlot> _registered = [];
    private long _failed;
    private long _stale;

    internal CallbackRegistry(NativeModule module) => _module = module;

    /// <summary>
    /// Registers <paramref name="callback"/> as a C function of the spec's function pointer type
    /// <paramref name="funcptrType"/>. A delegate whose parameters map to the C types (as in
    /// <see cref="NativeModule.GetFunction{TDelegate}"/>: same-width integers, float/double, bool, nint/pointers,
    /// <see cref="NativePointer"/>, string for <c>char*</c>, unmanaged structs of the same size) is invoked directly; an
    /// <see cref="FfiCallbackHandler"/> receives the arguments as objects; any other delegate with the right number of
    /// parameters gets them converted to its parameter types.
    /// </summary>
    /// <exception cref="FfiArgumentException">The type is not a function pointer type, is variadic, or the delegate does not fit it.</exception>
    /// <exception cref="ObjectDisposedException">The module was disposed.</exception>
    [RequiresDynamicCode(DynamicCode.Message)]
    [RequiresUnreferencedCode(DynamicCode.Message)]
    public CallbackHandle Register(string funcptrType, Delegate callback)
    {
        ArgumentNullException.ThrowIfNull(funcptrType);
        _module.ThrowIfDisposed();
        var type = _module.Types.TryGet(funcptrType, out var t) ? t : throw new FfiArgumentException($"Callbacks.Register(\"{funcptrType}\")", "no such type in the spec");
        return Register(t as FuncPtrType ?? throw new FfiArgumentException($"Callbacks.Register(\"{funcptrType}\")", $"{t.DisplayName} is not a function pointer type"), callback);
    }

    /// <summary>Registers <paramref name="callback"/> as a C function of <paramref name="type"/> (see <see cref="Register(string, Delegate)"/>).</summary>
    /// <exception cref="FfiArgumentException">The type is variadic, or the delegate does not fit it.</exception>
    /// <exception cref="ObjectDisposedException">The module was disposed.</exception>
    [RequiresDynamicCode(DynamicCode.Message)]
    [RequiresUnreferencedCode(DynamicCode.Message)]
    public CallbackHandle Register(FuncPtrType type, Delegate callback)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(callback);
        var pool = PoolFor(type, callback, $"Callbacks.Register({type.DisplayName})");
        lock (_registered)
        {
            _module.ThrowIfDisposed(); // under the lock: Dispose releases what is registered under it
            var slot = pool.Acquire(callback, type, this, frame: null);
            _registered.Add(slot);
            return new CallbackHandle(this, slot, type);
        }
    }

    /// <summary>Registered callbacks that are alive.</summary>
    public int RegisteredCount
    {
        get
        {
            lock (_registered) return _registered.Count;
        }
    }

    /// <summary>Callback exceptions raised to <see cref="NativeModule.CallbackFailed"/> (no downcall in progress on their thread).</summary>
    public long FailedCount => Interlocked.Read(ref _failed);

    /// <summary>Calls C made into callbacks after they were released (each returned zero and ran nothing).</summary>
    public long StaleCallCount => Interlocked.Read(ref _stale);

    // ---- for downcalls: transient callbacks ----

    /// <summary>The pool a delegate of this runtime type uses for <paramref name="type"/>, or an FfiArgumentException naming <paramref name="where"/>.</summary>
    internal TrampolinePool PoolFor(FuncPtrType type, Delegate callback, string where)
    {
        var delegateType = callback.GetType();
        var pools = _pools ?? Interlocked.CompareExchange(ref _pools, new(), null) ?? _pools;
        if (pools.TryGetValue((type, delegateType), out var pool)) return pool;
        if (type.IsVariadic)
            throw new FfiArgumentException(where, "a variadic function pointer cannot call a managed callback (its extra arguments have no types)");
        var shape = _module.Shapes.For(type.Return, type.Parameters.ToArray(), null, type.DisplayName);
        if (TypedCallback.IsDynamicHandler(delegateType))
        {
            pool = TrampolinePool.Dynamic(shape);
        }
        else
        {
            var errors = new List<string>();
            if (TypedCallback.TryMap(delegateType, type, errors) is { } typed) pool = TrampolinePool.ForDelegate(shape, typed);
            else if (DelegateConversion.Incompatibility(delegateType, type) is { } why) throw new FfiArgumentException(where, why);
            else pool = TrampolinePool.Dynamic(shape);
        }
        return pools.GetOrAdd((type, delegateType), pool.Ready());
    }

    SlotPool ICallbackHost.PoolFor(FuncPtrType type, Delegate callback, string where) => PoolFor(type, callback, where);

    FfiMemory ICallbackHost.Memory => _module.Memory;

    // ---- bookkeeping ----

    internal void Release(CallbackSlot slot, int generation)
    {
        lock (_registered)
        {
            if (slot.Pool.Release(slot, generation)) _registered.Remove(slot);
        }
    }

    internal void ReleaseAll()
    {
        lock (_registered)
        {
            foreach (var slot in _registered) slot.Pool.Release(slot, slot.Generation);
            _registered.Clear();
        }
    }

    void ICallbackHost.CountStale() => Interlocked.Increment(ref _stale);

    void ICallbackHost.RaiseFailed(Exception exception, string callback, nint address)
    {
        Interlocked.Increment(ref _failed);
        _module.OnCallbackFailed(new CallbackFailedEventArgs(exception, callback, address));
    }
}
