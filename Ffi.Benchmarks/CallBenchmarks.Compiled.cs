using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;

namespace Ffi.Benchmarks;

/// <summary>
/// Issue 12's comparison, in every category: <c>[LibraryImport]</c> (<see cref="LibraryImports"/>) and the compiled
/// bindings (<c>_Compiled</c>): the static methods of <c>Ffi.Benchmarks.Compiled.Bench</c>, which the build writes from
/// <c>native/bench.h</c> with <c>ffi compile</c> (the <c>FfiBinding</c> item of the project). A compiled method binds
/// its function on its first call (here, in <c>GlobalSetup</c>'s check), then loads it from a static cell and calls it
/// with <c>calli</c>. Its structs are the compiled types (<c>Compiled.pair</c>, <c>five</c>, <c>three</c>), which have
/// the same layout as the hand-written <see cref="Pair"/>, <see cref="Five"/> and <see cref="Three"/>. No benchmark
/// method names a compiled type in its signature (see <see cref="Struct40_Compiled"/>).
/// </summary>
public unsafe partial class CallBenchmarks
{
    private Compiled.pair _compiledPair;
    private Compiled.five _compiledFive;

    private void SetupCompiled()
    {
        _compiledPair = new Compiled.pair { a = _pair.A, b = _pair.B };
        _compiledFive = new Compiled.five { a = _five.A, b = _five.B, c = _five.C, d = _five.D, e = _five.E };
    }

    /// <summary><c>[LibraryImport]</c>.</summary>
    [Benchmark, BenchmarkCategory(AddInt)]
    public int AddInt_LibraryImport() => LibraryImports.bench_add_int(_i1, _i2);

    /// <summary>The compiled binding.</summary>
    [Benchmark, BenchmarkCategory(AddInt)]
    public int AddInt_Compiled() => Compiled.Bench.bench_add_int(_i1, _i2);

    /// <summary>The compiled binding of a function declared <c>/* ffi: trivial */</c> (no GC transition).</summary>
    [Benchmark, BenchmarkCategory(AddInt)]
    public int AddInt_CompiledTrivial() => Compiled.Bench.bench_add_int_trivial(_i1, _i2);

    /// <summary><c>[LibraryImport]</c>.</summary>
    [Benchmark, BenchmarkCategory(AddDouble)]
    public double AddDouble_LibraryImport() => LibraryImports.bench_add_double(_d1, _d2);

    /// <summary>The compiled binding.</summary>
    [Benchmark, BenchmarkCategory(AddDouble)]
    public double AddDouble_Compiled() => Compiled.Bench.bench_add_double(_d1, _d2);

    /// <summary><c>[LibraryImport]</c>.</summary>
    [Benchmark, BenchmarkCategory(Sum6)]
    public long Sum6_LibraryImport() => LibraryImports.bench_sum6(_l1, _l2, _l3, _l4, _l5, _l6);

    /// <summary>The compiled binding.</summary>
    [Benchmark, BenchmarkCategory(Sum6)]
    public long Sum6_Compiled() => Compiled.Bench.bench_sum6(_l1, _l2, _l3, _l4, _l5, _l6);

    /// <summary><c>[LibraryImport]</c> with <c>StringMarshalling.Utf8</c>.</summary>
    [Benchmark, BenchmarkCategory(Strlen)]
    public nuint Strlen_LibraryImport() => LibraryImports.strlen(_text);

    /// <summary>The compiled binding (the string copied to UTF-8 on the stack).</summary>
    [Benchmark, BenchmarkCategory(Strlen)]
    public nuint Strlen_Compiled() => (nuint)Compiled.Bench.strlen(_text);   // size_t is ulong in compiled bindings

    /// <summary><c>[LibraryImport]</c>.</summary>
    [Benchmark, BenchmarkCategory(Struct)]
    public long Struct_LibraryImport() => LibraryImports.bench_sum_pair(_pair);

    /// <summary>The compiled binding.</summary>
    [Benchmark, BenchmarkCategory(Struct)]
    public long Struct_Compiled() => Compiled.Bench.bench_sum_pair(_compiledPair);

    /// <summary><c>[LibraryImport]</c>.</summary>
    [Benchmark, BenchmarkCategory(Struct40)]
    public Three Struct40_LibraryImport() => LibraryImports.bench_fold5(_five);

    /// <summary>
    /// The compiled binding. Its result, the compiled <c>three</c>, is returned as the hand-written <see cref="Three"/>
    /// (the same 24 bytes): BenchmarkDotNet's out-of-process runner compiles a project of its own that names each
    /// benchmark's return type, and that project does not reference the bindings assembly.
    /// </summary>
    [Benchmark, BenchmarkCategory(Struct40)]
    public Three Struct40_Compiled() => Unsafe.BitCast<Compiled.three, Three>(Compiled.Bench.bench_fold5(_compiledFive));
}
