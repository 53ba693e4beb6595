using System.Reflection;
using Ffi.Demo.Tour;
using Ffi.Spec;

namespace Ffi.Demo;

/// <summary>
/// The guided tour <c>ffi</c> runs with no arguments: real calls into libc, libm, zlib and sqlite3, on specs embedded
/// in the program (<c>Ffi.Demo/Specs/*.json</c>). Each section says in one line what it demonstrates, shows the spec
/// declarations and the C# it runs, then what that C# printed. A section whose library is missing says so, and the
/// rest runs.
/// </summary>
public static class DemoTour
{
    /// <summary>Runs the tour.</summary>
    /// <returns>The exit code: 0, or 1 when a section failed (a missing library is not a failure: its section is skipped).</returns>
    public static int Run(TextWriter output) => Run(output, static lib => lib);

    /// <summary>Runs the tour with the specs' libraries renamed by <paramref name="library"/> (a test removes one this way).</summary>
    internal static int Run(TextWriter output, Func<string, string> library)
    {
        output.WriteLine("Ffi — C libraries from a JSON spec: exact layouts, calls, callbacks and memory, without a C compiler.");
        output.WriteLine("Every value below was computed by the real library, called through the engine. Each section shows the");
        output.WriteLine("spec declarations and the C# behind its output; in the C#, libc, libm, zlib, sqlite and toolbox are the");
        output.WriteLine("specs of Ffi.Demo/Specs/ (FfiSpec.Load(\"libc.json\") in a program of your own).");

        var tour = new TourContext(output, library);
        CallSections.Run(tour);
        LibrarySections.Run(tour);

        var ffi = Command();
        output.WriteLine();
        output.WriteLine("Next, from the shell:");
        (string Command, string What)[] next =
        [
            ($"{ffi} inspect {SpecPath("zlib.json")}", "layouts, holes and padding"),
            ($"{ffi} call {SpecPath("libc.json")} div 17 5", "a call, JSON in and out"),
            ($"{ffi} --help", "every command"),
        ];
        int width = next.Max(n => n.Command.Length) + 4;
        foreach (var (command, what) in next) output.WriteLine($"  {command.PadRight(width)}{what}");
        return tour.Failed ? Cli.CallFailed : Cli.Ok;
    }

    /// <summary>Loads one of the specs embedded in the program (<c>Ffi.Demo/Specs/*.json</c>).</summary>
    public static FfiSpec LoadEmbedded(string fileName) => FfiSpec.Parse(EmbeddedJson(fileName));

    /// <summary>The text of an embedded spec.</summary>
    internal static string EmbeddedJson(string fileName)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Ffi.Demo.Specs." + fileName)
            ?? throw new InvalidOperationException($"embedded spec {fileName} is missing from the build");
        return new StreamReader(stream).ReadToEnd();
    }

    // In a checkout of the repository (where the README's commands run): dotnet run --project Ffi.Demo --.
    // Elsewhere: the program as it was started — the ffi tool's command, or dotnet with ffi.dll.
    internal static string Command()
    {
        if (InCheckout) return "dotnet run --project Ffi.Demo --";
        var assembly = typeof(DemoTour).Assembly.Location;
        var self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == Path.GetFileNameWithoutExtension(assembly))
            return Path.GetDirectoryName(self) is { } dir && (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Contains(dir)
                ? "ffi" : self;
        return $"dotnet {assembly}";
    }

    private static bool InCheckout => File.Exists(Path.Combine("Ffi.Demo", "Ffi.Demo.csproj")) && Directory.Exists("examples");

    // The examples' specs in a checkout; elsewhere a placeholder the user replaces with a spec of theirs.
    private static string SpecPath(string example) => InCheckout ? $"examples/{example}" : "SPEC.json";
}
