using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using Ffi.Demo.Inspect;
using Ffi.Memory;
using Ffi.Spec;

namespace Ffi.Demo;

/// <summary>
/// The guided tour <c>ffi</c> runs with no arguments: real calls into libc, libm, zlib and sqlite3, on specs embedded
/// in the program (<c>Ffi.Demo/Specs/*.json</c>). Each section says in one line what it demonstrates. A section whose
/// library is missing says so, and the rest runs.
/// </summary>
public static class DemoTour
{
    /// <summary>Runs the tour.</summary>
    /// <returns>The exit code: 0, or 1 when a section failed (a missing library is not a failure: its section is skipped).</returns>
    public static int Run(TextWriter output) => Run(output, static lib => lib);

    /// <summary>Runs the tour with the specs' libraries renamed by <paramref name="library"/> (a test removes one this way).</summary>
    internal static int Run(TextWriter output, Func<string, string> library)
    {
        s_failed = false;
        output.WriteLine("Ffi — C libraries from a JSON spec: exact layouts, calls, callbacks and memory, without a C compiler.");
        output.WriteLine("Every value below was computed by the real library, called through the engine.");

        var libc = Load("libc.json", library);
        var libm = Load("libm.json", library);
        var zlib = Load("zlib.json", library);
        var sqlite = Load("sqlite3.json", library);
        var toolbox = Load("toolbox.json", library);

        Section(output, "1. Layouts", "struct tm and z_stream laid out as gcc lays them out on x86-64, holes and padding included.", null, o =>
        {
            LayoutTable.Write("tm", libc.Types["tm"], false, o);
            o.WriteLine();
            LayoutTable.Write("z_stream", zlib.Types["z_stream"], false, o);
        });
        Section(output, "2. Scalar calls", "typed delegates checked against the spec once, then called like methods.", libc, o =>
        {
            using var c = NativeModule.Open(libc);
            using var m = NativeModule.Open(libm);
            var abs = c.GetFunction<Func<int, int>>("abs");
            var labs = c.GetFunction<Func<long, long>>("labs");
            var cos = m.GetFunction<Func<double, double>>("cos");
            var pow = m.GetFunction<Func<double, double, double>>("pow");
            o.WriteLine($"abs(-42) = {abs(-42)}    labs(-9000000000) = {labs(-9_000_000_000)}");
            o.WriteLine(Invariant($"cos(0) = {cos(0)}    pow(2, 0.5) = {pow(2, 0.5):F6}    sqrt(2) via the dynamic API = {(double)m.Invoke("sqrt", 2.0)!:F6}"));
        });
        Section(output, "3. Strings in and out", "a .NET string passed as UTF-8 char*, and a char* result read back as a string.", libc, o =>
        {
            using var c = NativeModule.Open(libc);
            var strlen = c.GetFunction<Func<string, ulong>>("strlen");
            o.WriteLine($"strlen(\"héllo\") = {strlen("héllo")} bytes (é is two bytes in UTF-8)");
            o.WriteLine($"getenv(\"FFI_DEMO_UNSET\") = {c.Invoke("getenv", "FFI_DEMO_UNSET") ?? "null"}    toupper('a') = '{(char)(int)c.Invoke("toupper", (int)'a')!}'");
        });
        Section(output, "4. A struct returned by value", "div returns div_t in registers; the engine hands it back as a StructValue.", libc, o =>
        {
            using var c = NativeModule.Open(libc);
            var d = (StructValue)c.Invoke("div", 17, 5)!;
            o.WriteLine($"div(17, 5) = {{ quot = {d["quot"]}, rem = {d["rem"]} }}");
        });
        Section(output, "5. An out pointer", "frexp writes the exponent through an int*; a one-element array is pinned for the call.", libm, o =>
        {
            using var m = NativeModule.Open(libm);
            var frexp = m.GetFunction<Func<double, int[], double>>("frexp");
            var exponent = new int[1];
            double mantissa = frexp(48.0, exponent);
            o.WriteLine(Invariant($"frexp(48) = {mantissa} × 2^{exponent[0]}"));
        });
        Section(output, "6. A variadic call", "snprintf with doubles: extras promoted as C does, through the %al thunk.", libc, o =>
        {
            using var c = NativeModule.Open(libc);
            var buffer = c.Memory.Malloc(64);
            int n = (int)c.Invoke("snprintf", buffer, 64UL, "%.3f + %.3f = %.3f (%s)", new object?[] { 1.5, 2.25, 3.75, "doubles" })!;
            o.WriteLine($"snprintf -> \"{c.Memory.String(buffer)}\" ({n} characters)");
        });
        Section(output, "7. errno", "strtol overflows; the stub reads errno right after the call.", libc, o =>
        {
            using var c = NativeModule.Open(libc);
            var value = (long)c.Invoke("strtol", "99999999999999999999", null, 10)!;
            o.WriteLine($"strtol(\"99999999999999999999\") = {value} (LONG_MAX), errno = {NativeModule.LastErrno} (ERANGE = 34)");
        });
        Section(output, "8. A callback", "qsort sorts managed data with a managed comparator through a generated trampoline.", libc, o =>
        {
            using var c = NativeModule.Open(libc);
            var qsort = c.GetFunction<Action<int[], nuint, nuint, Func<nint, nint, int>>>("qsort");
            int[] data = [42, 7, 19, 3, 88, 51, 23, 64];
            int comparisons = 0;
            o.WriteLine($"before: {string.Join(" ", data)}");
            qsort(data, (nuint)data.Length, sizeof(int), (a, b) =>
            {
                comparisons++;
                return Marshal.ReadInt32(b).CompareTo(Marshal.ReadInt32(a)); // descending
            });
            o.WriteLine($"after:  {string.Join(" ", data)} (descending, {comparisons} calls from C into C#)");
        });
        Section(output, "9. zlib", "compress and uncompress real text with out-length pointers; crc32 over the bytes.", zlib, o =>
        {
            using var z = NativeModule.Open(zlib);
            var text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(
                "The quick brown fox jumps over the lazy dog; a C library called from .NET without a C compiler. ", 20)));
            var bound = (ulong)z.Invoke("compressBound", (ulong)text.Length)!;
            var compressed = new byte[bound];
            var length = new ulong[] { bound };
            Check((int)z.Invoke("compress2", compressed, length, text, (ulong)text.Length, 9)!, "compress2");
            var restored = new byte[text.Length];
            var restoredLength = new ulong[] { (ulong)restored.Length };
            Check((int)z.Invoke("uncompress", restored, restoredLength, compressed, length[0])!, "uncompress");
            o.WriteLine($"zlib {z.Invoke("zlibVersion")}: {text.Length} bytes -> {length[0]} bytes (ratio {Invariant($"{(double)length[0] / text.Length:P1}")}), " +
                $"round trip {(restored.AsSpan().SequenceEqual(text) ? "identical" : "DIFFERENT")}");
            o.WriteLine($"crc32 = 0x{(ulong)z.Invoke("crc32", 0UL, text, (uint)text.Length)!:x8}");
        });
        Section(output, "10. sqlite3", "an in-memory database: create, insert, and a query whose rows come back through a row callback.", sqlite, o =>
        {
            using var s = NativeModule.Open(sqlite);
            var handle = new nint[1];
            Check((int)s.Invoke("sqlite3_open", ":memory:", handle)!, "sqlite3_open");
            var db = NativePointer.FromAddress(handle[0], s.Types["sqlite3"], "sqlite3");
            try
            {
                Check((int)s.Invoke("sqlite3_exec", db, """
                    CREATE TABLE language(name TEXT, year INTEGER);
                    INSERT INTO language VALUES ('C', 1972), ('C#', 2000), ('Go', 2009), ('Rust', 2015), ('Zig', 2016);
                    """, null, null, null)!, "sqlite3_exec");
                o.WriteLine($"sqlite {s.Invoke("sqlite3_libversion")}: SELECT name, year FROM language WHERE year > 1990 ORDER BY year");
                Check((int)s.Invoke("sqlite3_exec", db, "SELECT name, year FROM language WHERE year > 1990 ORDER BY year",
                    (Func<nint, int, nint, nint, int>)((context, columns, values, names) =>
                    {
                        o.WriteLine($"  row: {Marshal.PtrToStringUTF8(Marshal.ReadIntPtr(values, 0))} ({Marshal.PtrToStringUTF8(Marshal.ReadIntPtr(values, 8))})");
                        return 0;
                    }), null, null)!, "sqlite3_exec");
            }
            finally
            {
                s.Invoke("sqlite3_close", db);
            }
        });
        Section(output, "11. The memory toolbox", "typed boxes, fields by name and path, bitfields and their raw bits, bounds checks.", toolbox, o =>
        {
            using var t = NativeModule.Open(toolbox);
            var mem = t.Memory;
            var header = mem.Box("ipv4_header", new { version = 4, ihl = 5, ttl = 64, protocol = 6, total_length = 40 });
            o.WriteLine($"ipv4_header: version = {mem.Get(header, "version")}, ihl = {mem.Get(header, "ihl")}, ttl = {mem.Get(header, "ttl")}, " +
                $"first byte = 0x{mem.ReadBits(header, 0, 0, 8):x2} (ihl in the low nibble, as gcc packs it)");
            var segment = mem.Box("segment", new { from = new { x = 1.0, y = 2.0 }, to = new { x = 4.0, y = 6.0 } });
            mem.Set(segment, "to.y", 10.0);
            o.WriteLine(Invariant($"segment: from ({mem.Get(segment, "from.x")}, {mem.Get(segment, "from.y")}) to ({mem.Get(segment, "to.x")}, {mem.Get(segment, "to.y")}), {mem.SizeOf("segment")} bytes"));
            try
            {
                mem.Get(segment, "to.z");
            }
            catch (FfiException e)
            {
                o.WriteLine($"a wrong field is an error, not a crash: {e.GetType().Name}: {e.Message}");
            }
        });

        output.WriteLine();
        output.WriteLine("Next: ffi inspect SPEC.json (layouts), ffi call SPEC.json FUNCTION ARGS (calls from the shell), ffi --help.");
        return s_failed ? Cli.CallFailed : Cli.Ok;
    }

    /// <summary>Loads one of the specs embedded in the program (<c>Ffi.Demo/Specs/*.json</c>).</summary>
    public static FfiSpec LoadEmbedded(string fileName) => FfiSpec.Parse(EmbeddedJson(fileName));

    private static string EmbeddedJson(string fileName)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Ffi.Demo.Specs." + fileName)
            ?? throw new InvalidOperationException($"embedded spec {fileName} is missing from the build");
        return new StreamReader(stream).ReadToEnd();
    }

    // An embedded spec with its library renamed (only tests rename).
    private static FfiSpec Load(string fileName, Func<string, string> library)
    {
        var json = EmbeddedJson(fileName);
        var spec = FfiSpec.Parse(json);
        var renamed = library(spec.Lib);
        return renamed == spec.Lib ? spec
            : FfiSpec.Parse(json.Replace($"\"lib\": \"{spec.Lib}\"", $"\"lib\": \"{renamed}\"", StringComparison.Ordinal));
    }

    private static void Section(TextWriter output, string title, string what, FfiSpec? needs, Action<TextWriter> body)
    {
        output.WriteLine();
        output.WriteLine($"== {title} ==");
        output.WriteLine(what);
        try
        {
            body(output);
        }
        catch (FfiBindException e) when (needs is not null && e.Symbol is null)
        {
            output.WriteLine($"(skipped: {needs.Lib} is not installed here — {e.Message})");
        }
        catch (Exception e)
        {
            // A tour never stops half-way: say what failed and go on.
            output.WriteLine($"(this section failed: {e.GetType().Name}: {e.Message})");
            s_failed = true;
        }
    }

    [ThreadStatic] private static bool s_failed;

    private static void Check(int status, string function)
    {
        if (status != 0) throw new InvalidOperationException($"{function} returned {status}");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
