using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Reflection.Emit;
using System.Reflection;
using Ffi.Abi;
using Ffi.Il;
using Ffi.Runtime;
using Ffi.Shapes;

namespace Ffi.Downcalls;

/// <summary>
/// A module's emitted code, one entry per shape: raw stubs (<see cref="RawStubKey"/>), trivial P/Invokes (one per
/// symbol and recipe), dynamic invokers (<see cref="InvokerKey"/>) and typed stubs (<see cref="TypedStubKey"/>).
/// Thread-safe: each entry is made once even when threads race for it, and a failed emission leaves nothing behind,
/// so the next use tries again.
/// </summary>
internal sealed class ModuleStubs
{
    // Each made with its first entry: a dictionary type is types the runtime loads on first use (docs/benchmarks.md,
    // cold start), and a program that calls through one API needs one or two of the four.
    private ConcurrentDictionary<RawStubKey, Lazy<RawCall>>? _raw;
    private ConcurrentDictionary<TrivialKey, Lazy<MethodInfo>>? _pinvokes;
    private ConcurrentDictionary<InvokerKey, Lazy<DynamicMethod>>? _invokers;
    private ConcurrentDictionary<TypedStubKey, Lazy<DynamicMethod>>? _typed;

    /// <summary>The raw stub of a shape; a trivial function's (<paramref name="pinvoke"/>) is its own.</summary>
    public RawCall Raw(CallShape shape, string symbol, bool captureErrno, MethodInfo? pinvoke)
    {
        var key = new RawStubKey(shape.Lowered, shape.Frame, captureErrno, pinvoke is null ? null : symbol);
        return TryGetMade(_raw, key, out var made) ? made : MakeRaw(key, shape, symbol, captureErrno, pinvoke);
    }

    // The factories' closures live in methods of their own: a lambda capturing a parameter allocates its closure when
    // the method is entered, whichever branch runs.
    private RawCall MakeRaw(RawStubKey key, CallShape shape, string symbol, bool captureErrno, MethodInfo? pinvoke) =>
        GetOrCreate(ref _raw, key, () => RawCallStub.Emit(shape, symbol, captureErrno, pinvoke));

    /// <summary>The <c>[SuppressGCTransition]</c> P/Invoke of a trivial function, bound to <paramref name="library"/>'s handle.</summary>
    public MethodInfo TrivialPInvoke(string symbol, nint library, CallShape shape) =>
        GetOrCreate(ref _pinvokes, new TrivialKey(symbol, shape.Lowered), () =>
        {
            var (ret, parameters) = CarrierIl.Signature(shape.Lowered);
            return TrivialCalls.Define(library, symbol, ret, parameters);
        });

    /// <summary>The code of a dynamic invoker; functions with the same key share it.</summary>
    public DynamicMethod Invoker(InvokerKey key, FastSlot[] slots, FastSlot result) =>
        TryGetMade(_invokers, key, out var made) ? made : MakeInvoker(key, slots, result);

    private DynamicMethod MakeInvoker(InvokerKey key, FastSlot[] slots, FastSlot result) =>
        GetOrCreate(ref _invokers, key, () => key.Objects
            ? DynamicInvokerEmitter.EmitObjects(key.Lowered, key.CaptureErrno, key.PInvoke, slots, result)
            : DynamicInvokerEmitter.EmitValues(key.Lowered, key.CaptureErrno, key.PInvoke, slots, result));

    /// <summary>The code of a typed stub; functions with the same key share it.</summary>
    public DynamicMethod Typed(TypedStubKey key, Func<DynamicMethod> emit) => GetOrCreate(ref _typed, key, emit);

    /// <summary>The last typed delegate bound (any thread's; a reference is read and written whole).</summary>
    public LastTypedBinding? LastTyped { get; set; }

    /// <summary>The typed stub of <paramref name="key"/> when it was made already (no factory to allocate).</summary>
    public bool TryGetTyped(TypedStubKey key, [NotNullWhen(true)] out DynamicMethod? code) => TryGetMade(_typed, key, out code);

    /// <summary>Raw stubs emitted.</summary>
    public int RawCount => _raw?.Count ?? 0;

    /// <summary>Dynamic invokers emitted.</summary>
    public int InvokerCount => _invokers?.Count ?? 0;

    /// <summary>Typed stubs emitted.</summary>
    public int TypedCount => _typed?.Count ?? 0;

    // Keys are classes, never value tuples or structs: a cache keyed by a reference type runs the runtime's shared
    // precompiled code, while a value-type key makes the JIT compile the dictionary for it when a module opens.
    private sealed record TrivialKey(string Symbol, LoweredCall Lowered);

    // The cache in `field`, made on first use (threads racing here agree on one), then as below.
    private static TValue GetOrCreate<TKey, TValue>(ref ConcurrentDictionary<TKey, Lazy<TValue>>? field, TKey key, Func<TValue> make) where TKey : notnull =>
        GetOrCreate(field ?? Interlocked.CompareExchange(ref field, new(), null) ?? field, key, make);

    // A value made already, found without allocating: callers try this before they make the factory of GetOrCreate,
    // whose closures would otherwise be allocated at every first call of every function sharing a stub (on this
    // machine every new page of memory is a page fault: docs/benchmarks.md, cold start).
    private static bool TryGetMade<TKey, TValue>(ConcurrentDictionary<TKey, Lazy<TValue>>? cache, TKey key, [NotNullWhen(true)] out TValue? value)
        where TKey : notnull
    {
        if (cache is not null && cache.TryGetValue(key, out var lazy) && lazy.IsValueCreated)
        {
            value = lazy.Value!;
            return true;
        }
        value = default;
        return false;
    }

    /// <summary>One value per key, made once even when threads race; a factory that throws leaves no entry behind.</summary>
    public static TValue GetOrCreate<TKey, TValue>(ConcurrentDictionary<TKey, Lazy<TValue>> cache, TKey key, Func<TValue> make) where TKey : notnull
    {
        var lazy = cache.GetOrAdd(key, _ => new Lazy<TValue>(make, LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return lazy.Value;
        }
        catch
        {
            cache.TryRemove(new KeyValuePair<TKey, Lazy<TValue>>(key, lazy));
            throw;
        }
    }
}
