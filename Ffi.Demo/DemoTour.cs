using System.Reflection;
using Ffi.Demo.Inspect;
using Ffi.Spec;

namespace Ffi.Demo;

/// <summary>The guided tour <c>ffi</c> runs with no arguments, on specs embedded in the program.</summary>
public static class DemoTour
{
    /// <summary>Runs the tour.</summary>
    /// <returns>The exit code (0).</returns>
    public static int Run(TextWriter output)
    {
        output.WriteLine("Ffi — exact C layouts (System V x86-64, as gcc computes them) from a JSON spec.");
        output.WriteLine("Offsets are in bytes; byte:bit marks a position inside a byte; holes and tail padding are shown.");
        Section(output, "libc <time.h> and <stdlib.h>", LoadEmbedded("libc.json"), "tm", "timespec", "div_t", "ldiv_t");
        Section(output, "zlib <zlib.h>", LoadEmbedded("zlib.json"), "z_stream");
        output.WriteLine();
        output.WriteLine("Try it on your own spec: dotnet run --project Ffi.Demo -- inspect SPEC.json [--json]");
        return Cli.Ok;
    }

    /// <summary>Loads one of the specs embedded in the program (<c>Ffi.Demo/Specs/*.json</c>).</summary>
    public static FfiSpec LoadEmbedded(string fileName)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Ffi.Demo.Specs." + fileName)
            ?? throw new InvalidOperationException($"embedded spec {fileName} is missing from the build");
        using var ms = new MemoryStream();
        stream.CopyTo(ms);
        return FfiSpec.Parse(ms.ToArray());
    }

    private static void Section(TextWriter output, string title, FfiSpec spec, params string[] types)
    {
        output.WriteLine();
        output.WriteLine($"== {title} ({spec.Lib}) ==");
        foreach (var name in types)
        {
            output.WriteLine();
            LayoutTable.Write(name, spec.Types[name], spec.Types.IsAlias(name), output);
        }
    }
}
