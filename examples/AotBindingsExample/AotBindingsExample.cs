using System.Globalization;
using System.Text;
using CLibc;
using Zlib;
using LibC = CLibc.Native;
using ZLib = Zlib.Native;

namespace Ffi.Examples;

/// <summary>
/// libc and zlib through compiled bindings (the FfiBinding items of the project), in an app that NativeAOT compiles:
/// a struct returned by value (<c>div</c>), errno captured right after the call (<c>strtol</c>), a string and raw
/// UTF-8 bytes (<c>strlen</c>), a struct written in place through the span form's <c>ref</c> (<c>gmtime_r</c>), and
/// zlib's <c>compress2</c>/<c>uncompress</c> round trip over arrays and a <c>ref</c> length, with <c>crc32</c> of a
/// UTF-8 literal, <c>qsort</c> with a managed comparator and <c>snprintf</c> with doubles as variadic extras. Each step prints one line; Ffi.Tests/Aot compares them with what C prints for the same calls.
/// </summary>
public static class AotBindingsExample
{
    /// <summary>Runs the example.</summary>
    /// <returns>0 when every step checked itself, 1 otherwise.</returns>
    public static int Main() => Run(Console.Out);

    /// <summary>Runs every step, writing one line each to <paramref name="output"/>.</summary>
    /// <param name="output">Where the lines go.</param>
    /// <returns>0 when every step checked itself, 1 otherwise.</returns>
    public static int Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        // One call per step; a new step is one more entry here (and one more line in the C the tests compare with).
        Func<TextWriter, bool>[] steps = [Div, Strtol, Strlen, Gmtime, Compress, Qsort, Snprintf];
        int failures = 0;
        foreach (var step in steps)
            if (!step(output)) failures++;
        output.WriteLine(failures == 0 ? "all steps passed" : $"{failures} steps failed");
        return failures == 0 ? 0 : 1;
    }

    // div_t div(int, int): a struct of two ints, returned in rax.
    private static bool Div(TextWriter output)
    {
        foreach (var (n, d) in new[] { (17, 5), (-17, 5) })
        {
            div_t r = LibC.div(n, d);
            output.WriteLine(F($"div({n}, {d}) = {{ quot {r.quot}, rem {r.rem} }}"));
        }
        return true;
    }

    // long strtol(const char *, char **, int) with "errno": true: errno is stored right after the call.
    private static unsafe bool Strtol(TextWriter output)
    {
        foreach (var text in new[] { "123xyz", "99999999999999999999", "-42" })
        {
            Ffi.Native.Errno.Value = 0;
            long v = LibC.strtol(text, null, 10);
            output.WriteLine(F($"strtol(\"{text}\", 10) = {v}, errno {Ffi.Native.LastErrno.Value}"));
        }
        return true;
    }

    // size_t strlen(const char *): a string (a UTF-8 copy for the call), and the raw form with UTF-8 bytes of its own.
    private static unsafe bool Strlen(TextWriter output)
    {
        ulong copied = LibC.strlen("h\u00e9llo, NativeAOT");
        ulong raw;
        fixed (byte* p = "h\u00e9llo\0"u8) raw = LibC.strlen(p);
        output.WriteLine(F($"strlen(\"h\\u00e9llo, NativeAOT\") = {copied}, strlen(u8\"h\\u00e9llo\") = {raw}"));
        return true;
    }

    // struct tm *gmtime_r(const time_t *, struct tm *): the span form takes both by reference.
    private static unsafe bool Gmtime(TextWriter output)
    {
        long t = 31554000;
        tm parts = default;
        LibC.gmtime_r(ref t, ref parts);
        output.WriteLine(F($"gmtime_r({t}) = {parts.tm_year + 1900:D4}-{parts.tm_mon + 1:D2}-{parts.tm_mday:D2} {parts.tm_hour:D2}:{parts.tm_min:D2}:{parts.tm_sec:D2}, yday {parts.tm_yday}"));
        return true;
    }

    // compress2 and uncompress through the span form (arrays for the buffers, ref for the in/out lengths), checked by
    // zlib's own round trip; crc32 of a UTF-8 literal.
    private static bool Compress(TextWriter output)
    {
        var text = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("compiled bindings under NativeAOT; ", 20)));
        var packed = new byte[ZLib.compressBound((ulong)text.Length)];
        ulong packedLength = (ulong)packed.Length;
        var s1 = ZLib.compress2(packed, ref packedLength, text, (ulong)text.Length, 9);
        var back = new byte[text.Length];
        ulong backLength = (ulong)back.Length;
        var s2 = ZLib.uncompress(back, ref backLength, packed.AsSpan(0, (int)packedLength), packedLength);
        bool same = back.AsSpan().SequenceEqual(text);
        output.WriteLine(F($"compress2({text.Length} bytes, 9) = {(int)s1}, {packedLength} bytes; uncompress = {(int)s2}, {backLength} bytes, round trip {(same ? "equal" : "DIFFERENT")}"));
        output.WriteLine(F($"crc32(\"123456789\") = {ZLib.crc32(0, "123456789"u8, 9):x8}"));
        return s1 == z_status.Z_OK && s2 == z_status.Z_OK && same;
    }

    // void qsort(void *, size_t, size_t, int (*)(const void *, const void *)): a managed comparator, which C calls
    // through a trampoline compiled into the bindings (leased for this call, released when it returns).
    private static unsafe bool Qsort(TextWriter output)
    {
        int[] data = [42, -7, 19, 0, 3, 99, -50, 8];
        int calls = 0;
        fixed (int* p = data)
            LibC.qsort(p, (ulong)data.Length, sizeof(int), (a, b) =>
            {
                calls++;
                return (*(int*)a).CompareTo(*(int*)b);
            });
        output.WriteLine(F($"qsort = {string.Join(" ", data)}"));
        return calls > 0;
    }

    // int snprintf(char *, size_t, const char *, ...): doubles, an int and a string as variadic extras, promoted as C
    // does and passed without run-time code generation.
    private static unsafe bool Snprintf(TextWriter output)
    {
        byte* buffer = stackalloc byte[128];
        int n = LibC.snprintf(buffer, 128, "%.3f|%g|%e|%d|%s", 3.14159, 2.5e10, -0.000125, 42, "text");
        var text = Encoding.UTF8.GetString(buffer, Math.Max(n, 0));
        output.WriteLine(F($"snprintf = {n} \"{text}\""));
        return n == text.Length;
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
