using System.Diagnostics;
using System.Globalization;
using System.Text;
using Ffi.Spec;
using Ffi.Values;

namespace Ffi.Benchmarks;

/// <summary>
/// The cold-start benchmark (a stopwatch benchmark: what it measures happens once per process, so BenchmarkDotNet's
/// steady state does not apply): a library of <c>N</c> functions <c>int f_i(int, int)</c> compiled by gcc, its spec
/// parsed and opened, and each function called once, in a fresh process per API, as a user's program would.
/// <c>dotnet run -c Release --project Ffi.Benchmarks -- cold [N] [RUNS]</c> prints the medians of RUNS processes.
/// </summary>
public static class ColdStart
{
    private static readonly string[] Apis = ["typed", "values", "objects", "invoke"];

    /// <summary>Builds the library, runs each API in fresh processes and prints the medians.</summary>
    public static int Run(string[] args)
    {
        int n = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
        int runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        var dir = Directory.CreateTempSubdirectory("ffi-cold-").FullName;
        var (lib, spec) = Build(dir, n);
        Console.WriteLine($"cold start: {n} functions int f_i(int, int), median of {runs} fresh processes each");
        Console.WriteLine("| API | parse + open (ms) | first calls (µs per function) | process start → last first call (ms) |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var api in Apis)
        {
            var samples = Enumerable.Range(0, runs).Select(_ => Measure(api, spec, n)).ToList();
            double Median(Func<double[], double> pick) => samples.Select(pick).OrderBy(x => x).ElementAt(samples.Count / 2);
            Console.WriteLine($"| {api} | {Median(s => s[0]):F1} | {Median(s => s[1]) * 1000 / n:F1} | {Median(s => s[2]):F0} |");
        }
        Directory.Delete(dir, recursive: true);
        return 0;
    }

    /// <summary>In the child: opens the spec, calls every function once through <paramref name="api"/>, prints the times.</summary>
    public static int Child(string api, string specPath, int n)
    {
        var clock = Stopwatch.StartNew();
        var spec = FfiSpec.Load(specPath);
        using var module = NativeModule.Open(spec);
        double open = clock.Elapsed.TotalMilliseconds;
        long sum = 0;
        for (int i = 0; i < n; i++)
        {
            var name = "f_" + i.ToString(CultureInfo.InvariantCulture);
            sum += api switch
            {
                "typed" => module.GetFunction<Func<int, int, int>>(name)(i, 1),
                "values" => module.Function(name).Invoke([i, 1]).ToInt64(),
                "objects" => (int)module.Function(name).Invoke(i, 1)!,
                _ => (int)module.Invoke(name, i, 1)!,
            };
        }
        double calls = clock.Elapsed.TotalMilliseconds - open;
        double sinceStart = (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds;
        long expected = 0;
        for (int i = 0; i < n; i++) expected += 2L * i + 1;
        if (sum != expected) throw new InvalidOperationException($"wrong results: {sum} != {expected}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{open} {calls} {sinceStart}"));
        return 0;
    }

    private static double[] Measure(string api, string spec, int n)
    {
        var self = Environment.ProcessPath!;
        var dll = typeof(ColdStart).Assembly.Location;
        var psi = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") psi.ArgumentList.Add(dll);
        foreach (var a in new[] { "cold-child", api, spec, n.ToString(CultureInfo.InvariantCulture) }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"cold-child {api} failed ({p.ExitCode}): {error}");
        return output.Trim().Split(' ').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
    }

    private static (string Lib, string Spec) Build(string dir, int n)
    {
        var c = new StringBuilder();
        var functions = new StringBuilder();
        for (int i = 0; i < n; i++)
        {
            c.Append(CultureInfo.InvariantCulture, $"int f_{i}(int a, int b) {{ return a + b + {i}; }}\n");
            if (i > 0) functions.Append(",\n");
            functions.Append(CultureInfo.InvariantCulture, $"    {{ \"name\": \"f_{i}\", \"ret\": \"int\", \"params\": [\"int\", \"int\"] }}");
        }
        var source = Path.Combine(dir, "cold.c");
        var lib = Path.Combine(dir, "libcold.so");
        File.WriteAllText(source, c.ToString());
        using (var gcc = Process.Start("gcc", ["-O1", "-shared", "-fPIC", "-o", lib, source]))
        {
            gcc.WaitForExit();
            if (gcc.ExitCode != 0) throw new InvalidOperationException("gcc failed");
        }
        var spec = Path.Combine(dir, "cold.json");
        File.WriteAllText(spec, $"{{ \"version\": \"1\", \"lib\": \"{lib}\", \"functions\": [\n{functions}\n] }}\n");
        return (lib, spec);
    }
}
