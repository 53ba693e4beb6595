using Ffi.Demo.Inspect;
using Ffi.Memory;
using Ffi.Spec;
using static Ffi.Demo.Tour.TourContext;

namespace Ffi.Demo.Tour;

/// <summary>
/// Sections 1 to 7 of the tour: layouts, scalar calls, strings, a struct by value, an out pointer, a variadic call,
/// errno. Each section's lambda is what the tour shows as its C#; its parameter is named <c>Console</c> so that the
/// code reads as it would in a program of your own.
/// </summary>
internal static class CallSections
{
    public static void Run(TourContext tour)
    {
        FfiSpec libc = tour.Libc, libm = tour.Libm, zlib = tour.Zlib;
        tour.Section("1. Layouts", "struct tm and z_stream laid out as gcc lays them out on x86-64, holes and padding included.",
            null, ["libc.json: tm", "zlib.json: z_stream"], Console =>
        {
            LayoutTable.Write("tm", libc.Types["tm"], false, Console);
            Console.WriteLine();
            LayoutTable.Write("z_stream", zlib.Types["z_stream"], false, Console);
        });
        tour.Section("2. Scalar calls", "typed delegates checked against the spec once, then called like methods.",
            libc, ["libc.json: abs", "libc.json: labs", "libm.json: cos", "libm.json: pow", "libm.json: sqrt"], Console =>
        {
            using var c = NativeModule.Open(libc);
            using var m = NativeModule.Open(libm);
            var abs = c.GetFunction<Func<int, int>>("abs");
            var labs = c.GetFunction<Func<long, long>>("labs");
            var cos = m.GetFunction<Func<double, double>>("cos");
            var pow = m.GetFunction<Func<double, double, double>>("pow");
            Console.WriteLine($"abs(-42) = {abs(-42)}    labs(-9000000000) = {labs(-9_000_000_000)}");
            Console.WriteLine(Invariant($"cos(0) = {cos(0)}    pow(2, 0.5) = {pow(2, 0.5):F6}    sqrt(2) via the dynamic API = {(double)m.Invoke("sqrt", 2.0)!:F6}"));
        });
        tour.Section("3. Strings in and out", "a .NET string passed as UTF-8 char*, and a char* result read back as a string.",
            libc, ["libc.json: strlen", "libc.json: getenv", "libc.json: toupper"], Console =>
        {
            using var c = NativeModule.Open(libc);
            var strlen = c.GetFunction<Func<string, ulong>>("strlen");
            Console.WriteLine($"strlen(\"héllo\") = {strlen("héllo")} bytes (é is two bytes in UTF-8)");
            Console.WriteLine($"getenv(\"FFI_DEMO_UNSET\") = {c.Invoke("getenv", "FFI_DEMO_UNSET") ?? "null"}    toupper('a') = '{(char)(int)c.Invoke("toupper", (int)'a')!}'");
        });
        tour.Section("4. A struct returned by value", "div returns div_t in registers; the engine hands it back as a StructValue.",
            libc, ["libc.json: div_t", "libc.json: div"], Console =>
        {
            using var c = NativeModule.Open(libc);
            var d = (StructValue)c.Invoke("div", 17, 5)!;
            Console.WriteLine($"div(17, 5) = {{ quot = {d["quot"]}, rem = {d["rem"]} }}");
        });
        tour.Section("5. An out pointer", "frexp writes the exponent through an int*; a one-element array is pinned for the call.",
            libm, ["libm.json: frexp"], Console =>
        {
            using var m = NativeModule.Open(libm);
            var frexp = m.GetFunction<Func<double, int[], double>>("frexp");
            var exponent = new int[1];
            double mantissa = frexp(48.0, exponent);
            Console.WriteLine(Invariant($"frexp(48) = {mantissa} × 2^{exponent[0]}"));
        });
        tour.Section("6. A variadic call", "snprintf with doubles: extras promoted as C does, through the %al thunk.",
            libc, ["libc.json: snprintf"], Console =>
        {
            using var c = NativeModule.Open(libc);
            var buffer = c.Memory.Malloc(64);
            int n = (int)c.Invoke("snprintf", buffer, 64UL, "%.3f + %.3f = %.3f (%s)", new object?[] { 1.5, 2.25, 3.75, "doubles" })!;
            Console.WriteLine($"snprintf -> \"{c.Memory.String(buffer)}\" ({n} characters)");
        });
        tour.Section("7. errno", "strtol overflows; the stub reads errno right after the call.",
            libc, ["libc.json: strtol"], Console =>
        {
            using var c = NativeModule.Open(libc);
            var value = (long)c.Invoke("strtol", "99999999999999999999", null, 10)!;
            Console.WriteLine($"strtol(\"99999999999999999999\") = {value} (LONG_MAX), errno = {NativeModule.LastErrno} (ERANGE = 34)");
        });
    }
}
