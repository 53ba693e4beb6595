using BenchmarkDotNet.Attributes;
using System.Runtime.InteropServices;

namespace Ffi.Benchmarks;

/// <summary>
/// The category <c>Struct40</c>: <c>three bench_fold5(five v)</c>, a 40-byte struct in and a 24-byte struct out. Both
/// are of the MEMORY class: the argument is copied onto the stack, and the result is written by C into memory whose
/// address the caller passes in <c>rdi</c> (and C returns in <c>rax</c>).
/// </summary>
public unsafe partial class CallBenchmarks
{
    private Five _five = new() { A = 1, B = 2, C = 3, D = 4, E = 5 };
    private delegate* unmanaged[Cdecl]<Five, Three> _fpFold5;
    private Fold5Delegate _dgFold5 = null!;
    private FfiCif _ffiFold5 = null!;
    private Func<Five, Three> _tyFold5 = null!;

    private void SetupStruct40()
    {
        nint fold5 = NativeLibrary.GetExport(_benchLib, "bench_fold5");
        _fpFold5 = (delegate* unmanaged[Cdecl]<Five, Three>)fold5;
        _dgFold5 = Marshal.GetDelegateForFunctionPointer<Fold5Delegate>(fold5);
        nint sint64 = (nint)LibFfi.Type("ffi_type_sint64");
        nint fiveType = FfiCif.StructType(_ffiOwned, sint64, sint64, sint64, sint64, sint64);
        nint threeType = FfiCif.StructType(_ffiOwned, sint64, sint64, sint64);
        _ffiFold5 = new FfiCif((void*)fold5, (void*)threeType, fiveType);
        if (*(nuint*)fiveType != 40 || *(nuint*)threeType != 24)
            throw new InvalidOperationException($"libffi laid out five and three as {*(nuint*)fiveType} and {*(nuint*)threeType} bytes, expected 40 and 24");
        _tyFold5 = _module.GetFunction<Func<Five, Three>>("bench_fold5");
    }

    /// <summary>Static <c>[DllImport]</c> with blittable structs in and out (baseline).</summary>
    [Benchmark(Baseline = true), BenchmarkCategory(Struct40)]
    public Three Struct40_DllImport() => NativeMethods.bench_fold5(_five);

    /// <summary>Static <c>[DllImport]</c> from a non-inlined wrapper.</summary>
    [Benchmark, BenchmarkCategory(Struct40)]
    public Three Struct40_DllImportNoInline() => NativeMethods.Fold5NoInline(_five);

    /// <summary><c>delegate* unmanaged[Cdecl]</c>.</summary>
    [Benchmark, BenchmarkCategory(Struct40)]
    public Three Struct40_FunctionPointer() => _fpFold5(_five);

    /// <summary><c>Marshal.GetDelegateForFunctionPointer</c>.</summary>
    [Benchmark, BenchmarkCategory(Struct40)]
    public Three Struct40_MarshalDelegate() => _dgFold5(_five);

    /// <summary>libffi <c>ffi_call</c>, <c>FFI_TYPE_STRUCT</c> argument and result.</summary>
    [Benchmark, BenchmarkCategory(Struct40)]
    public Three Struct40_LibFfi()
    {
        Five v = _five;
        Three ret;
        void** av = stackalloc void*[1];
        av[0] = &v;
        _ffiFold5.Call(&ret, av);
        return ret;
    }

    /// <summary>The engine's typed stub (<c>GetFunction&lt;Func&lt;Five, Three&gt;&gt;</c>).</summary>
    [Benchmark, BenchmarkCategory(Struct40)]
    public Three Struct40_EngineTyped() => _tyFold5(_five);
}
