using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Ffi.Interop;
using Ffi.Memory;
using Ffi.Spec;

namespace Ffi.Benchmarks;

/// <summary>
/// libc's <c>qsort</c> of 1,000,000 random ints, with the comparator made every way: in C, a hand-written static
/// <c>[UnmanagedCallersOnly]</c> method (the baseline), <c>Marshal.GetFunctionPointerForDelegate</c>, this engine's
/// run-time trampolines with a typed delegate and with a dynamic handler, and the compiled bindings' trampolines (static
/// <c>[UnmanagedCallersOnly]</c> methods compiled from <c>native/bench.h</c> that call the delegate). qsort itself is
/// called the same way (a static P/Invoke) except in the engine rows, which call it through the engine (a transient
/// callback per sort, as a user would), and the compiled rows, which call it through the compiled binding. Every path
/// is checked to sort correctly before measuring.
/// </summary>
[MemoryDiagnoser]
public unsafe class CallbackBenchmarks
{
    private const int Count = 1_000_000;

    private const string SpecJson = """
        { "version": "1", "lib": "libc.so.6",
          "types": { "cmp_fn": { "kind": "funcptr", "ret": "int", "params": ["pointer", "pointer"] } },
          "functions": [ { "name": "qsort", "ret": "void", "params": ["pointer", "size_t", "size_t", "cmp_fn"] } ] }
        """;

    private delegate int Comparison(nint a, nint b);

    private readonly int[] _source = new int[Count];
    private readonly int[] _data = new int[Count];
    private NativeModule _module = null!;
    private Action<nint, nuint, nuint, Func<nint, nint, int>> _qsortTyped = null!;
    private NativeFunction _qsortDynamic = null!;
    private nint _cComparator;
    private Comparison _marshalled = null!;
    private nint _marshalledPointer;
    private readonly Func<nint, nint, int> _typedComparator = static (a, b) => (*(int*)a).CompareTo(*(int*)b);
    private readonly Benchmarks.Compiled.bench_cmp_fn _compiledComparator = static (a, b) => (*(int*)a).CompareTo(*(int*)b);
    private CallbackRegistration _registered = null!;
    private readonly FfiCallbackHandler _dynamicComparator = static args =>
        (*(int*)((NativePointer)args[0]!).Address).CompareTo(*(int*)((NativePointer)args[1]!).Address);

    [DllImport("libc.so.6")]
    private static extern void qsort(void* data, nuint count, nuint size, nint comparator);

    [UnmanagedCallersOnly]
    private static int StaticComparator(nint a, nint b) => (*(int*)a).CompareTo(*(int*)b);

    // The floors of a trampoline that cannot inline its callback: a static [UnmanagedCallersOnly] method that calls a
    // comparator it cannot inline (a method of its own, then a delegate inside try/catch, as every trampoline must).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int OutOfLineComparator(nint a, nint b) => (*(int*)a).CompareTo(*(int*)b);

    [UnmanagedCallersOnly]
    private static int StaticCallsMethod(nint a, nint b) => OutOfLineComparator(a, b);

    private static Func<nint, nint, int>? s_floorDelegate;

    [UnmanagedCallersOnly]
    private static int StaticInvokesDelegate(nint a, nint b)
    {
        try
        {
            return s_floorDelegate!(a, b);
        }
        catch (Exception)
        {
            return 0;
        }
    }

    /// <summary>Random data, the module, and every comparator checked once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        for (int i = 0; i < Count; i++) _source[i] = rng.Next();
        _module = NativeModule.Open(FfiSpec.Parse(SpecJson));
        _qsortTyped = _module.GetFunction<Action<nint, nuint, nuint, Func<nint, nint, int>>>("qsort");
        _qsortDynamic = _module.Function("qsort");
        _cComparator = NativeLibrary.GetExport(NativeLibrary.Load(Path.Combine(AppContext.BaseDirectory, "libffibench.so")), "bench_cmp_int");
        s_floorDelegate = _typedComparator;
        _marshalled = (a, b) => (*(int*)a).CompareTo(*(int*)b);
        _marshalledPointer = Marshal.GetFunctionPointerForDelegate(_marshalled);
        _registered = Benchmarks.Compiled.Bench.Callbacks.Register(new Benchmarks.Compiled.bench_cmp_fn(static (a, b) => (*(int*)a).CompareTo(*(int*)b)));

