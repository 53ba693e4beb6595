using System.Globalization;
using System.Runtime;
using Ffi.Spec;
using Ffi.Values;

namespace Ffi.Benchmarks;

/// <summary>
/// The program <see cref="ColdStart"/> publishes and starts once per measurement: what a user's application does
/// when it binds a large API. It is compiled into a small console app of its own (not run inside the benchmark
/// process, whose BenchmarkDotNet references would load at start), published as IL for the JIT or ReadyToRun.
/// </summary>
public static class ColdStartChild
{
    /// <summary>
    /// <c>API SPEC N</c>: loads and opens the spec, calls <c>f_0</c>…<c>f_{N-1}</c> once each through API (typed,
    /// values, objects, invoke) and prints one line: the time at <c>Main</c> and after the last call (UTC ticks, which
    /// the parent subtracts from the moment it started the process), the milliseconds of load + open and of the calls,
    /// and the methods the JIT compiled in each phase. API <c>hello</c> does nothing but print the times: the floor any
    /// .NET program pays. Last on the line: the CPU time this thread ran from <c>Main</c> to the last call, which a
    /// loaded machine stretches far less than the wall clock.
    /// </summary>
    public static int Run(string[] args)
    {
        long main = DateTime.UtcNow.Ticks;
        string api = args[0];
        if (api == "hello")
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{main} {main} 0 0 0 0 0 0"));
            return 0;
        }
        double cpuAtMain = ThreadCpuMilliseconds();
        long startTimestamp = System.Diagnostics.Stopwatch.GetTimestamp();
        long jitAtMain = JitInfo.GetCompiledMethodCount();
        int n = int.Parse(args[2], CultureInfo.InvariantCulture);

        var spec = FfiSpec.Load(args[1]);
        long jitLoaded = JitInfo.GetCompiledMethodCount();
        using var module = NativeModule.Open(spec);
        long jitOpened = JitInfo.GetCompiledMethodCount();
        double open = System.Diagnostics.Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds;
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
        long last = DateTime.UtcNow.Ticks;
        double cpu = ThreadCpuMilliseconds() - cpuAtMain;
        double calls = System.Diagnostics.Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds - open;
        long jitCalled = JitInfo.GetCompiledMethodCount();
        long expected = 0;
        for (int i = 0; i < n; i++) expected += 2L * i + 1;
        if (sum != expected) throw new InvalidOperationException($"wrong results: {sum} != {expected}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{main} {last} {open} {calls} {jitLoaded - jitAtMain} {jitOpened - jitLoaded} {jitCalled - jitOpened} {cpu}"));
        return 0;
    }

    // The first field of /proc/thread-self/schedstat: nanoseconds this thread has run on a CPU.
    private static double ThreadCpuMilliseconds() =>
        long.Parse(File.ReadAllText("/proc/thread-self/schedstat").Split(' ')[0], CultureInfo.InvariantCulture) / 1e6;
}
