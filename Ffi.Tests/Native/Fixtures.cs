using System.Runtime.InteropServices;
using Ffi.Tests.Oracle;

namespace Ffi.Tests.Native;

/// <summary>The C fixtures under Native/, compiled once per test run into shared libraries.</summary>
internal static class Fixtures
{
    private static readonly Lazy<string> CountingAlloc = new(() => Build("counting_alloc"));
    private static readonly Lazy<string> Variadic = new(() => Build("variadic"));
    private static readonly Lazy<string> Globals = new(() => Build("globals"));
    private static readonly Lazy<string> Api = new(() => Build("api"));

    /// <summary>The library with the functions the typed and FfiValue API tests call (Native/api.c).</summary>
    public static string ApiLibrary => Api.Value;
    private static readonly Lazy<string> Shapes = new(() => Build("shapes"));

    /// <summary>The library with the globals <c>origin</c> (struct point), <c>counter</c> (long), <c>ratio</c> (double).</summary>
    public static string GlobalsLibrary => Globals.Value;

    /// <summary>The library with the variadic fixtures <c>sum_doubles</c> (256-aligned) and <c>mixed</c>.</summary>
    public static string VariadicLibrary => Variadic.Value;

    /// <summary>The library with one function per calling-convention shape (Native/shapes.c).</summary>
    public static string ShapesLibrary => Shapes.Value;

    /// <summary>The library with <c>counting_free(void*)</c> and <c>long counting_frees(void)</c>.</summary>
    public static string CountingAllocLibrary => CountingAlloc.Value;

    private static readonly Lazy<string> Callbacks = new(() => Build("callbacks", "-pthread"));

    /// <summary>The library whose functions call callbacks in every shape, on threads, re-entrantly (Native/callbacks.c).</summary>
    public static string CallbacksLibrary => Callbacks.Value;

    private static string Build(string name, string flags = "")
    {
        var source = File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "Native", name + ".c"));
        return Gcc.Compile(source, name, $"-shared -fPIC {flags}".TrimEnd());
    }
}

/// <summary>glibc's allocator statistics: bytes in use by malloc, to see leaks without timing anything.</summary>
internal static unsafe class Malloc
{
    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint Arena, Ordblks, Smblks, Hblks, Hblkhd, Usmblks, Fsmblks, Uordblks, Fordblks, Keepcost;
    }

    private static readonly nint MallInfo2Fn = NativeLibrary.GetExport(NativeLibrary.Load("libc.so.6"), "mallinfo2");

    /// <summary>Bytes currently allocated by malloc (small blocks plus mmap'd ones).</summary>
    public static long BytesInUse()
    {
        var info = ((delegate* unmanaged<MallInfo2>)MallInfo2Fn)();
        return (long)info.Uordblks + (long)info.Hblkhd;
    }
}
