using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Ffi.Benchmarks;

/// <summary>The 16-byte struct of <c>bench_sum_pair</c>: <c>struct pair { int64_t a; int64_t b; }</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct Pair
{
    /// <summary>The first member.</summary>
    public long A;

    /// <summary>The second member.</summary>
    public long B;
}

/// <summary>The 40-byte struct of <c>bench_fold5</c>: <c>five { int64_t a, b, c, d, e; }</c> (MEMORY class: on the stack).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct Five
{
    /// <summary>The first member.</summary>
    public long A;

    /// <summary>The second member.</summary>
    public long B;

    /// <summary>The third member.</summary>
    public long C;

    /// <summary>The fourth member.</summary>
    public long D;

    /// <summary>The fifth member.</summary>
    public long E;
}

/// <summary>The 24-byte result of <c>bench_fold5</c>: <c>three { int64_t a, b, c; }</c> (MEMORY class: returned through a hidden pointer).</summary>
[StructLayout(LayoutKind.Sequential)]
public record struct Three
{
    /// <summary>The first member.</summary>
    public long A;

    /// <summary>The second member.</summary>
    public long B;

    /// <summary>The third member.</summary>
    public long C;
}

/// <summary>
/// The static P/Invoke baseline: plain <c>[DllImport]</c> declarations of the functions every other path calls.
/// All signatures are blittable except <c>strlen</c>'s string, which the runtime marshals to UTF-8 per call.
/// </summary>
internal static class NativeMethods
{
    /// <summary>The fixture library compiled from native/bench.c, copied next to the benchmark dll.</summary>
    public const string BenchLib = "libffibench.so";

    /// <summary>The C library, for <c>strlen</c>.</summary>
    public const string LibC = "libc.so.6";

    [DllImport(BenchLib, CallingConvention = CallingConvention.Cdecl)]
    public static extern int bench_add_int(int a, int b);

    [DllImport(BenchLib, CallingConvention = CallingConvention.Cdecl)]
    public static extern double bench_add_double(double a, double b);

    [DllImport(BenchLib, CallingConvention = CallingConvention.Cdecl)]
    public static extern long bench_sum6(long a, long b, long c, long d, long e, long f);

    [DllImport(BenchLib, CallingConvention = CallingConvention.Cdecl)]
    public static extern long bench_sum_pair(Pair p);

    [DllImport(BenchLib, CallingConvention = CallingConvention.Cdecl)]
    public static extern Pair bench_pair_swap(Pair p);

    [DllImport(BenchLib, CallingConvention = CallingConvention.Cdecl)]
    public static extern Three bench_fold5(Five v);

    [DllImport(LibC, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi, ExactSpelling = true)]
    public static extern nuint strlen([MarshalAs(UnmanagedType.LPUTF8Str)] string s);

    // The same calls from a method the JIT may not inline into the caller: the floor the issue sets for the
    // engine ("a DllImport call made from a non-inlined method").

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int AddIntNoInline(int a, int b) => bench_add_int(a, b);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static double AddDoubleNoInline(double a, double b) => bench_add_double(a, b);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static long Sum6NoInline(long a, long b, long c, long d, long e, long f) => bench_sum6(a, b, c, d, e, f);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static long SumPairNoInline(Pair p) => bench_sum_pair(p);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Three Fold5NoInline(Five v) => bench_fold5(v);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static nuint StrlenNoInline(string s) => strlen(s);
}

// Delegate types for Marshal.GetDelegateForFunctionPointer (the runtime generates a marshalling stub per type).

[UnmanagedFunctionPointer(CallingConvention.Cdecl)]
internal delegate int AddIntDelegate(int a, int b);

[UnmanagedFunctionPointer(CallingConvention.Cdecl)]
internal delegate double AddDoubleDelegate(double a, double b);

[UnmanagedFunctionPointer(CallingConvention.Cdecl)]
internal delegate long Sum6Delegate(long a, long b, long c, long d, long e, long f);

[UnmanagedFunctionPointer(CallingConvention.Cdecl)]
internal delegate long SumPairDelegate(Pair p);

[UnmanagedFunctionPointer(CallingConvention.Cdecl)]
internal delegate Three Fold5Delegate(Five v);

[UnmanagedFunctionPointer(CallingConvention.Cdecl)]
internal delegate nuint StrlenDelegate([MarshalAs(UnmanagedType.LPUTF8Str)] string s);
