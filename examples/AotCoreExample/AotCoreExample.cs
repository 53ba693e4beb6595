using System.Globalization;
using Ffi.Memory;
using Ffi.Spec;
using Ffi.Types;

namespace Ffi.Examples;

/// <summary>
/// What an app compiled with NativeAOT or the trimmer can use of the engine without generating code: Ffi.Core. It
/// loads examples/libc.json and the C declarations of reading.h, prints the System V layout of their structs in the
/// gcc oracle's line format (<c>S name size align</c>, <c>O name.member bitoffset</c>, <c>B name.member firstbit width</c>),
/// and round-trips values through engine memory with anonymous objects, a named type and a dictionary.
/// </summary>
public static class AotCoreExample
{
    /// <summary>A <c>div_t</c> as a named type: <see cref="FfiMemory.Box{T}(string, T)"/> keeps its fields under trimming.</summary>
    public sealed class DivParts
    {
        /// <summary>The quotient.</summary>
        public int quot;

        /// <summary>The remainder.</summary>
        public int rem;
    }

    /// <summary>Runs the example with the files the build copies next to the program.</summary>
    /// <returns>0 when every round trip read back what it wrote, 1 otherwise.</returns>
    public static int Main() => Run(Console.Out, AppContext.BaseDirectory);

    /// <summary>Runs every step, writing what happens to <paramref name="output"/>.</summary>
    /// <param name="output">Where the report goes.</param>
    /// <param name="directory">The folder holding libc.json and reading.h.</param>
    /// <returns>0 when every round trip read back what it wrote, 1 otherwise.</returns>
    public static int Run(TextWriter output, string directory)
    {
        ArgumentNullException.ThrowIfNull(output);
        var libc = FfiSpec.Load(Path.Combine(directory, "libc.json"));
        var readings = FfiSpec.ParseC(File.ReadAllText(Path.Combine(directory, "reading.h")), libc.Lib, "reading.h");
        output.WriteLine($"spec libc.json: lib {libc.Lib}, {libc.Functions.Count} functions");
        foreach (var name in new[] { "tm", "div_t", "ldiv_t" }) PrintLayout(output, name, libc.Types[name]);
        PrintLayout(output, "reading", readings.Types["reading"]);

        int failures = 0;
        using (var mem = new FfiMemory(libc.Types, libc.Lib))
        {
            // C# picks Box<T> for an anonymous object: T's properties are kept by the trimmer.
            var a = mem.Box("div_t", new { quot = 7, rem = 1 });
            failures += Check(output, "box div_t, anonymous object", mem, a, (7, 1));
            var b = mem.Box<DivParts>("div_t", new DivParts { quot = -3, rem = 2 });
            failures += Check(output, "box div_t, Box<DivParts>", mem, b, (-3, 2));
            mem.Set(a, "", new { quot = 40, rem = 2 });
            failures += Check(output, "set div_t, anonymous object", mem, a, (40, 2));
        }
        using (var mem = new FfiMemory(readings.Types, readings.Lib))
        {
            var r = mem.Box("reading", new { station = 83, celsius = 21.5, samples = new short[] { 4, -5, 6 }, flags = 5, level = 17, unit = 67 });
            string Read(string path) => F(mem.Get(r, path));
            var read = $"station {Read("station")}, celsius {Read("celsius")}, samples {Read("samples[0]")} {Read("samples[1]")} {Read("samples[2]")}, " +
                $"flags {Read("flags")}, level {Read("level")}, unit {Read("unit")}";
            output.WriteLine($"box reading, anonymous object: {read}");
            if (read != "station 83, celsius 21.5, samples 4 -5 6, flags 5, level 17, unit 67") failures++;

            var d = mem.Box("reading", new { where = new Dictionary<string, object?> { ["lat"] = 1.5f, ["lon"] = -2.25f } });
            output.WriteLine($"box reading, nested dictionary: where.lat {F(mem.Get(d, "where.lat"))}, where.lon {F(mem.Get(d, "where.lon"))}");
            if ((float)mem.Get(d, "where.lat")! != 1.5f || (float)mem.Get(d, "where.lon")! != -2.25f) failures++;

            // A nested anonymous object is read by reflection over its own type, whose properties nothing keeps: with
            // the JIT it is read; trimmed, its members are gone and it is refused, never read as zeros.
            try
            {
                var n = mem.Box("reading", new { where = new { lat = 1.5f, lon = -2.25f } });
                output.WriteLine($"box reading, nested anonymous object: where.lat {F(mem.Get(n, "where.lat"))}, where.lon {F(mem.Get(n, "where.lon"))}");
                if ((float)mem.Get(n, "where.lat")! != 1.5f) failures++;
            }
            catch (FfiArgumentException e)
            {
                output.WriteLine($"box reading, nested anonymous object: refused: {e.Message}");
            }
        }
        output.WriteLine(failures == 0 ? "all steps passed" : $"{failures} step(s) failed");
        return failures == 0 ? 0 : 1;
    }

    // The gcc oracle's lines for one struct: its size and alignment, then every named member's bit offset (bitfields
    // with their width). Offsets are in bits, as the oracle measures them.
    private static void PrintLayout(TextWriter output, string name, CType type)
    {
        output.WriteLine($"S {name} {type.Size} {type.Align}");
        foreach (var f in ((StructType)type).Fields.Where(f => !f.IsUnnamed))
            output.WriteLine(f.BitWidth is int width ? $"B {name}.{f.Name} {f.BitOffset} {width}" : $"O {name}.{f.Name} {f.BitOffset}");
    }

    private static int Check(TextWriter output, string step, FfiMemory mem, NativePointer p, (int Quot, int Rem) expected)
    {
        var (quot, rem) = ((int)mem.Get(p, "quot")!, (int)mem.Get(p, "rem")!);
        output.WriteLine($"{step}: quot {quot}, rem {rem}");
        return (quot, rem) == expected ? 0 : 1;
    }

    private static string F(object? value) => Convert.ToString(value, CultureInfo.InvariantCulture)!;
}
