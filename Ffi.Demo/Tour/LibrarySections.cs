using System.Runtime.InteropServices;
using System.Text;
using Ffi.Memory;
using Ffi.Spec;
using static Ffi.Demo.Tour.TourContext;

namespace Ffi.Demo.Tour;

/// <summary>
/// Sections 8 to 11 of the tour: a callback, zlib, sqlite3 and the memory toolbox. As in <see cref="CallSections"/>,
/// each lambda is the C# the tour shows, with its parameter named <c>Console</c>.
/// </summary>
internal static class LibrarySections
{
    public static void Run(TourContext tour)
    {
        FfiSpec libc = tour.Libc, zlib = tour.Zlib, sqlite = tour.Sqlite, toolbox = tour.Toolbox;
        tour.Section("8. A callback", "qsort sorts managed data with a managed comparator through a generated trampoline.",
            libc, ["libc.json: cmp_fn", "libc.json: qsort"], Console =>
        {
            using var c = NativeModule.Open(libc);
            var qsort = c.GetFunction<Action<int[], nuint, nuint, Func<nint, nint, int>>>("qsort");
            int[] data = [42, 7, 19, 3, 88, 51, 23, 64];
            int comparisons = 0;
            Console.WriteLine($"before: {string.Join(" ", data)}");
            qsort(data, (nuint)data.Length, sizeof(int), (a, b) =>
            {
                comparisons++;
                return Marshal.ReadInt32(b).CompareTo(Marshal.ReadInt32(a)); // descending
            });
            Console.WriteLine($"after:  {string.Join(" ", data)} (descending, {comparisons} calls from C into C#)");
        });
        tour.Section("9. zlib", "compress and uncompress real text with out-length pointers; crc32 over the bytes.",
            zlib, ["zlib.json: compressBound", "zlib.json: compress2", "zlib.json: uncompress", "zlib.json: crc32"], Console =>
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
            Console.WriteLine($"zlib {z.Invoke("zlibVersion")}: {text.Length} bytes -> {length[0]} bytes (ratio {Invariant($"{(double)length[0] / text.Length:P1}")}), " +
                $"round trip {(restored.AsSpan().SequenceEqual(text) ? "identical" : "DIFFERENT")}");
            Console.WriteLine($"crc32 = 0x{(ulong)z.Invoke("crc32", 0UL, text, (uint)text.Length)!:x8}");
        });
        tour.Section("10. sqlite3", "an in-memory database: create, insert, and a query whose rows come back through a row callback.",
            sqlite, ["sqlite3.json: exec_callback", "sqlite3.json: sqlite3_open", "sqlite3.json: sqlite3_exec"], Console =>
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
                Console.WriteLine($"sqlite {s.Invoke("sqlite3_libversion")}: SELECT name, year FROM language WHERE year > 1990 ORDER BY year");
                Check((int)s.Invoke("sqlite3_exec", db, "SELECT name, year FROM language WHERE year > 1990 ORDER BY year",
                    (Func<nint, int, nint, nint, int>)((context, columns, values, names) =>
                    {
                        Console.WriteLine($"  row: {Marshal.PtrToStringUTF8(Marshal.ReadIntPtr(values, 0))} ({Marshal.PtrToStringUTF8(Marshal.ReadIntPtr(values, 8))})");
                        return 0;
                    }), null, null)!, "sqlite3_exec");
            }
            finally
            {
                s.Invoke("sqlite3_close", db);
            }
        });
        tour.Section("11. The memory toolbox", "typed boxes, fields by name and path, bitfields and their raw bits, bounds checks.",
            toolbox, ["toolbox.json: ipv4_header", "toolbox.json: segment"], Console =>
        {
            using var t = NativeModule.Open(toolbox);
            var mem = t.Memory;
            var header = mem.Box("ipv4_header", new { version = 4, ihl = 5, ttl = 64, protocol = 6, total_length = 40 });
            Console.WriteLine($"ipv4_header: version = {mem.Get(header, "version")}, ihl = {mem.Get(header, "ihl")}, ttl = {mem.Get(header, "ttl")}, " +
                $"first byte = 0x{mem.ReadBits(header, 0, 0, 8):x2} (ihl in the low nibble, as gcc packs it)");
            var segment = mem.Box("segment", new { from = new { x = 1.0, y = 2.0 }, to = new { x = 4.0, y = 6.0 } });
            mem.Set(segment, "to.y", 10.0);
            Console.WriteLine(Invariant($"segment: from ({mem.Get(segment, "from.x")}, {mem.Get(segment, "from.y")}) to ({mem.Get(segment, "to.x")}, {mem.Get(segment, "to.y")}), {mem.SizeOf("segment")} bytes"));
            try
            {
                mem.Get(segment, "to.z");
            }
            catch (FfiException e)
            {
                Console.WriteLine($"a wrong field is an error, not a crash: {e.GetType().Name}: {e.Message}");
            }
        });
    }
}
