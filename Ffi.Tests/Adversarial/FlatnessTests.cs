using System.Text;
using Ffi.Values;

namespace Ffi.Tests.Adversarial;

/// <summary>
/// Memory stays flat over 1,000,000 calls of each API that takes no aggregate (the struct-result paths have their
/// own suite): typed, FfiValue and object calls with strings, variadic calls, transient and registered callbacks, and
/// modules opened and disposed in a loop. Each loop runs once to warm up, then again while the process's resident
/// memory and the module's live block count are compared. Child processes, so that one process's heap is measured.
/// </summary>
[TestFixture]
public sealed class FlatnessTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(300 * Soak.Factor);

    // Growth allowed over a loop after the warm-up: the GC's heap may settle a little higher; a leak of one block
    // (or a few bytes) per call over a million calls is well above it.
    private const long AllowedGrowth = 24L << 20;

    private static long Rss()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        throw new InvalidOperationException("no VmRSS in /proc/self/status");
    }

    private static void Flat(string what, NativeModule module, int calls, Action<int> call)
    {
        for (int i = 0; i < calls; i++) call(i); // warm-up: caches, pools and the GC heap reach their size
        long before = Rss();
        int blocks = module.Memory.LiveBlockCount;
        for (int i = 0; i < calls; i++) call(i);
        long grown = Rss() - before;
        Assert.That(module.Memory.LiveBlockCount, Is.EqualTo(blocks), $"{what}: the module's live blocks");
        Assert.That(grown, Is.LessThan(AllowedGrowth), $"{what}: resident memory grew by {grown >> 10} KiB over {calls} calls");
    }

    private const string Libc = """
        size_t strlen(const char *s);
        int snprintf(char *buf, size_t n, const char *fmt, ...);
        int abs(int x);
        """;

    [Test]
    public void DowncallsOfEveryApiStayFlat() => Isolated.Run(() =>
    {
        using var libc = NativeModule.Open("libc.so.6", Libc);
        int n = Soak.Scale(1_000_000);
        var abs = libc.GetFunction<Func<int, int>>("abs");
        var strlenTyped = libc.GetFunction<Func<string, nuint>>("strlen");
        var strlen = libc.Function("strlen");
        var text = "flat as a pancake";
        Flat("typed abs", libc, n, i => abs(-i));
        Flat("typed strlen(string)", libc, n, _ => strlenTyped(text));
        Flat("FfiValue strlen(string)", libc, n, _ => strlen.Invoke([text]));
        Flat("object strlen(string)", libc, n, _ => strlen.Invoke(text));
        Flat("module.Invoke abs", libc, n, i => libc.Invoke("abs", -i));
        var buffer = libc.Memory.Malloc(64);
        var snprintf = libc.Function("snprintf");
        Flat("variadic snprintf", libc, Soak.Scale(200_000), i => snprintf.Invoke([buffer, 64, "%d %.1f %s", i, 2.5, text]));
        libc.Memory.Free(buffer);
        var long_ = new string('x', 1000); // longer than the stack arena: native scratch, freed per call
        Flat("FfiValue strlen(long string)", libc, Soak.Scale(200_000), _ => strlen.Invoke([long_]));
    }, Bound);

    [Test]
    public void CallbacksStayFlat() => Isolated.Run(() =>
    {
        var lib = DisposeFixture.Build();
        using var module = DisposeFixture.Open(lib);
        int n = Soak.Scale(300_000);
        var callTyped = module.GetFunction<Func<Func<int, int>, int, int>>("call_cb");
        Func<int, int> twice = x => x * 2;
        Flat("typed transient callback", module, n, i => callTyped(twice, i));
        var call = module.Function("call_cb");
        FfiCallbackHandler handler = a => (int)a[0]! + 1;
        Flat("dynamic transient callback", module, n, i => call.Invoke([FfiValue.FromObject(handler), i]));
        using var registered = module.Callbacks.Register("int_fn", twice);
        var callPointer = module.GetFunction<Func<nint, int, int>>("call_cb");
        Flat("registered callback", module, n, i => callPointer(registered.Address, i));
        Flat("register and release", module, Soak.Scale(100_000), _ => module.Callbacks.Register("int_fn", twice).Dispose());
    }, Bound);

    [Test]
    public void OpeningAndDisposingModulesStaysFlat() => Isolated.Run(() =>
    {
        var lib = DisposeFixture.Build();
        using var keeper = DisposeFixture.Open(lib); // Flat reads this module's block count (none are made)
        Flat("open, call every API, dispose", keeper, Soak.Scale(300), _ =>
        {
            var m = DisposeFixture.Open(lib);
            m.GetFunction<Func<int, int, int>>("add")(1, 2);
            m.Function("add").Invoke([1, 2]);
            m.Invoke("add", 1, 2);
            m.GetFunction<Func<Func<int, int>, int, int>>("call_cb")(x => x, 1);
            m.Memory.Box("struct pair", new { a = 1L, b = 2L });
            m.Dispose();
        });
    }, Bound);
}
