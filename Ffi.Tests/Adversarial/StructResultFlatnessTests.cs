using Ffi.Tests.Oracle;
using System.Globalization;
using Ffi.Callbacks;
using Ffi.Memory;
using Ffi.Spec;
using Ffi.Tests.Native;
using Ffi.Values;

namespace Ffi.Tests.Adversarial;

/// <summary>
/// Memory stays flat over 1,000,000 dynamic calls returning a struct (and a dynamic callback receiving a struct
/// 1,000,000 times), with nothing freed explicitly. Each dynamic result used to be module storage until the module was
/// disposed: the module's live block count grew by one per call and RSS by 190–320 MB per million calls.
/// </summary>
/// <remarks>
/// Each case runs in a child process (its RSS is its own). The module's live block count must not move at all. RSS
/// may move a little: the managed heap's gen0 budget and the runtime's own caches are not ours to pin down, so the
/// bound is <see cref="RssBoundMb"/> MB after a warm-up of a tenth of the calls and a full collection at both ends —
/// an order of magnitude under what the leak cost (a leak of one 16-byte native block per call is ≥ 32 MB per million
/// calls with malloc's overhead, ≥ 1.6 GB under the soak's factor of 50). The counts scale with <c>FFI_SOAK</c>.
/// </remarks>
[TestFixture]
public sealed class StructResultFlatnessTests
{
    private const int RssBoundMb = 20;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90 * Soak.Factor);
    private static int Calls => Soak.Scale(1_000_000);

    // Swaps of a pair that starts as { 1, 2 }: the warm-up's tenth and the measured calls.
    private static bool SwappedBack => (Calls + Calls / 10) % 2 == 0;

    private const string Source = """
        typedef struct { long a; long b; } pair;          /* 16 bytes: rax:rdx */
        typedef struct { int v[10]; } big;                /* 40 bytes: through the hidden pointer */
        pair pair_swap(pair p) { pair r = { p.b, p.a }; return r; }
        big big_make(int start) { big r; for (int i = 0; i < 10; i++) r.v[i] = start + i; return r; }
        typedef long (*pair_fn)(pair);
        long repeat_pair(pair_fn f, long n) { long s = 0; for (long i = 0; i < n; i++) { pair p = { i, 1 }; s += f(p); } return s; }
        """;

    private static NativeModule Open()
    {
        var lib = Gcc.Compile(Source, "flat", "-shared -fPIC");
        return NativeModule.Open(FfiSpec.Parse($$$"""
            { "version": "1", "lib": "{{{lib}}}",
              "types": {
                "pair": { "kind": "struct", "fields": [ {"name":"a","type":"long"}, {"name":"b","type":"long"} ] },
                "big": { "kind": "struct", "fields": [ {"name":"v","type":{"kind":"array","of":"int","len":10}} ] },
                "pair_fn": { "kind": "funcptr", "ret": "long", "params": ["pair"] }
              },
              "functions": [
                { "name": "pair_swap", "ret": "pair", "params": ["pair"] },
                { "name": "big_make", "ret": "big", "params": ["int"] },
                { "name": "repeat_pair", "ret": "long", "params": ["pair_fn", "long"] }
              ] }
            """));
    }

    [Test]
    public void FfiValueCallsReturningStructsStayFlat() => Isolated.Run(() =>
    {
        using var m = Open();
        var swap = m.Function("pair_swap");
        var make = m.Function("big_make");
        var args = new FfiValue[] { m.Memory.Box("pair", new { a = 1L, b = 2L }) };
        var start = new FfiValue[] { 0 };
        Flat(m, "Invoke(ReadOnlySpan<FfiValue>) of pair_swap (inline result fed back) and big_make", Calls, _ =>
        {
            args[0] = swap.Invoke(args.AsSpan());
            make.Invoke(start.AsSpan());
        });
        Assert.That(m.Memory.Get(args[0], "a"), Is.EqualTo(SwappedBack ? 1L : 2L));
    }, Bound);

    [Test]
    public void ObjectCallsReturningStructsStayFlat() => Isolated.Run(() =>
    {
        using var m = Open();
        var swap = m.Function("pair_swap");
        var make = m.Function("big_make");
        var args = new object?[] { m.Memory.Box("pair", new { a = 1L, b = 2L }) };
        var start = new object?[] { 0 };
        Flat(m, "Invoke(object?[]) of pair_swap (StructValue fed back) and big_make", Calls, _ =>
        {
            args[0] = swap.Invoke(args);
            make.Invoke(start);
        });
        Assert.That(((StructValue)args[0]!)["a"], Is.EqualTo(SwappedBack ? 1L : 2L));
    }, Bound);

    [Test]
    public void ModuleInvokeReturningStructsStaysFlat() => Isolated.Run(() =>
    {
        using var m = Open();
        object? pair = m.Memory.Box("pair", new { a = 1L, b = 2L });
        Flat(m, "module.Invoke(\"pair_swap\", …)", Calls, _ => pair = m.Invoke("pair_swap", pair));
        Assert.That(((StructValue)pair!)["b"], Is.EqualTo(SwappedBack ? 2L : 1L));
    }, Bound);

    [Test]
    public void InvokeIntoTheCallersStorageStaysFlat() => Isolated.Run(() =>
    {
        using var m = Open();
        var make = m.Function("big_make");
        var big = m.Memory.New("big");
        var start = new FfiValue[] { 0 };
        Flat(m, "InvokeInto(big_make)", Calls, _ => make.InvokeInto(start.AsSpan(), big));
        Assert.That(m.Memory.Get(big, "v[9]"), Is.EqualTo(9));
    }, Bound);

    [Test]
    public void ADynamicCallbackReceivingAStructStaysFlat() => Isolated.Run(() =>
    {
        using var m = Open();
        bool managed = true;
        FfiCallbackHandler handler = a =>
        {
            var p = (StructValue)a[0]!;
            managed &= !p.InStorage;
            return (long)p["a"]! + (long)p["b"]!;
        };
        int n = Calls / 10; // per downcall: the callback runs n times inside C
        Flat(m, "a dynamic callback receiving a struct", 10, _ =>
            Assert.That(m.Invoke("repeat_pair", handler, (long)n), Is.EqualTo((long)n * (n - 1) / 2 + n)));
        Assert.That(managed, Is.True, "the callback receives managed copies");
    }, Bound);

    // Runs `body` `calls` times after a warm-up of a tenth of them, and asserts that the module's live block count did
    // not move and that RSS grew by less than the bound.
    private static void Flat(NativeModule m, string what, int calls, Action<int> body)
    {
        for (int i = 0; i < Math.Max(1, calls / 10); i++) body(i);
        Collect();
        int blocks = m.Memory.LiveBlockCount;
        long rss = RssBytes();
        for (int i = 0; i < calls; i++) body(i);
        Collect();
        long grown = RssBytes() - rss;
        Assert.That(m.Memory.LiveBlockCount, Is.EqualTo(blocks), $"{what}: module blocks");
        Assert.That(grown, Is.LessThan(RssBoundMb << 20), $"{what}: RSS grew by {grown / 1024.0 / 1024.0:F1} MB over {calls} calls");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what}: RSS {grown / 1024.0 / 1024.0:+0.0;-0.0} MB over {calls} calls, {blocks} module blocks"));
    }

    private static void Collect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    // VmRSS from /proc/self/status, in bytes.
    private static long RssBytes()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }
}
