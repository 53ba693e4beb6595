using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Ffi.Memory;
using Ffi.Spec;
using Ffi.Values;

namespace Ffi.Benchmarks;

/// <summary>
/// The same native functions called every way .NET (and this engine) can call them. Each category is one C
/// function; within it, the plain <c>[DllImport]</c> call is the baseline, so the Ratio column reads "times slower
/// than a static P/Invoke". Method names start with their category, so <c>--filter '*AddInt*'</c> picks one.
/// </summary>
/// <remarks>
/// Columns per category:
/// <list type="bullet">
/// <item><c>_DllImport</c>: static <c>[DllImport]</c>, inlined into the benchmark method (baseline).</item>
/// <item><c>_DllImportNoInline</c>: the same, from a <c>[MethodImpl(NoInlining)]</c> wrapper: the floor the engine is held to.</item>
/// <item><c>_FunctionPointer</c>: <c>delegate* unmanaged[Cdecl]</c> on the <c>NativeLibrary.GetExport</c> address.</item>
/// <item><c>_MarshalDelegate</c>: a delegate from <c>Marshal.GetDelegateForFunctionPointer</c>.</item>
/// <item><c>_LibFfi</c>: libffi's <c>ffi_call</c> on a <c>ffi_cif</c> prepared once.</item>
/// <item><c>_EngineInvoke</c>: this engine's dynamic path, <c>NativeFunction.Invoke(object?[])</c>.</item>
/// <item><c>_LibraryImport</c> and <c>_Compiled</c>: <c>[LibraryImport]</c> and the compiled bindings of
/// <c>native/bench.h</c> (<c>CallBenchmarks.Compiled.cs</c>).</item>
/// </list>
/// The 40-byte-in, 24-byte-out category is in <c>CallBenchmarks.Struct40.cs</c>.
/// Strings are converted to UTF-8 on every call in every path (the runtime marshaller, a stack buffer for the
/// raw paths, the engine's own copy), since that is what calling <c>strlen(string)</c> costs.
/// </remarks>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public unsafe partial class CallBenchmarks
{
    /// <summary>add(int, int) → int.</summary>
    public const string AddInt = "AddInt";

    /// <summary>add(double, double) → double.</summary>
    public const string AddDouble = "AddDouble";

    /// <summary>six int64 arguments summed → int64.</summary>
    public const string Sum6 = "Sum6";

    /// <summary>strlen(const char*) on a 16-character string → size_t.</summary>
    public const string Strlen = "Strlen";

    /// <summary>a 16-byte struct by value: int64 sum_pair(struct pair { int64 a, b; }).</summary>
    public const string Struct = "Struct";

    /// <summary>a 40-byte struct in, a 24-byte struct out: three bench_fold5(five), both MEMORY class.</summary>
    public const string Struct40 = "Struct40";

    // The arguments live in fields so that nothing is a compile-time constant.
    private int _i1 = 20, _i2 = 22;
    private double _d1 = 1.5, _d2 = 2.25;
    private long _l1 = 1, _l2 = 2, _l3 = 3, _l4 = 4, _l5 = 5, _l6 = 6;
    private object _o1 = 1L, _o2 = 2L, _o3 = 3L, _o4 = 4L, _o5 = 5L, _o6 = 6L;
    private string _text = "sixteen chars!!!";
    private Pair _pair = new() { A = 40, B = 2 };

    // delegate* unmanaged[Cdecl] on the exported addresses.
    private delegate* unmanaged[Cdecl]<int, int, int> _fpAddInt;
    private delegate* unmanaged[Cdecl]<double, double, double> _fpAddDouble;
    private delegate* unmanaged[Cdecl]<long, long, long, long, long, long, long> _fpSum6;
    private delegate* unmanaged[Cdecl]<Pair, long> _fpSumPair;
    private delegate* unmanaged[Cdecl]<byte*, nuint> _fpStrlen;

    // Marshal.GetDelegateForFunctionPointer delegates.
    private AddIntDelegate _dgAddInt = null!;
    private AddDoubleDelegate _dgAddDouble = null!;
    private Sum6Delegate _dgSum6 = null!;
    private SumPairDelegate _dgSumPair = null!;
    private StrlenDelegate _dgStrlen = null!;

    // libffi: one prepared ffi_cif per function.
    private readonly List<nint> _ffiOwned = [];
    private FfiCif _ffiAddInt = null!, _ffiAddDouble = null!, _ffiSum6 = null!, _ffiSumPair = null!, _ffiStrlen = null!;

    // The engine.
    private NativeModule _module = null!;
    private NativeFunction _engAddInt = null!, _engAddDouble = null!, _engSum6 = null!, _engSumPair = null!, _engStrlen = null!;
    private NativePointer _pairStorage;
    private FfiValue _pairValue;

    // The engine's typed stubs (module.GetFunction<TDelegate>).
    private Func<int, int, int> _tyAddInt = null!, _tyAddIntTrivial = null!;
    private Func<double, double, double> _tyAddDouble = null!;
    private Func<long, long, long, long, long, long, long> _tySum6 = null!;
    private Func<Pair, long> _tySumPair = null!;
    private Func<string, nuint> _tyStrlen = null!;

    private nint _benchLib, _libc;

    /// <summary>The full path of the fixture library (next to this assembly).</summary>
    public static string BenchLibPath => Path.Combine(AppContext.BaseDirectory, NativeMethods.BenchLib);

    /// <summary>The spec the engine binds: the fixture's functions, <c>strlen</c> from libc.</summary>
    public static string SpecJson => $$"""
        {
          "version": "1",
          "lib": {{JsonSerializer.Serialize(BenchLibPath)}},
          "types": {
            "pair": { "kind": "struct", "fields": [ { "name": "a", "type": "int64" }, { "name": "b", "type": "int64" } ] },
            "five": { "kind": "struct", "fields": [ { "name": "a", "type": "int64" }, { "name": "b", "type": "int64" }, { "name": "c", "type": "int64" },
                                                   { "name": "d", "type": "int64" }, { "name": "e", "type": "int64" } ] },
            "three": { "kind": "struct", "fields": [ { "name": "a", "type": "int64" }, { "name": "b", "type": "int64" }, { "name": "c", "type": "int64" } ] }
          },
          "functions": [
            { "name": "bench_add_int", "ret": "int", "params": ["int", "int"] },
            { "name": "bench_add_int_trivial", "ret": "int", "params": ["int", "int"], "trivial": true },
            { "name": "bench_add_double", "ret": "double", "params": ["double", "double"] },
            { "name": "bench_sum6", "ret": "int64", "params": ["int64", "int64", "int64", "int64", "int64", "int64"] },
            { "name": "bench_sum_pair", "ret": "int64", "params": ["pair"] },
            { "name": "bench_fold5", "ret": "three", "params": ["five"] },
            { "name": "strlen", "ret": "size_t", "params": ["string"], "lib": "libc.so.6" }
          ]
        }
        """;

    /// <summary>Binds every path once, then calls every benchmark once and checks its result.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _benchLib = NativeLibrary.Load(BenchLibPath);
        _libc = NativeLibrary.Load(NativeMethods.LibC);
        nint addInt = NativeLibrary.GetExport(_benchLib, "bench_add_int");
        nint addDouble = NativeLibrary.GetExport(_benchLib, "bench_add_double");
        nint sum6 = NativeLibrary.GetExport(_benchLib, "bench_sum6");
        nint sumPair = NativeLibrary.GetExport(_benchLib, "bench_sum_pair");
        nint strlen = NativeLibrary.GetExport(_libc, "strlen");

        _fpAddInt = (delegate* unmanaged[Cdecl]<int, int, int>)addInt;
        _fpAddDouble = (delegate* unmanaged[Cdecl]<double, double, double>)addDouble;
        _fpSum6 = (delegate* unmanaged[Cdecl]<long, long, long, long, long, long, long>)sum6;
        _fpSumPair = (delegate* unmanaged[Cdecl]<Pair, long>)sumPair;
        _fpStrlen = (delegate* unmanaged[Cdecl]<byte*, nuint>)strlen;

        _dgAddInt = Marshal.GetDelegateForFunctionPointer<AddIntDelegate>(addInt);
        _dgAddDouble = Marshal.GetDelegateForFunctionPointer<AddDoubleDelegate>(addDouble);
        _dgSum6 = Marshal.GetDelegateForFunctionPointer<Sum6Delegate>(sum6);
        _dgSumPair = Marshal.GetDelegateForFunctionPointer<SumPairDelegate>(sumPair);
        _dgStrlen = Marshal.GetDelegateForFunctionPointer<StrlenDelegate>(strlen);

        nint sint32 = (nint)LibFfi.Type("ffi_type_sint32");
        nint sint64 = (nint)LibFfi.Type("ffi_type_sint64");
        nint uint64 = (nint)LibFfi.Type("ffi_type_uint64");
        nint dbl = (nint)LibFfi.Type("ffi_type_double");
        nint ptr = (nint)LibFfi.Type("ffi_type_pointer");
        nint pairType = FfiCif.StructType(_ffiOwned, sint64, sint64);
        _ffiAddInt = new FfiCif((void*)addInt, (void*)sint32, sint32, sint32);
        _ffiAddDouble = new FfiCif((void*)addDouble, (void*)dbl, dbl, dbl);
        _ffiSum6 = new FfiCif((void*)sum6, (void*)sint64, sint64, sint64, sint64, sint64, sint64, sint64);
        _ffiSumPair = new FfiCif((void*)sumPair, (void*)sint64, pairType);
        _ffiStrlen = new FfiCif((void*)strlen, (void*)uint64, ptr);
        var pairSize = *(nuint*)pairType;
        if (pairSize != 16) throw new InvalidOperationException($"libffi laid out struct pair as {pairSize} bytes, expected 16");

        _module = NativeModule.Open(FfiSpec.Parse(SpecJson));
        _engAddInt = _module.Function("bench_add_int");
        _engAddDouble = _module.Function("bench_add_double");
        _engSum6 = _module.Function("bench_sum6");
        _engSumPair = _module.Function("bench_sum_pair");
        _engStrlen = _module.Function("strlen");
        _pairStorage = _module.Memory.Box("pair", new { a = _pair.A, b = _pair.B });
        _pairValue = FfiValue.FromPointer(_pairStorage); // made once, like any argument a caller reuses

        _tyAddInt = _module.GetFunction<Func<int, int, int>>("bench_add_int");
        _tyAddIntTrivial = _module.GetFunction<Func<int, int, int>>("bench_add_int_trivial");
        _tyAddDouble = _module.GetFunction<Func<double, double, double>>("bench_add_double");
        _tySum6 = _module.GetFunction<Func<long, long, long, long, long, long, long>>("bench_sum6");
        _tySumPair = _module.GetFunction<Func<Pair, long>>("bench_sum_pair");
        _tyStrlen = _module.GetFunction<Func<string, nuint>>("strlen");

        SetupStruct40();
        SetupCompiled();
        Verify();
    }

    /// <summary>Frees the libffi structures, the module and the library handles.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var cif in new[] { _ffiAddInt, _ffiAddDouble, _ffiSum6, _ffiSumPair, _ffiStrlen, _ffiFold5 }) cif?.Dispose();
        foreach (var p in _ffiOwned) NativeMemory.Free((void*)p);
        _ffiOwned.Clear();
        _module?.Dispose();
        if (_benchLib != 0) NativeLibrary.Free(_benchLib);
        if (_libc != 0) NativeLibrary.Free(_libc);
        _benchLib = _libc = 0;
    }

    // What every benchmark of a category must return.
    private object ExpectedFor(string category) => category switch
    {
        // (each arm boxed on its own: a switch expression would otherwise unify them all to double)
        AddInt => (object)(_i1 + _i2),
        AddDouble => (object)(_d1 + _d2),
        Sum6 => (object)(_l1 + _l2 + _l3 + _l4 + _l5 + _l6),
        Strlen => (object)(nuint)Encoding.UTF8.GetByteCount(_text),
        Struct => (object)(_pair.A + _pair.B),
        Struct40 => (object)new Three { A = _five.A + _five.B, B = _five.C + _five.D, C = _five.E },
        _ => throw new InvalidOperationException($"no expected value for category \"{category}\""),
    };

    // Calls every [Benchmark] method of this class once (new ones too) and compares it with its category's
    // expected value, so a broken path fails the run instead of producing a fast, wrong number.
    private void Verify()
    {
        var failures = new List<string>();
        foreach (var m in GetType().GetMethods(BindingFlags.Public | BindingFlags.Instance))
        {
            if (m.GetCustomAttribute<BenchmarkAttribute>() is null) continue;
            var categories = m.GetCustomAttribute<BenchmarkCategoryAttribute>()?.Categories ?? [];
            if (categories.Length != 1)
            {
                failures.Add($"{m.Name}: needs exactly one [BenchmarkCategory]");
                continue;
            }
            var expected = ExpectedFor(categories[0]);
            object? actual;
            try
            {
                actual = m.Invoke(this, null);
            }
            catch (TargetInvocationException ex)
            {
                failures.Add($"{m.Name}: threw {ex.InnerException}");
                continue;
            }
            if (!Equals(actual, expected))
                failures.Add($"{m.Name}: returned {actual} ({actual?.GetType().Name}), expected {expected} ({expected.GetType().Name})");
        }
        if (failures.Count > 0)
            throw new InvalidOperationException("benchmark paths disagree with the expected results:\n  " + string.Join("\n  ", failures));
    }

    // ---------------------------------------------------------------- add(int, int) → int

    /// <summary>Static <c>[DllImport]</c> (baseline).</summary>
    [Benchmark(Baseline = true), BenchmarkCategory(AddInt)]
    public int AddInt_DllImport() => NativeMethods.bench_add_int(_i1, _i2);

    /// <summary>Static <c>[DllImport]</c> from a non-inlined wrapper.</summary>
    [Benchmark, BenchmarkCategory(AddInt)]
    public int AddInt_DllImportNoInline() => NativeMethods.AddIntNoInline(_i1, _i2);

    /// <summary><c>delegate* unmanaged[Cdecl]</c>.</summary>
    [Benchmark, BenchmarkCategory(AddInt)]
    public int AddInt_FunctionPointer() => _fpAddInt(_i1, _i2);

    /// <summary><c>Marshal.GetDelegateForFunctionPointer</c>.</summary>
    [Benchmark, BenchmarkCategory(AddInt)]
    public int AddInt_MarshalDelegate() => _dgAddInt(_i1, _i2);

    /// <summary>libffi <c>ffi_call</c>.</summary>
    [Benchmark, BenchmarkCategory(AddInt)]
    public int AddInt_LibFfi()
    {
        int a = _i1, b = _i2;
        long ret;   // integral returns are widened to ffi_arg (64 bits)
        void** av = stackalloc void*[2];
        av[0] = &a;
        av[1] = &b;
        _ffiAddInt.Call(&ret, av);
        return (int)ret;
    }

    /// <summary>The engine's dynamic <c>Invoke(object?[])</c>.</summary>
    [Benchmark, BenchmarkCategory(AddInt)]
    public int AddInt_EngineInvoke() => (int)_engAddInt.Invoke(new object?[] { _i1, _i2 })!;

    /// <summary>The engine's typed stub (<c>GetFunction&lt;TDelegate&gt;</c>).</summary>
    [Benchmark, BenchmarkCategory(AddInt)]
    public int AddInt_EngineTyped() => _tyAddInt(_i1, _i2);

    /// <summary>The engine's no-allocation dynamic path (<c>Invoke(ReadOnlySpan&lt;FfiValue&gt;)</c>).</summary>
    [Benchmark, BenchmarkCategory(AddInt)]
    public int AddInt_EngineFfiValue() => (int)_engAddInt.Invoke([_i1, _i2]).ToInt64();

    /// <summary>The engine's typed stub on a function declared <c>"trivial": true</c> (no GC transition).</summary>
    [Benchmark, BenchmarkCategory(AddInt)]
    public int AddInt_EngineTypedTrivial() => _tyAddIntTrivial(_i1, _i2);

    // ---------------------------------------------------------------- add(double, double) → double

    /// <summary>Static <c>[DllImport]</c> (baseline).</summary>
    [Benchmark(Baseline = true), BenchmarkCategory(AddDouble)]
    public double AddDouble_DllImport() => NativeMethods.bench_add_double(_d1, _d2);

    /// <summary>Static <c>[DllImport]</c> from a non-inlined wrapper.</summary>
    [Benchmark, BenchmarkCategory(AddDouble)]
    public double AddDouble_DllImportNoInline() => NativeMethods.AddDoubleNoInline(_d1, _d2);

    /// <summary><c>delegate* unmanaged[Cdecl]</c>.</summary>
    [Benchmark, BenchmarkCategory(AddDouble)]
    public double AddDouble_FunctionPointer() => _fpAddDouble(_d1, _d2);

    /// <summary><c>Marshal.GetDelegateForFunctionPointer</c>.</summary>
    [Benchmark, BenchmarkCategory(AddDouble)]
    public double AddDouble_MarshalDelegate() => _dgAddDouble(_d1, _d2);

    /// <summary>libffi <c>ffi_call</c>.</summary>
    [Benchmark, BenchmarkCategory(AddDouble)]
    public double AddDouble_LibFfi()
    {
        double a = _d1, b = _d2, ret;
        void** av = stackalloc void*[2];
        av[0] = &a;
        av[1] = &b;
        _ffiAddDouble.Call(&ret, av);
        return ret;
    }

    /// <summary>The engine's dynamic <c>Invoke(object?[])</c>.</summary>
    [Benchmark, BenchmarkCategory(AddDouble)]
    public double AddDouble_EngineInvoke() => (double)_engAddDouble.Invoke(new object?[] { _d1, _d2 })!;

    /// <summary>The engine's typed stub (<c>GetFunction&lt;TDelegate&gt;</c>).</summary>
    [Benchmark, BenchmarkCategory(AddDouble)]
    public double AddDouble_EngineTyped() => _tyAddDouble(_d1, _d2);

    /// <summary>The engine's no-allocation dynamic path (<c>Invoke(ReadOnlySpan&lt;FfiValue&gt;)</c>).</summary>
    [Benchmark, BenchmarkCategory(AddDouble)]
    public double AddDouble_EngineFfiValue() => _engAddDouble.Invoke([_d1, _d2]).ToDouble();

    // ---------------------------------------------------------------- sum6(int64 × 6) → int64

    /// <summary>Static <c>[DllImport]</c> (baseline).</summary>
    [Benchmark(Baseline = true), BenchmarkCategory(Sum6)]
    public long Sum6_DllImport() => NativeMethods.bench_sum6(_l1, _l2, _l3, _l4, _l5, _l6);

    /// <summary>Static <c>[DllImport]</c> from a non-inlined wrapper.</summary>
    [Benchmark, BenchmarkCategory(Sum6)]
    public long Sum6_DllImportNoInline() => NativeMethods.Sum6NoInline(_l1, _l2, _l3, _l4, _l5, _l6);

    /// <summary><c>delegate* unmanaged[Cdecl]</c>.</summary>
    [Benchmark, BenchmarkCategory(Sum6)]
    public long Sum6_FunctionPointer() => _fpSum6(_l1, _l2, _l3, _l4, _l5, _l6);

    /// <summary><c>Marshal.GetDelegateForFunctionPointer</c>.</summary>
    [Benchmark, BenchmarkCategory(Sum6)]
    public long Sum6_MarshalDelegate() => _dgSum6(_l1, _l2, _l3, _l4, _l5, _l6);

    /// <summary>libffi <c>ffi_call</c>.</summary>
    [Benchmark, BenchmarkCategory(Sum6)]
    public long Sum6_LibFfi()
    {
        long a = _l1, b = _l2, c = _l3, d = _l4, e = _l5, f = _l6, ret;
        void** av = stackalloc void*[6];
        av[0] = &a;
        av[1] = &b;
        av[2] = &c;
        av[3] = &d;
        av[4] = &e;
        av[5] = &f;
        _ffiSum6.Call(&ret, av);
        return ret;
    }

    /// <summary>The engine's dynamic <c>Invoke(object?[])</c>.</summary>
    [Benchmark, BenchmarkCategory(Sum6)]
    public long Sum6_EngineInvoke() => (long)_engSum6.Invoke(new object?[] { _l1, _l2, _l3, _l4, _l5, _l6 })!;

    /// <summary>
    /// The same with arguments that are already boxed, as a script host holds its values: what remains is the
    /// engine's work, the array and the boxed result.
    /// </summary>
    [Benchmark, BenchmarkCategory(Sum6)]
    public long Sum6_EngineInvokePreboxed() => (long)_engSum6.Invoke(new object?[] { _o1, _o2, _o3, _o4, _o5, _o6 })!;

    /// <summary>The engine's typed stub (<c>GetFunction&lt;TDelegate&gt;</c>).</summary>
    [Benchmark, BenchmarkCategory(Sum6)]
    public long Sum6_EngineTyped() => _tySum6(_l1, _l2, _l3, _l4, _l5, _l6);

    /// <summary>The engine's no-allocation dynamic path (<c>Invoke(ReadOnlySpan&lt;FfiValue&gt;)</c>).</summary>
    [Benchmark, BenchmarkCategory(Sum6)]
    public long Sum6_EngineFfiValue() => _engSum6.Invoke([_l1, _l2, _l3, _l4, _l5, _l6]).ToInt64();

    // ---------------------------------------------------------------- strlen(const char*) → size_t

    /// <summary>Static <c>[DllImport]</c> with the runtime's UTF-8 string marshalling (baseline).</summary>
    [Benchmark(Baseline = true), BenchmarkCategory(Strlen)]
    public nuint Strlen_DllImport() => NativeMethods.strlen(_text);

    /// <summary>Static <c>[DllImport]</c> from a non-inlined wrapper.</summary>
    [Benchmark, BenchmarkCategory(Strlen)]
    public nuint Strlen_DllImportNoInline() => NativeMethods.StrlenNoInline(_text);

    /// <summary><c>delegate* unmanaged[Cdecl]</c>, the string encoded into a stack buffer.</summary>
    [Benchmark, BenchmarkCategory(Strlen)]
    public nuint Strlen_FunctionPointer()
    {
        var s = _text;
        int max = Encoding.UTF8.GetMaxByteCount(s.Length) + 1;
        byte* buf = stackalloc byte[max];
        buf[Encoding.UTF8.GetBytes(s, new Span<byte>(buf, max - 1))] = 0;
        return _fpStrlen(buf);
    }

    /// <summary><c>Marshal.GetDelegateForFunctionPointer</c> with UTF-8 string marshalling.</summary>
    [Benchmark, BenchmarkCategory(Strlen)]
    public nuint Strlen_MarshalDelegate() => _dgStrlen(_text);

    /// <summary>libffi <c>ffi_call</c>, the string encoded into a stack buffer.</summary>
    [Benchmark, BenchmarkCategory(Strlen)]
    public nuint Strlen_LibFfi()
    {
        var s = _text;
        int max = Encoding.UTF8.GetMaxByteCount(s.Length) + 1;
        byte* buf = stackalloc byte[max];
        buf[Encoding.UTF8.GetBytes(s, new Span<byte>(buf, max - 1))] = 0;
        ulong ret;
        void** av = stackalloc void*[1];
        av[0] = &buf;
        _ffiStrlen.Call(&ret, av);
        return (nuint)ret;
    }

    /// <summary>The engine's dynamic <c>Invoke(object?[])</c> (the engine copies the string to UTF-8 itself).</summary>
    [Benchmark, BenchmarkCategory(Strlen)]
    public nuint Strlen_EngineInvoke() => (nuint)(ulong)_engStrlen.Invoke(new object?[] { _text })!;

    /// <summary>The engine's typed stub (<c>GetFunction&lt;TDelegate&gt;</c>).</summary>
    [Benchmark, BenchmarkCategory(Strlen)]
    public nuint Strlen_EngineTyped() => _tyStrlen(_text);

    /// <summary>The engine's no-allocation dynamic path (<c>Invoke(ReadOnlySpan&lt;FfiValue&gt;)</c>).</summary>
    [Benchmark, BenchmarkCategory(Strlen)]
    public nuint Strlen_EngineFfiValue() => (nuint)_engStrlen.Invoke([_text]).ToUInt64();

    // ---------------------------------------------------------------- sum_pair(struct pair by value) → int64

    /// <summary>Static <c>[DllImport]</c> with a blittable 16-byte struct (baseline).</summary>
    [Benchmark(Baseline = true), BenchmarkCategory(Struct)]
    public long Struct_DllImport() => NativeMethods.bench_sum_pair(_pair);

    /// <summary>Static <c>[DllImport]</c> from a non-inlined wrapper.</summary>
    [Benchmark, BenchmarkCategory(Struct)]
    public long Struct_DllImportNoInline() => NativeMethods.SumPairNoInline(_pair);

    /// <summary><c>delegate* unmanaged[Cdecl]</c>.</summary>
    [Benchmark, BenchmarkCategory(Struct)]
    public long Struct_FunctionPointer() => _fpSumPair(_pair);

    /// <summary><c>Marshal.GetDelegateForFunctionPointer</c>.</summary>
    [Benchmark, BenchmarkCategory(Struct)]
    public long Struct_MarshalDelegate() => _dgSumPair(_pair);

    /// <summary>libffi <c>ffi_call</c> with a <c>FFI_TYPE_STRUCT</c> argument type.</summary>
    [Benchmark, BenchmarkCategory(Struct)]
    public long Struct_LibFfi()
    {
        Pair p = _pair;
        long ret;
        void** av = stackalloc void*[1];
        av[0] = &p;
        _ffiSumPair.Call(&ret, av);
        return ret;
    }

    /// <summary>
    /// The engine's dynamic <c>Invoke(object?[])</c>, the struct passed as a pointer to engine storage holding it
    /// (the original's form; a managed value would also be accepted, at the cost of converting it per call).
    /// </summary>
    [Benchmark, BenchmarkCategory(Struct)]
    public long Struct_EngineInvoke() => (long)_engSumPair.Invoke(new object?[] { _pairStorage })!;

    /// <summary>The engine's typed stub (<c>GetFunction&lt;TDelegate&gt;</c>).</summary>
    [Benchmark, BenchmarkCategory(Struct)]
    public long Struct_EngineTyped() => _tySumPair(_pair);

    /// <summary>The engine's no-allocation dynamic path (<c>Invoke(ReadOnlySpan&lt;FfiValue&gt;)</c>).</summary>
    [Benchmark, BenchmarkCategory(Struct)]
    public long Struct_EngineFfiValue() => _engSumPair.Invoke([_pairValue]).ToInt64();
}
