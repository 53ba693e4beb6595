using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Ffi.Memory;
using Ffi.Spec;
using Ffi.Values;

namespace Ffi.Benchmarks;

/// <summary>
/// A struct in and a struct out — <c>struct pair bench_pair_swap(struct pair p)</c>, 16 bytes each way in registers —
/// through every path in one run: the static P/Invoke (baseline), libffi, and the engine's typed delegate,
/// <c>Invoke(ReadOnlySpan&lt;FfiValue&gt;)</c> (the result held inside the <see cref="FfiValue"/> and fed back as the
/// next argument) and <c>Invoke(object?[])</c> (a garbage-collected <see cref="StructValue"/> fed back).
/// </summary>
/// <remarks>
/// Targets (docs/benchmarks.md): the FfiValue path within 3× the typed delegate and 0 bytes allocated; the object path
/// no slower than libffi.
/// </remarks>
[MemoryDiagnoser]
public unsafe class StructResultBenchmarks
{
    private Pair _pair = new() { A = 40, B = 2 };
    private NativeModule _module = null!;
    private NativeFunction _swap = null!;
    private Func<Pair, Pair> _typed = null!;
    private readonly FfiValue[] _values = new FfiValue[1];
    private readonly object?[] _objects = new object?[1];
    private readonly List<nint> _ffiOwned = [];
    private FfiCif _ffiSwap = null!;
    private nint _benchLib;

    /// <summary>Binds every path, then checks that each one swaps.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _benchLib = NativeLibrary.Load(CallBenchmarks.BenchLibPath);
        nint swap = NativeLibrary.GetExport(_benchLib, "bench_pair_swap");
        nint sint64 = (nint)LibFfi.Type("ffi_type_sint64");
        nint pairType = FfiCif.StructType(_ffiOwned, sint64, sint64);
        _ffiSwap = new FfiCif((void*)swap, (void*)pairType, pairType);

        _module = NativeModule.Open(FfiSpec.Parse($$"""
            { "version": "1", "lib": {{System.Text.Json.JsonSerializer.Serialize(CallBenchmarks.BenchLibPath)}},
              "types": { "pair": { "kind": "struct", "fields": [ { "name": "a", "type": "int64" }, { "name": "b", "type": "int64" } ] } },
              "functions": [ { "name": "bench_pair_swap", "ret": "pair", "params": ["pair"] } ] }
            """));
        _swap = _module.Function("bench_pair_swap");
        _typed = _module.GetFunction<Func<Pair, Pair>>("bench_pair_swap");
        var storage = _module.Memory.Box("pair", new { a = _pair.A, b = _pair.B });
        _values[0] = _swap.Invoke([storage]);
        _objects[0] = _swap.Invoke(storage);

        Check("DllImport", Swap_DllImport());
        Check("LibFfi", Swap_LibFfi());
        Check("EngineTyped", Swap_EngineTyped());
        // Each engine path was called once above (a swap): one more call brings back the original.
        var v = Swap_EngineFfiValue();
        if (v.Kind != FfiValueKind.Aggregate) throw new InvalidOperationException($"FfiValue: a {v.Kind}, not an inline aggregate");
        Check("EngineFfiValue (fed back)", v.ToStruct<Pair>(), swapped: false);
        Check("EngineInvoke (fed back)", ToPair((StructValue)Swap_EngineInvoke()!), swapped: false);
    }

    /// <summary>Frees libffi's structures, the module and the library handle.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _ffiSwap?.Dispose();
        foreach (var p in _ffiOwned) NativeMemory.Free((void*)p);
        _ffiOwned.Clear();
        _module?.Dispose();
        if (_benchLib != 0) NativeLibrary.Free(_benchLib);
        _benchLib = 0;
    }

    private static Pair ToPair(StructValue s) => new() { A = (long)s["a"]!, B = (long)s["b"]! };

    private void Check(string path, Pair got, bool swapped = true)
    {
        var want = swapped ? new Pair { A = _pair.B, B = _pair.A } : _pair;
        if (got.A != want.A || got.B != want.B)
            throw new InvalidOperationException($"{path}: bench_pair_swap gave {{{got.A}, {got.B}}}, expected {{{want.A}, {want.B}}}");
    }

    /// <summary>Static <c>[DllImport]</c> with a blittable struct in and out (baseline).</summary>
    [Benchmark(Baseline = true)]
    public Pair Swap_DllImport() => NativeMethods.bench_pair_swap(_pair);

    /// <summary>libffi <c>ffi_call</c>, <c>FFI_TYPE_STRUCT</c> argument and result.</summary>
    [Benchmark]
    public Pair Swap_LibFfi()
    {
        Pair p = _pair, ret;
        void** av = stackalloc void*[1];
        av[0] = &p;
        _ffiSwap.Call(&ret, av);
        return ret;
    }

    /// <summary>The engine's typed stub (<c>GetFunction&lt;Func&lt;Pair, Pair&gt;&gt;</c>).</summary>
    [Benchmark]
    public Pair Swap_EngineTyped() => _typed(_pair);

    /// <summary><c>Invoke(ReadOnlySpan&lt;FfiValue&gt;)</c>: the inline result is the next call's argument.</summary>
    [Benchmark]
    public FfiValue Swap_EngineFfiValue() => _values[0] = _swap.Invoke(_values.AsSpan());

    /// <summary><c>Invoke(object?[])</c>: the <see cref="StructValue"/> result is the next call's argument.</summary>
    [Benchmark]
    public object? Swap_EngineInvoke() => _objects[0] = _swap.Invoke(_objects);
}
