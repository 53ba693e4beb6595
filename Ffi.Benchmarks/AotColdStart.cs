using System.Diagnostics;
using System.Globalization;

namespace Ffi.Benchmarks;

/// <summary>
/// The NativeAOT start-up benchmark (a stopwatch benchmark, like <see cref="ColdStart"/>): the same library of
/// <c>N</c> functions <c>int f_i(int, int)</c>, its spec compiled into bindings at build time, and a NativeAOT app that
/// calls each function once, in a fresh process per measurement. Issue 12's target: process start to the 1,000th call
/// returned within 20 ms. <c>dotnet run -c Release --project Ffi.Benchmarks -- aot-cold [N] [RUNS]</c> publishes the app
/// of <see cref="AotColdStartSource"/> once (with the ffi tool this benchmark was built with: run it in Release) and
/// prints the medians of RUNS processes for the compiled bindings, for <c>[LibraryImport]</c> declarations of the same
/// functions, and for a process that calls nothing.
/// </summary>
public static class AotColdStart
{
    private static readonly string[] Modes = ["hello", "compiled", "libraryimport"];

    /// <summary>Builds the library, publishes the app, runs each mode in fresh processes and prints the medians.</summary>
    public static int Run(string[] args)
    {
        int n = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
        if (n < 2) throw new ArgumentException("aot-cold N: N must be at least 2 (the first call is shown apart from the others)");
        int runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 11;
        var dir = Directory.CreateTempSubdirectory("bench-aot-cold-").FullName;
        try
        {
            var spec = ColdStart.Build(dir, n);
            var app = Publish(dir, spec, n);
            Console.WriteLine($"NativeAOT start-up: {n} functions int f_i(int, int), each called once; median of {runs} fresh processes per row; load average {ColdStart.LoadAverage()}");
            Console.WriteLine("| calls through | start → Main (ms) | start → last call returned (ms) | Main → last call (ms) | the first call (µs) | each other first call (µs) | main thread's CPU, start → last call (ms) |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
            Measure(app, "hello", n);   // a first start, not counted: the executable's pages come into the page cache
            foreach (var mode in Modes)
            {
                var samples = Enumerable.Range(0, runs).Select(_ => Measure(app, mode, n)).ToList();
                double Median(Func<double[], double> pick) => samples.Select(pick).OrderBy(x => x).ElementAt(samples.Count / 2);
                var name = mode switch { "hello" => "nothing (the floor)", "compiled" => "compiled bindings", _ => "`[LibraryImport]`" };
                Console.WriteLine(mode == "hello"
                    ? $"| {name} | {Median(s => s[0]):F1} | | | | | {Median(s => s[4]):F1} |"
                    : $"| {name} | {Median(s => s[0]):F1} | **{Median(s => s[1]):F1}** | {Median(s => s[2]):F2} | {Median(s => s[3]) * 1000:F0} | " +
                      $"{Median(s => (s[2] - s[3]) * 1000 / (n - 1)):F2} | {Median(s => s[4]):F1} |");
            }
            Console.WriteLine($"load average after: {ColdStart.LoadAverage()}");
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    // One process: [start → Main, start → last call, Main → last call, the first call, main thread's CPU] in ms.
    private static double[] Measure(string app, string mode, int n)
    {
        var psi = new ProcessStartInfo(app) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(mode);
        long started = DateTime.UtcNow.Ticks;
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"aot-cold {mode} ({n} functions) failed ({p.ExitCode}): {error}");
        var v = output.Trim().Split(' ').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        return [(v[0] - started) / TimeSpan.TicksPerMillisecond, (v[1] - started) / TimeSpan.TicksPerMillisecond, v[2], v[3], v[4]];
    }

    // The app: a project next to the spec, published for linux-x64 with NativeAOT; its FfiBinding compiles the spec.
    private static string Publish(string dir, string spec, int n)
    {
        var repo = ColdStart.RepositoryRoot();
        // The ffi tool built with this benchmark (Ffi.Benchmarks references Ffi.Demo), in the benchmark's configuration.
        var configuration = typeof(AotColdStart).Assembly.Location.Contains("/bin/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
        var tool = Path.Combine(repo, "Ffi.Demo", "bin", configuration, "net10.0", "ffi.dll");
        if (!File.Exists(tool)) throw new InvalidOperationException($"the ffi tool is not built at {tool}: build Ffi.Benchmarks in {configuration} first");
        var project = Path.Combine(dir, "app");
        Directory.CreateDirectory(project);
        File.WriteAllText(Path.Combine(project, "AotCold.csproj"), AotColdStartSource.Project(repo, tool, spec));
        File.WriteAllText(Path.Combine(project, "Program.cs"), AotColdStartSource.Program(Path.Combine(dir, "libcold.so"), n));
        var output = Path.Combine(dir, "publish");
        Console.Error.WriteLine($"publishing the NativeAOT app ({n} functions) to {output}");
        using var publish = Process.Start(new ProcessStartInfo("dotnet",
            ["publish", project, "-c", "Release", "-r", "linux-x64", "-o", output, "-nologo", "--disable-build-servers"])
            { RedirectStandardOutput = true, UseShellExecute = false })!;
        var log = publish.StandardOutput.ReadToEnd();
        publish.WaitForExit();
        if (publish.ExitCode != 0) throw new InvalidOperationException($"dotnet publish failed:\n{log}");
        if (log.Contains("warning IL", StringComparison.Ordinal)) Console.Error.WriteLine($"the publish reported trim or AOT warnings:\n{log}");
        return Path.Combine(output, "aot-cold");
    }
}
