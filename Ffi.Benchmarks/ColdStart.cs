using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Ffi.Benchmarks;

/// <summary>
/// The cold-start benchmark (a stopwatch benchmark: what it measures happens once per process, so BenchmarkDotNet's
/// steady state does not apply): a library of <c>N</c> functions <c>int f_i(int, int)</c> compiled by gcc, its spec
/// parsed and opened, and each function called once, in a fresh process per API, as a user's program would.
/// <c>dotnet run -c Release --project Ffi.Benchmarks -- cold [N] [RUNS]</c> publishes <see cref="ColdStartChild"/> as a
/// small console app three times — IL only (everything of ours compiled by the JIT: <c>-p:FfiReadyToRun=false</c>), as
/// shipped (the engine's assemblies precompiled by its Release build, the app's code JIT-compiled: what
/// <c>dotnet run</c> of an app using the packages gets) and ReadyToRun (the app published with
/// <c>-p:PublishReadyToRun=true</c> too) — and prints the medians of RUNS processes per API and mode, with a
/// "hello world" process as the floor.
/// </summary>
public static class ColdStart
{
    private static readonly string[] Apis = ["typed", "values", "objects", "invoke"];

    /// <summary>Builds the library and the child, runs each API in fresh processes and prints the medians.</summary>
    public static int Run(string[] args)
    {
        int n = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
        int runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        var dir = Directory.CreateTempSubdirectory("ffi-cold-").FullName;
        var spec = Build(dir, n);
        var modes = new[]
        {
            ("IL only", Publish(dir, "il", appReadyToRun: false, engineReadyToRun: false)),
            ("as shipped", Publish(dir, "shipped", appReadyToRun: false, engineReadyToRun: true)),
            ("app ReadyToRun", Publish(dir, "r2r", appReadyToRun: true, engineReadyToRun: true)),
        };
        Console.WriteLine($"cold start: {n} functions int f_i(int, int), median of {runs} fresh processes each; load average {LoadAverage()}");
        Console.WriteLine("| API | code | parse + open (ms) | first calls (µs per function) | start → Main (ms) | start → last first call (ms) | main thread's CPU, Main → last call (ms) | methods JIT-compiled: load / open / calls |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---|");
        foreach (var (mode, child) in modes)
        {
            foreach (var api in new[] { "hello" }.Concat(Apis))
            {
                var samples = Enumerable.Range(0, runs).Select(_ => Measure(child, api, spec, n)).ToList();
                double Median(Func<double[], double> pick) => samples.Select(pick).OrderBy(x => x).ElementAt(samples.Count / 2);
                if (api == "hello")
                {
                    Console.WriteLine($"| hello world (the floor) | {mode} | | | {Median(s => s[0]):F0} | | | |");
                    continue;
                }
                Console.WriteLine($"| {api} | {mode} | {Median(s => s[2]):F1} | {Median(s => s[3]) * 1000 / n:F1} | {Median(s => s[0]):F0} | {Median(s => s[1]):F0} | {Median(s => s[7]):F1} | " +
                    $"{Median(s => s[4]):F0} / {Median(s => s[5]):F0} / {Median(s => s[6]):F0} |");
            }
        }
        Console.WriteLine($"load average after: {LoadAverage()}");
        Directory.Delete(dir, recursive: true);
        return 0;
    }

    // One process: [start → Main, start → last first call, load + open, calls (ms), JIT-compiled methods ×3, CPU (ms)].
    private static double[] Measure(string child, string api, string spec, int n)
    {
        var psi = new ProcessStartInfo(child) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { api, spec, n.ToString(CultureInfo.InvariantCulture) }) psi.ArgumentList.Add(a);
        long started = DateTime.UtcNow.Ticks;
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"cold child {api} failed ({p.ExitCode}): {error}");
        var v = output.Trim().Split(' ').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        return [(v[0] - started) / TimeSpan.TicksPerMillisecond, (v[1] - started) / TimeSpan.TicksPerMillisecond, v[2], v[3], v[4], v[5], v[6], v[7]];
    }

    // The child app: ColdStartChild.cs compiled against the repository's Ffi.Core and Ffi.Emit, published for linux-x64.
    private static string Publish(string dir, string name, bool appReadyToRun, bool engineReadyToRun)
    {
        var repo = RepositoryRoot();
        var project = Path.Combine(dir, "child");
        Directory.CreateDirectory(project);
        File.WriteAllText(Path.Combine(project, "ColdChild.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <AssemblyName>cold-child</AssemblyName>
              </PropertyGroup>
              <ItemGroup>
                <ProjectReference Include="{repo}/Ffi.Core/Ffi.Core.csproj" />
                <ProjectReference Include="{repo}/Ffi.Emit/Ffi.Emit.csproj" />
                <Compile Include="{repo}/Ffi.Benchmarks/ColdStartChild.cs" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(project, "Program.cs"), "return Ffi.Benchmarks.ColdStartChild.Run(args);\n");
        var output = Path.Combine(dir, name);
        Console.Error.WriteLine($"publishing the child ({name}) to {output}");
        using var publish = Process.Start(new ProcessStartInfo("dotnet",
            ["publish", project, "-c", "Release", "-r", "linux-x64", "--self-contained", "false", "-o", output, "-v", "quiet", "-nologo",
             $"-p:PublishReadyToRun={(appReadyToRun ? "true" : "false")}", $"-p:FfiReadyToRun={(engineReadyToRun ? "true" : "false")}"])
            { RedirectStandardOutput = true, UseShellExecute = false })!;
        var log = publish.StandardOutput.ReadToEnd();
        publish.WaitForExit();
        if (publish.ExitCode != 0) throw new InvalidOperationException($"dotnet publish failed:\n{log}");
        return Path.Combine(output, "cold-child");
    }

    /// <summary>The checkout this benchmark was built from: the folder above its assembly that holds <c>Ffi.sln</c>.</summary>
    internal static string RepositoryRoot()
    {
        var repo = Path.GetDirectoryName(typeof(ColdStart).Assembly.Location);
        while (repo is not null && !File.Exists(Path.Combine(repo, "Ffi.sln"))) repo = Path.GetDirectoryName(repo);
        return repo ?? throw new InvalidOperationException("cannot find the repository (Ffi.sln) above the benchmark");
    }

    /// <summary>The first three fields of <c>/proc/loadavg</c>.</summary>
    internal static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    /// <summary>
    /// Writes <c>cold.c</c> (<c>int f_i(int a, int b) { return a + b + i; }</c> for i &lt; <paramref name="n"/>), compiles
    /// it with gcc into <c>libcold.so</c> and writes its spec <c>cold.json</c> (the library by its absolute path).
    /// </summary>
    /// <returns>The spec's path.</returns>
    internal static string Build(string dir, int n)
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
        return spec;
    }
}
