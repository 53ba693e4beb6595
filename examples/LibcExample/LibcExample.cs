using System.Globalization;
using System.Runtime.InteropServices;
using Ffi.Memory;
using Ffi.Spec;
using Ffi.Values;

namespace Ffi.Examples;

/// <summary>
/// The C library through examples/libc.json: qsort and bsearch over an array of C# structs with managed
/// comparators, the time functions with a <c>struct tm</c> in engine memory, strtol with errno, and the dynamic API.
/// </summary>
public static unsafe class LibcExample
{
    /// <summary>A weather reading, laid out as <c>struct { int station; double celsius; }</c>: 16 bytes.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct Reading(int Station, double Celsius);

    // cmp_fn, int (*)(const void *, const void *), seen from C#: the trampoline hands C's pointers over as they are.
    private delegate int ReadingOrder(Reading* a, Reading* b);

    // void qsort(void *base, size_t nmemb, size_t size, cmp_fn compar): the array is pinned for the call.
    private delegate void SortReadings(Reading[] items, nuint count, nuint size, ReadingOrder compare);

    // void *bsearch(const void *key, const void *base, size_t nmemb, size_t size, cmp_fn compar), with a registered comparator.
    private delegate Reading* FindReading(Reading* key, Reading* items, nuint count, nuint size, NativePointer compare);

    /// <summary>Runs the example with examples/libc.json, copied next to the program.</summary>
    /// <returns>0 when every step gave the expected result, 1 otherwise.</returns>
    public static int Main() => Run(Console.Out, Path.Combine(AppContext.BaseDirectory, "libc.json"));

    /// <summary>Runs every step of the example, writing what happens to <paramref name="output"/>.</summary>
    /// <param name="output">Where the report goes.</param>
    /// <param name="specPath">The path of examples/libc.json.</param>
    /// <returns>0 when every step gave the expected result, 1 otherwise.</returns>
    public static int Run(TextWriter output, string specPath)
    {
        ArgumentNullException.ThrowIfNull(output);
        using var libc = NativeModule.Open(FfiSpec.Load(specPath));
        Say(output, $"libc example: {libc.Library}, {libc.Functions.Count} functions");
        bool ok = SortAndSearch(libc, output);
        ok &= FormatTimes(libc, output);
        ok &= ParseIntegers(libc, output);
        ok &= CallDynamically(libc, output);
        Say(output, $"{(ok ? "all steps passed" : "SOME STEPS FAILED")}");
        return ok ? 0 : 1;
    }

    private static bool SortAndSearch(NativeModule libc, TextWriter output)
    {
        Say(output, $"");
        Say(output, $"1. qsort and bsearch over C# structs, with managed comparators");
        Reading[] readings = [new(1, 18.5), new(2, 21.5), new(3, -3.0), new(4, -12.5), new(5, 30.25), new(6, 9.75), new(7, 14.0), new(8, 25.0)];

        // A transient callback: the lambda is a C function pointer for the duration of this one qsort call.
        var qsort = libc.GetFunction<SortReadings>("qsort");
        int comparisons = 0;
        qsort(readings, (nuint)readings.Length, (nuint)sizeof(Reading), (a, b) =>
        {
            comparisons++;
            return a->Celsius.CompareTo(b->Celsius);
        });
        Say(output, $"   qsort: {readings.Length} readings of {sizeof(Reading)} bytes, {comparisons} calls of the managed comparator");
        Say(output, $"   sorted: {string.Join(", ", readings.Select(r => r.Celsius.ToString(CultureInfo.InvariantCulture)))}");
        bool ok = readings.Select(r => r.Celsius).SequenceEqual(readings.Select(r => r.Celsius).Order());

        // A registered callback: one function pointer, valid until disposed, for many bsearch calls.
        using var byCelsius = libc.Callbacks.Register("cmp_fn", (ReadingOrder)((a, b) => a->Celsius.CompareTo(b->Celsius)));
        var bsearch = libc.GetFunction<FindReading>("bsearch");
        fixed (Reading* items = readings)
        {
            foreach (double celsius in new[] { 21.5, -12.5, 99.0 })
            {
                var key = new Reading(0, celsius);
                Reading* hit = bsearch(&key, items, (nuint)readings.Length, (nuint)sizeof(Reading), byCelsius);
                if (hit == null)
                {
                    Say(output, $"   bsearch {celsius}: not found (NULL)");
                    ok &= celsius == 99.0;
                }
                else
                {
                    Say(output, $"   bsearch {celsius}: index {hit - items}, station {hit->Station}");
                    ok &= hit->Celsius == celsius;
                }
            }
        }
        return ok;
    }

