using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Ffi.Benchmarks;

/// <summary>
/// Callbacks from many C threads while managed threads force garbage collections (a stopwatch benchmark: the storm is
/// the point, so BenchmarkDotNet's steady state does not apply). C starts <c>T</c> threads that each call a function
/// pointer <c>N</c> times; meanwhile <c>G</c> managed threads run <c>GC.Collect()</c> in a loop. The same run is
/// timed for a plain C function pointer (no managed code), a hand-written static <c>[UnmanagedCallersOnly]</c>
/// method, the engine's typed trampoline and its dynamic trampoline, without and with the storm.
/// <c>dotnet run -c Release --project Ffi.Benchmarks -- gcstorm [T] [N] [G]</c>.
/// </summary>
public static unsafe class GcStorm
{
    private const string Source = """
        #include <pthread.h>
        typedef int (*int_fn)(int);
        struct job { int_fn f; int n; long sum; };
        static void *worker(void *p) {
            struct job *j = p; long s = 0;
            for (int i = 0; i < j->n; i++) s += j->f(i);
            j->sum = s; return 0;
        }
        long storm(int_fn f, int threads, int n) {
            pthread_t t[64]; struct job j[64]; long s = 0;
            if (threads > 64) threads = 64;
            for (int i = 0; i < threads; i++) { j[i].f = f; j[i].n = n; pthread_create(&t[i], 0, worker, &j[i]); }
            for (int i = 0; i < threads; i++) { pthread_join(t[i], 0); s += j[i].sum; }
            return s;
        }
        int plain(int x) { return x + 1; }
        int_fn plain_ptr(void) { return plain; }
        """;

    private const string Declarations = """
        typedef int (*int_fn)(int);
        long storm(int_fn f, int threads, int n);
        int_fn plain_ptr(void);
        """;

    [UnmanagedCallersOnly]
    private static int Increment(int x) => x + 1;

    /// <summary>Builds the library, times every variant without and with the storm, prints a table.</summary>
    public static int Run(string[] args)
    {
        int threads = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 16;
        int calls = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20_000;
        int collectors = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 2;
        var dir = Directory.CreateTempSubdirectory("ffi-gcstorm-").FullName;
        var lib = Path.Combine(dir, "libstorm.so");
        var c = Path.Combine(dir, "storm.c");
        File.WriteAllText(c, Source);
        using (var gcc = Process.Start("gcc", ["-O1", "-shared", "-fPIC", "-pthread", "-o", lib, c]))
        {
            gcc.WaitForExit();
            if (gcc.ExitCode != 0) throw new InvalidOperationException("gcc failed");
        }
        using var module = NativeModule.Open(lib, Declarations);
        var storm = module.GetFunction<Func<nint, int, int, long>>("storm");
        var plain = module.GetFunction<Func<nint>>("plain_ptr")();
        using var typed = module.Callbacks.Register("int_fn", (Func<int, int>)(x => x + 1));
        using var dynamic = module.Callbacks.Register("int_fn", (FfiCallbackHandler)(a => (int)a[0]! + 1));
        var variants = new (string Name, nint Pointer)[]
        {
            ("plain C function pointer", plain),
            ("static [UnmanagedCallersOnly]", (nint)(delegate* unmanaged<int, int>)&Increment),
            ("engine typed trampoline", typed.Address),
            ("engine dynamic trampoline", dynamic.Address),
        };
        long expected = (long)threads * ((long)calls * (calls + 1) / 2);
        Console.WriteLine($"GC storm: {threads} C threads x {calls} callbacks, {collectors} managed threads in a GC.Collect loop; wall time in ms (median of 3)");
        Console.WriteLine("| callback | quiet (ms) | under the storm (ms) | storm GCs |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var (name, pointer) in variants)
        {
            double quiet = Median(() => Time(storm, pointer, threads, calls, expected, collectors: 0).Ms);
            var stormy = Enumerable.Range(0, 3).Select(_ => Time(storm, pointer, threads, calls, expected, collectors)).OrderBy(r => r.Ms).ToList();
            Console.WriteLine($"| {name} | {quiet:F1} | {stormy[1].Ms:F1} | {stormy[1].Gcs} |");
        }
        Directory.Delete(dir, recursive: true);
        return 0;
    }

    private static double Median(Func<double> f) => Enumerable.Range(0, 3).Select(_ => f()).OrderBy(x => x).ElementAt(1);

    private static (double Ms, int Gcs) Time(Func<nint, int, int, long> storm, nint pointer, int threads, int calls, long expected, int collectors)
    {
        using var stop = new CancellationTokenSource();
        int gc0 = GC.CollectionCount(2);
        var workers = Enumerable.Range(0, collectors).Select(_ => new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                GC.KeepAlive(new byte[1024]);
                GC.Collect();
            }
        })).ToList();
        workers.ForEach(t => t.Start());
        var clock = Stopwatch.StartNew();
        long sum = storm(pointer, threads, calls);
        double ms = clock.Elapsed.TotalMilliseconds;
        stop.Cancel();
        workers.ForEach(t => t.Join());
        if (sum != expected) throw new InvalidOperationException($"storm returned {sum}, expected {expected}");
        return (ms, GC.CollectionCount(2) - gc0);
    }
}
