using System.Collections.Concurrent;
using System.Text;
using Ffi.Values;

namespace Ffi.Tests.Adversarial;

/// <summary>
/// Concurrency of first use (issue: "first calls from 8–16 threads to 200 distinct functions: Duplicate type name
/// within an assembly, and afterwards 2 of 50 functions keep failing"): sixteen threads make the first calls of 200
/// functions of distinct shapes (by-value structs of 200 sizes, passed in stack images) through every API, each in
/// its own order, at the same moment. Every call returns its right value, and afterwards every function still works:
/// no cache keeps a failure. In a child process.
/// </summary>
[TestFixture]
public sealed class FirstUseRaceTests
{
    private const int Functions = 200;

    private static int Bytes(int i) => 24 + 8 * i;

    private static (string Source, string Declarations) Library()
    {
        var c = new StringBuilder();
        var d = new StringBuilder();
        for (int i = 0; i < Functions; i++)
        {
            var s = $"struct s{i} {{ unsigned char b[{Bytes(i)}]; }};\n";
            c.Append(s).Append($"long f{i}(struct s{i} s, int k) {{ long t = k; for (unsigned j = 0; j < sizeof s.b; j++) t += s.b[j]; return t; }}\n")
             .Append($"int g{i}(int a, int b) {{ return a + b + {i}; }}\n");
            d.Append(s).Append($"long f{i}(struct s{i} s, int k);\nint g{i}(int a, int b);\n");
        }
        return (c.ToString(), d.ToString());
    }

    [Test]
    public void SixteenThreadsRaceTheFirstCallsOf200Shapes() => Isolated.Run(() =>
    {
        var (source, declarations) = Library();
        var lib = Oracle.Gcc.Compile(source, "first_use", "-shared -fPIC");
        for (int round = 0; round < Soak.Scale(1); round++)
        {
            using var m = NativeModule.Open(lib, declarations);
            var boxes = Enumerable.Range(0, Functions).Select(i =>
            {
                var p = m.Memory.Box($"struct s{i}");
                m.Memory.Fill(p, 1, Bytes(i));
                return p;
            }).ToArray();
            const int threads = 16;
            using var start = new Barrier(threads);
            var errors = new ConcurrentBag<string>();
            var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
            {
                var order = Enumerable.Range(0, Functions).OrderBy(i => (i * 7919 + t * 104729) % 1009).ToArray();
                start.SignalAndWait();
                foreach (var i in order)
                {
                    try
                    {
                        long expected = Bytes(i) + t;
                        long got = (t % 3) switch
                        {
                            0 => m.Function($"f{i}").Invoke([FfiValue.FromPointer(boxes[i]), t]).ToInt64(),
                            1 => (long)m.Invoke($"f{i}", boxes[i], t)!,
                            _ => (long)m.Function($"f{i}").Invoke(boxes[i], t)!,
                        };
                        if (got != expected) errors.Add($"f{i} on thread {t}: {got}, not {expected}");
                        int g = m.GetFunction<Func<int, int, int>>($"g{i}")(t, 1);
                        if (g != t + 1 + i) errors.Add($"g{i} on thread {t}: {g}");
                    }
                    catch (Exception e)
                    {
                        errors.Add($"f{i}/g{i} on thread {t}: {e.GetType().Name}: {e.Message}");
                    }
                }
            })).ToList();
            workers.ForEach(w => w.Start());
            workers.ForEach(w => w.Join());
            Assert.That(errors, Is.Empty);
            for (int i = 0; i < Functions; i++) // nothing poisoned: each still works on its own
                Assert.That(m.Invoke($"f{i}", boxes[i], 0), Is.EqualTo((long)Bytes(i)), $"f{i} after the race");
        }
    }, TimeSpan.FromSeconds(240 * Soak.Factor));
}
