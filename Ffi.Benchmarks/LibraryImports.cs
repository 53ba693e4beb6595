using System.Runtime.InteropServices;

namespace Ffi.Benchmarks;

/// <summary>
/// The same functions as <see cref="NativeMethods"/>, declared with <c>[LibraryImport]</c>: the source generator writes
/// each method's marshalling in C# at build time (for these blittable signatures, a direct call of an inner
/// <c>[DllImport]</c>; for <c>strlen</c>, a UTF-8 copy into a stack buffer), which is what NativeAOT apps and the
/// trimming analyzers expect, and what compiled bindings are measured against (issue 12: "every compiled row ≤ 1.1×
/// <c>[LibraryImport]</c>").
/// </summary>
internal static partial class LibraryImports
{
    [LibraryImport(NativeMethods.BenchLib)]
    public static partial int bench_add_int(int a, int b);

    [LibraryImport(NativeMethods.BenchLib)]
    public static partial double bench_add_double(double a, double b);

    [LibraryImport(NativeMethods.BenchLib)]
    public static partial long bench_sum6(long a, long b, long c, long d, long e, long f);

    [LibraryImport(NativeMethods.BenchLib)]
    public static partial long bench_sum_pair(Pair p);

    [LibraryImport(NativeMethods.BenchLib)]
    public static partial Three bench_fold5(Five v);

    [LibraryImport(NativeMethods.LibC, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nuint strlen(string s);
}
