using Ffi.Memory;
using Ffi.Spec;

namespace Ffi.Tests.Downcalls;

/// <summary>Stubs are generated once even when many threads make the first call at the same moment.</summary>
[TestFixture]
public sealed class ConcurrencyTests
{
    private const string Libc = """
        { "version": "1", "lib": "libc.so.6",
          "types": { "div_t": { "kind": "struct", "fields": [ {"name":"quot","type":"int"}, {"name":"rem","type":"int"} ] } },
          "functions": [
            { "name": "strlen", "ret": "size_t", "params": ["string"] },
            { "name": "labs", "ret": "long", "params": ["long"] },
            { "name": "div", "ret": "div_t", "params": ["int", "int"] },
            { "name": "snprintf", "ret": "int", "params": ["pointer", "size_t", "string"], "variadic": true } ] }
        """;

    [Test]
    public void EightThreadsRaceTheFirstCallsAndKeepCalling()
    {
        using var m = NativeModule.Open(FfiSpec.Parse(Libc));
        const int threads = 8, calls = 5_000;
        using var start = new Barrier(threads);
        var errors = new System.Collections.Concurrent.ConcurrentBag<string>();
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait(); // every thread makes its first calls at the same moment
            var buf = m.Memory.Malloc(64);
            for (int i = 0; i < calls; i++)
            {
                long n = t * 1_000_000L + i;
                if (!Equals(m.Invoke("labs", -n), n)) errors.Add($"labs {n}");
                var s = new string('x', i % 40);
                if (!Equals(m.Invoke("strlen", s), (ulong)s.Length)) errors.Add($"strlen {i}");
                var d = (StructValue)m.Invoke("div", i + 7, 3)!;
                if (!Equals(d["rem"], (i + 7) % 3)) errors.Add($"div {i}");
                m.Memory.Free(d.Pointer);
                if (i % 50 == 0)
                {
                    m.Invoke("snprintf", buf, 64UL, "%d:%.1f", new object?[] { i, t + 0.5 });
                    if (m.Memory.String(buf) != $"{i}:{t}.5") errors.Add($"snprintf {i}");
                }
            }
            m.Memory.Free(buf);
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        Assert.That(errors, Is.Empty);
        Assert.That(m.Memory.LiveBlockCount, Is.Zero);
    }

    [Test]
    public void StackImageTypesRacedBySixteenThreadsAreDefinedOnceAndNeverPoisoned()
    {
        // Regression: a GetOrAdd factory ran twice for one size, the second DefineType failed with "Duplicate type
        // name within an assembly", and functions of that shape kept failing.
        const int threads = 16;
        var sizes = Enumerable.Range(0, 150).Select(i => 4096L + 8 * i).ToArray();
        using var start = new Barrier(threads);
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<long, System.Collections.Concurrent.ConcurrentBag<Type>>();
        var errors = new System.Collections.Concurrent.ConcurrentBag<string>();
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            var order = sizes.OrderBy(x => (x * 7919 + t * 104729) % 1009).ToArray();
            start.SignalAndWait();
            foreach (var size in order)
            {
                try
                {
                    seen.GetOrAdd(size, _ => []).Add(Ffi.Il.Carriers.StackImage(size));
                }
                catch (Exception ex)
                {
                    errors.Add($"{size}: {ex.GetType().Name}: {ex.Message}");
                }
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        Assert.That(errors, Is.Empty);
        Assert.That(seen.Values.Select(bag => bag.Distinct().Count()), Is.All.EqualTo(1));
        Assert.That(seen.Keys.Select(k => System.Runtime.InteropServices.Marshal.SizeOf(Ffi.Il.Carriers.StackImage(k)) == k), Is.All.True);
    }
}