        var sorted = _source.Order().ToArray();
        foreach (var (name, sort) in new (string, Action)[]
                 {
                     ("C", C), ("UnmanagedCallersOnly", UnmanagedCallersOnly), ("UcoCallsMethod", UcoCallsMethod), ("UcoInvokesDelegate", UcoInvokesDelegate), ("Marshal", MarshalDelegate),
                     ("EngineTyped", EngineTyped), ("EngineDynamic", EngineDynamic),
                     ("Compiled", Compiled), ("CompiledRegistered", CompiledRegistered),
                 })
        {
            Fresh();
            sort();
            if (!_data.AsSpan().SequenceEqual(sorted)) throw new InvalidOperationException($"{name} did not sort");
        }
    }

    /// <summary>The engine and the registered compiled callback are disposed.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _registered.Dispose();
        _module.Dispose();
    }

    /// <summary>Unsorted data for every iteration (not measured).</summary>
    [IterationSetup]
    public void Fresh() => _source.CopyTo(_data, 0);

    /// <summary>The comparator in C (no transition per comparison).</summary>
    [Benchmark]
    public void C()
    {
        fixed (int* p = _data) qsort(p, Count, sizeof(int), _cComparator);
    }

    /// <summary>A hand-written static [UnmanagedCallersOnly] comparator: the floor for a managed callback.</summary>
    [Benchmark(Baseline = true)]
    public void UnmanagedCallersOnly()
    {
        fixed (int* p = _data) qsort(p, Count, sizeof(int), (nint)(delegate* unmanaged<nint, nint, int>)&StaticComparator);
    }

    /// <summary>The floor of any trampoline: a static [UnmanagedCallersOnly] method calling a comparator it cannot inline.</summary>
    [Benchmark]
    public void UcoCallsMethod()
    {
        fixed (int* p = _data) qsort(p, Count, sizeof(int), (nint)(delegate* unmanaged<nint, nint, int>)&StaticCallsMethod);
    }

    /// <summary>The floor of a delegate trampoline: a static [UnmanagedCallersOnly] method invoking a delegate inside try/catch, nothing else.</summary>
    [Benchmark]
    public void UcoInvokesDelegate()
    {
        fixed (int* p = _data) qsort(p, Count, sizeof(int), (nint)(delegate* unmanaged<nint, nint, int>)&StaticInvokesDelegate);
    }

    /// <summary>A delegate through Marshal.GetFunctionPointerForDelegate.</summary>
    [Benchmark]
    public void MarshalDelegate()
    {
        fixed (int* p = _data) qsort(p, Count, sizeof(int), _marshalledPointer);
        GC.KeepAlive(_marshalled);
    }

    /// <summary>The engine: qsort through a typed stub, the comparator a Func&lt;nint, nint, int&gt; (typed trampoline).</summary>
    [Benchmark]
    public void EngineTyped()
    {
        fixed (int* p = _data) _qsortTyped((nint)p, Count, sizeof(int), _typedComparator);
    }

    /// <summary>The engine: qsort through Invoke(object?[]), the comparator a dynamic handler (object[] per comparison).</summary>
    [Benchmark]
    public void EngineDynamic()
    {
        fixed (int* p = _data) _qsortDynamic.Invoke((nint)p, (nuint)Count, (nuint)sizeof(int), _dynamicComparator);
    }

    /// <summary>
    /// The compiled binding of qsort with the comparator a <c>bench_cmp_fn</c> delegate: its delegate overload leases one
    /// of the type's compiled trampolines for the call (a static <c>[UnmanagedCallersOnly]</c> method calling the delegate).
    /// </summary>
    [Benchmark]
    public void Compiled()
    {
        fixed (int* p = _data) Benchmarks.Compiled.Bench.qsort(p, Count, sizeof(int), _compiledComparator);
    }

    /// <summary>The compiled binding of qsort with a comparator registered once (<c>Callbacks.Register</c>): its address is passed.</summary>
    [Benchmark]
    public void CompiledRegistered()
    {
        fixed (int* p = _data) Benchmarks.Compiled.Bench.qsort(p, Count, sizeof(int), _registered.Address);
    }
}