    private static bool FormatTimes(NativeModule libc, TextWriter output)
    {
        Say(output, $"");
        Say(output, $"2. time, gmtime_r and strftime, with a struct tm in engine memory");
        var time = libc.GetFunction<Func<nint, long>>("time");
        var gmtime = libc.GetFunction<Func<NativePointer, NativePointer, NativePointer>>("gmtime_r");
        var strftime = libc.GetFunction<Func<NativePointer, nuint, string, NativePointer, nuint>>("strftime");
        var mem = libc.Memory;
        Say(output, $"   struct tm: {mem.SizeOf("tm")} bytes, tm_gmtoff at offset {mem.OffsetOf("tm", "tm_gmtoff")}");

        // Released together when the arena is disposed.
        using var arena = mem.CreateArena();
        var seconds = arena.New("time_t");
        var tm = arena.Box("tm");
        var text = arena.Malloc(64);
        bool ok = true;
        foreach (long t in new[] { time(0), 1_000_000_000 })
        {
            mem.Set(seconds, "", t);
            var result = gmtime(seconds, tm);
            nuint length = strftime(text, 64, "%Y-%m-%d %H:%M:%S %Z, a %A", tm);
            int dayOfYear = (int)mem.Get(tm, "tm_yday")! + 1;
            Say(output, $"   {t,10} is {mem.String(text)} (day {dayOfYear} of the year)");
            ok &= result == tm && length > 0;
        }
        return ok;
    }

    private static bool ParseIntegers(NativeModule libc, TextWriter output)
    {
        Say(output, $"");
        Say(output, $"3. strtol: where parsing stopped (char **endptr), and errno on overflow");
        var strtol = libc.GetFunction<Func<NativePointer, NativePointer, int, long>>("strtol");
        var strerror = libc.GetFunction<Func<int, string>>("strerror");
        var mem = libc.Memory;
        using var arena = mem.CreateArena();
        var end = arena.New("pointer");
        bool ok = true;
        foreach (var (number, expected, expectedErrno) in new[] { ("12345 apples", 12345L, 0), ("-0x7fff", -0x7fffL, 0), ("99999999999999999999", long.MaxValue, 34 /* ERANGE */) })
        {
            // C keeps a pointer into the text (*endptr): the text lives in engine memory, not in a copy made for the call.
            var text = arena.Malloc(number.Length + 1);
            mem.Copy(text, number, number.Length + 1);
            // strtol sets errno only when it fails: clear it first, as C code must. "errno": true in the spec
            // captures it right after the call, before the runtime can touch it.
            mem.Errno = 0;
            long value = strtol(text, end, 0);
            int errno = NativeModule.LastErrno;
            long used = ((NativePointer)mem.Get(end)!).Address - text.Address;
            string rest = mem.String(text.Offset(used, null));
            string error = errno == 0 ? "errno 0" : $"errno {errno} ({strerror(errno)})";
            Say(output, $"   strtol(\"{number}\", &end, 0) = {value}, {used} chars used, rest \"{rest}\", {error}");
            ok &= value == expected && errno == expectedErrno;
        }
        return ok;
    }

    private static bool CallDynamically(NativeModule libc, TextWriter output)
    {
        Say(output, $"");
        Say(output, $"4. The dynamic API: structs by value, variadics, the C environment");
        var d = (StructValue)libc.Invoke("div", 17, 5)!;
        Say(output, $"   div(17, 5) = {{ quot = {d["quot"]}, rem = {d["rem"]} }}");

        // FfiValue arguments and results: no allocation.
        long magnitude = libc.Function("labs").Invoke([-1L << 40]).ToInt64();
        Say(output, $"   labs(-2^40) = {magnitude}");

        var buffer = libc.Memory.Malloc(64);
        var written = libc.Invoke("snprintf", buffer, 64UL, "%s has %d functions, pi ~ %.5f", new object?[] { libc.Library, libc.Functions.Count, Math.PI });
        Say(output, $"   snprintf wrote {written} bytes: \"{libc.Memory.String(buffer)}\"");
        libc.Memory.Free(buffer);

        // .NET keeps its own copy of the environment on Unix: set the C one through libc.
        libc.Invoke("setenv", "FFI_EXAMPLE_GREETING", "hello from C", 1);
        var greeting = (string?)libc.Invoke("getenv", "FFI_EXAMPLE_GREETING");
        Say(output, $"   getenv(\"FFI_EXAMPLE_GREETING\") = \"{greeting}\"");
        return (int)d["quot"]! == 3 && (int)d["rem"]! == 2 && magnitude == 1L << 40 && greeting == "hello from C";
    }

    private static void Say(TextWriter output, FormattableString line) => output.WriteLine(FormattableString.Invariant(line));
}
