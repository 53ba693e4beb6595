using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Ffi.Benchmarks;

/// <summary>
/// Entry point: BenchmarkDotNet's switcher, so every BenchmarkDotNet option works (<c>--filter</c>,
/// <c>--list flat</c>, <c>--anyCategories</c>, <c>--job</c>, …), plus <c>--quick</c>: one launch, three warm-up
/// and three measured iterations (BenchmarkDotNet's ShortRun) in this process, for a whole run on a small, noisy machine;
/// <c>cold [N] [RUNS]</c>, the cold-start stopwatch benchmark (<see cref="ColdStart"/>, which publishes and starts
/// <see cref="ColdStartChild"/>); <c>aot-cold [N] [RUNS]</c>, the same library through compiled bindings in a NativeAOT
/// app (<see cref="AotColdStart"/>); and <c>gcstorm [T] [N] [G]</c>,
/// callbacks from C threads under a garbage-collection storm (<see cref="GcStorm"/>).
/// </summary>
public static class Program
{
    /// <summary>Runs the benchmarks the arguments select.</summary>
    public static int Main(string[] args)
    {
        if (args is ["cold", .. var cold]) return ColdStart.Run(cold);
        if (args is ["aot-cold", .. var aot]) return AotColdStart.Run(aot);
        if (args is ["gcstorm", .. var storm]) return GcStorm.Run(storm);
        bool quick = args.Contains("--quick", StringComparer.OrdinalIgnoreCase);
        args = args.Where(a => !a.Equals("--quick", StringComparison.OrdinalIgnoreCase)).ToArray();

        // Out of process, BenchmarkDotNet builds a project of its own that rebuilds this one and everything it
        // references with its own output paths: Ffi.Core, Ffi.Emit and the ffi tool that compiles the bindings
        // (Ffi.Compile, Ffi.Demo). On two busy cores that took longer than its default limit of two minutes.
        IConfig config = ManualConfig.Create(DefaultConfig.Instance).WithBuildTimeout(TimeSpan.FromMinutes(10));
        // In-process: no per-benchmark build and launch, which on this machine took longer than the measuring.
        if (quick) config = config.AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithId("Quick"));

        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
        // Non-zero when a benchmark failed (e.g. its GlobalSetup found a path returning a wrong value).
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}
