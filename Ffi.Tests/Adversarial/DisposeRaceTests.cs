using Ffi.Values;

namespace Ffi.Tests.Adversarial;

/// <summary>
/// Dispose against calls in flight (issue: "Dispose racing calls → SIGSEGV"): a call that started finishes with its
/// right result while another thread disposes the module and the garbage collector runs; calls that start afterwards
/// throw <see cref="ObjectDisposedException"/>. Each case runs in a child process: a crash fails that case only.
/// </summary>
[TestFixture]
public sealed class DisposeRaceTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60 * Soak.Factor);

    // Disposes while `call` sleeps inside C, collecting garbage meanwhile (finalizers must not unload the library).
    // `bind` gives a call taking the milliseconds C sleeps; a first quick call makes its code before the race.
    private static void DisposeDuringSlowCall(Func<NativeModule, Func<int, int>> bind)
    {
        var lib = DisposeFixture.Build();
        var module = DisposeFixture.Open(lib);
        var call = bind(module);
        Assert.That(call(0), Is.EqualTo(42));
        var inFlight = Task.Run(() => call(400));
        Thread.Sleep(100);
        module.Dispose();
        for (int i = 0; i < 4; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            Thread.Sleep(25);
        }
        Assert.That(inFlight.Result, Is.EqualTo(42), "the call that started before Dispose finishes with its result");
        Assert.Throws<ObjectDisposedException>(() => call(0));
    }

    [Test]
    public void ATypedCallInFlightFinishesAfterDispose() => Isolated.Run(() =>
        DisposeDuringSlowCall(m =>
        {
            var f = m.GetFunction<Func<int, int, int>>("slow_add");
            return ms => f(ms, 41);
        }), Bound);

    [Test]
    public void AnFfiValueCallInFlightFinishesAfterDispose() => Isolated.Run(() =>
        DisposeDuringSlowCall(m =>
        {
            var f = m.Function("slow_add");
            return ms => (int)f.Invoke([ms, 41]).ToInt64();
        }), Bound);

    [Test]
    public void AnObjectCallInFlightFinishesAfterDispose() => Isolated.Run(() =>
        DisposeDuringSlowCall(m => ms => (int)m.Function("slow_add").Invoke(ms, 41)!), Bound);

    [Test]
    public void AVariadicCallInFlightFinishesAfterDispose() => Isolated.Run(() =>
        DisposeDuringSlowCall(m =>
        {
            var f = m.Function("slow_sum");
            return ms => (int)f.Invoke([ms, 2, 40, 2]).ToInt64();
        }), Bound);

    [Test]
    public void ATypedVariadicCallInFlightFinishesAfterDispose() => Isolated.Run(() =>
        DisposeDuringSlowCall(m =>
        {
            var f = m.GetFunction<Func<int, int, int, int, int>>("slow_sum");
            return ms => f(ms, 2, 40, 2);
        }), Bound);

    [Test]
    public void DisposeRacingCallsOnManyThreads() => Isolated.Run(() =>
    {
        var lib = DisposeFixture.Build();
        for (int round = 0; round < Soak.Scale(20); round++)
        {
            var module = DisposeFixture.Open(lib);
            var typed = module.GetFunction<Func<int, int, int>>("add");
            var typedVariadic = module.GetFunction<Func<int, int, int, int, int>>("slow_sum");
            var add = module.Function("add");
            var sum = module.Function("slow_sum");
            var callers = new Func<int>[]
            {
                () => typed(40, 2),
                () => (int)add.Invoke([40, 2]).ToInt64(),
                () => (int)module.Invoke("add", 40, 2)!,
                () => (int)sum.Invoke([0, 2, 40, 2]).ToInt64(),
                () => typedVariadic(1, 2, 40, 2),
                () => (int)module.Invoke("slow_sum", 1, 2, new object[] { 40, 2 })!,
            };
            var threads = callers.Select(call => Task.Run(() =>
            {
                while (true)
                {
                    int r;
                    try { r = call(); }
                    catch (ObjectDisposedException) { return; }
                    if (r != 42) throw new InvalidOperationException($"a call returned {r}, not 42");
                }
            })).ToArray();
            Thread.Sleep(round % 3 * 5 + 2);
            module.Dispose();
            Task.WaitAll(threads);
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }, Bound);

    [Test]
    public void AModuleDroppedWithoutDisposeKeepsItsDelegatesWorking() => Isolated.Run(() =>
    {
        // A variadic function is called through a thunk the module made; the thunk must live as long as any delegate.
        var lib = DisposeFixture.Build();
        var (typed, dynamic) = Bind(lib);
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        Assert.That(typed(0, 2, 40, 2), Is.EqualTo(42));
        Assert.That(dynamic.Invoke([0, 2, 40, 2]).ToInt64(), Is.EqualTo(42));

        static (Func<int, int, int, int, int>, NativeFunction) Bind(string lib)
        {
            var module = DisposeFixture.Open(lib);
            return (module.GetFunction<Func<int, int, int, int, int>>("slow_sum"), module.Function("slow_sum"));
        }
    }, Bound);
}
