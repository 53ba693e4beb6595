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

/// <summary>Dispose against first use, registration and callbacks C keeps calling from its own threads.</summary>
[TestFixture]
public sealed class DisposeRaceFirstUseTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60 * Soak.Factor);

    [Test]
    public void DisposeRacingFirstUseAndRegistrationThrowsOnlyObjectDisposed() => Isolated.Run(() =>
    {
        var lib = DisposeFixture.Build();
        for (int round = 0; round < Soak.Scale(10); round++)
        {
            var module = DisposeFixture.Open(lib);
            var work = new Action[]
            {
                () => module.GetFunction<Func<int, int, int>>("add")(1, 2),
                () => module.Function("add").Invoke([1, 2]),
                () => module.Invoke("add", 1, 2),
                () => module.GetFunction<Func<Func<int, int>, int, int>>("call_cb")(x => x, 1),
                () => module.Callbacks.Register("int_fn", (Func<int, int>)(x => x)).Dispose(),
                () => module.Memory.Free(module.Memory.Box("struct pair", new { a = 1L, b = 2L })),
            };
            var tasks = work.Select(w => Task.Run(() =>
            {
                for (int i = 0; i < 200; i++)
                {
                    try { w(); }
                    catch (ObjectDisposedException) { return; }
                    catch (FfiMemoryException e) when (e.Message.Contains("was released when its memory toolbox (module) was disposed", StringComparison.Ordinal)) { return; }
                }
            })).ToArray();
            Thread.Sleep(round % 4 * 3);
            module.Dispose();
            Task.WaitAll(tasks); // any other exception fails the case
        }
    }, Bound);

    [Test]
    public void CThreadsCallingARegisteredCallbackWhileTheModuleIsDisposed() => Isolated.Run(() =>
    {
        var lib = DisposeFixture.Build();
        var module = DisposeFixture.Open(lib);
        long ran = 0;
        var callbacks = module.Callbacks;
        var handle = callbacks.Register("int_fn", (Func<int, int>)(x => { Interlocked.Increment(ref ran); return 1; }));
        var pointer = handle.Address;
        var fromThreads = module.GetFunction<Func<nint, int, int, long>>("from_threads");
        var storm = Task.Run(() =>
        {
            try { return fromThreads(pointer, 8, 400); }
            catch (FfiCallbackException e) when (e.IsStaleCall) { return -1; } // a stale call reported to this thread
        });
        Thread.Sleep(50);
        module.Dispose();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long sum = storm.Result;
        long stale = callbacks.StaleCallCount;
        Assert.That(handle.IsAlive, Is.False);
        Assert.That(Interlocked.Read(ref ran) + stale, Is.EqualTo(8 * 400), "every call either ran before Dispose or was reported stale");
        Assert.That(sum == -1 || sum == Interlocked.Read(ref ran), $"sum {sum}, ran {ran}");
    }, Bound);
}
