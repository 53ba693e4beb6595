using System.Collections.Concurrent;
using Ffi.Memory;
using Ffi.Values;

namespace Ffi.Tests.Callbacks;

/// <summary>
/// Callbacks that throw, callbacks called after release, lifetimes and misuse: the process always survives and
/// every failure arrives as a typed exception (or the module's event) that names what happened.
/// </summary>
[TestFixture]
public sealed class CallbackFailureTests
{
    private NativeModule _m = null!;

    [SetUp]
    public void Open() => _m = NativeModule.Open(CallbackSpec.Parse());

    [TearDown]
    public void Close() => _m.Dispose();

    [Test]
    public void AnExceptionSurfacesWhenTheDowncallReturnsWithItsStackTrace()
    {
        var repeat = _m.GetFunction<Func<Func<int, int>, int, int>>("cb_repeat");
        var ex = Assert.Throws<FfiCallbackException>(() => repeat(ThrowingCallback, 3))!;
        Assert.That(ex.InnerException, Is.TypeOf<InvalidOperationException>());
        Assert.That(ex.InnerException!.StackTrace, Does.Contain(nameof(ThrowingCallback)));
        Assert.That(ex.Message, Does.StartWith("cb_repeat: a callback (unary_fn) threw InvalidOperationException: callback 0 failed"));
        Assert.That(ex.Function, Is.EqualTo("cb_repeat"));
        Assert.That(ex.Callback, Is.EqualTo("unary_fn"));
        // The module is still usable.
        Assert.That(repeat(x => x, 4), Is.EqualTo(6));
    }

    private static int ThrowingCallback(int i) => throw new InvalidOperationException($"callback {i} failed");

    [Test]
    public void AfterAFailureTheOtherCallbacksOfTheCallReturnAtOnce()
    {
        int calls = 0;
        var ex = Assert.Throws<FfiCallbackException>(() => _m.Invoke("cb_repeat", (Func<int, int>)(i =>
        {
            calls++;
            throw new ArgumentException("first");
        }), 1000));
        Assert.That(calls, Is.EqualTo(1));
        Assert.That(ex!.InnerException, Is.TypeOf<ArgumentException>());
    }

    [Test]
    public void EveryEntryPointSurfacesTheException()
    {
        FfiCallbackHandler handler = _ => throw new FormatException("dynamic");
        Assert.That(() => _m.Invoke("cb_repeat", handler, 2), Throws.TypeOf<FfiCallbackException>().With.InnerException.TypeOf<FormatException>());
        Assert.That(() => _m.Function("cb_repeat").Invoke([FfiValue.FromObject(handler), 2]),
            Throws.TypeOf<FfiCallbackException>().With.InnerException.TypeOf<FormatException>());
        Assert.That(() => _m.GetFunction<Func<FfiCallbackHandler, int, int>>("cb_repeat")(handler, 2),
            Throws.TypeOf<FfiCallbackException>().With.InnerException.TypeOf<FormatException>());
    }

    [Test]
    public void ThrowingCallbacksWithStructResultsReturnZeroToC()
    {
        // Memory-class and register-class results: C gets zeros, the caller gets the exception.
        Assert.That(() => _m.GetFunction<Func<Func<Big, int, Big>, Big>>("cb_big")((_, _) => throw new TimeoutException()),
            Throws.TypeOf<FfiCallbackException>().With.InnerException.TypeOf<TimeoutException>());
        Assert.That(() => _m.GetFunction<Func<Func<Mixed, int, Mixed>, Mixed>>("cb_mixed")((_, _) => throw new TimeoutException()),
            Throws.TypeOf<FfiCallbackException>().With.InnerException.TypeOf<TimeoutException>());
        Assert.That(() => _m.Invoke("cb_big", (FfiCallbackHandler)(_ => throw new TimeoutException())),
            Throws.TypeOf<FfiCallbackException>().With.InnerException.TypeOf<TimeoutException>());
        // Many arguments, some on the stack.
        Assert.That(() => _m.GetFunction<Func<ManyFn, double>>("cb_many")((a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, s, m, b, last) =>
            throw new TimeoutException($"{last}")), Throws.TypeOf<FfiCallbackException>().With.InnerException.Message.EqualTo("15"));
        // A result that does not convert is a failure of the callback too.
        Assert.That(() => _m.Invoke("cb_repeat", (FfiCallbackHandler)(_ => "not a number"), 1),
            Throws.TypeOf<FfiCallbackException>().With.InnerException.TypeOf<FfiArgumentException>());
    }

    [Test]
    public void ExceptionsOnCThreadsDuringACallSurfaceFromThatCall()
    {
        int ran = 0;
        var ex = Assert.Throws<FfiCallbackException>(() => _m.GetFunction<Func<Func<int, int, int>, int, int, long>>("cb_threads")((t, i) =>
        {
            Interlocked.Increment(ref ran);
            if (t == 3 && i == 10) throw new DivideByZeroException("thread 3");
            return 1;
        }, 8, 100));
        Assert.That(ex!.InnerException, Is.TypeOf<DivideByZeroException>());
        Assert.That(ran, Is.LessThanOrEqualTo(800));
    }

    [Test]
    public void ReentrantFailuresNest()
    {
        var reenter = _m.GetFunction<Func<Func<int, int>, int, int>>("cb_reenter");
        var ex = Assert.Throws<FfiCallbackException>(() => reenter(depth => reenter(_ => throw new KeyNotFoundException("inner"), 0), 1))!;
        Assert.That(ex.InnerException, Is.TypeOf<FfiCallbackException>());
        Assert.That(ex.InnerException!.InnerException, Is.TypeOf<KeyNotFoundException>());

        // A callback that catches the inner failure goes on normally.
        int r = reenter(depth =>
        {
            try
            {
                return reenter(_ => throw new KeyNotFoundException("inner"), 0);
            }
            catch (FfiCallbackException)
            {
                return 7;
            }
        }, 1);
        Assert.That(r, Is.EqualTo(8));
    }

    [Test]
    public void RegisteredCallbacksLiveUntilDisposed()
    {
        var handle = _m.Callbacks.Register("unary_fn", (Func<int, int>)(x => x + 100));
        Assert.That(handle.IsAlive);
        Assert.That(handle.Type.DisplayName, Is.EqualTo("unary_fn"));
        _m.Invoke("cb_store", handle.Pointer);
        Assert.That(_m.Invoke("cb_call_stored", 1), Is.EqualTo(101));
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.That(_m.Invoke("cb_call_stored", 2), Is.EqualTo(102));
        Assert.That(_m.Invoke("cb_call_stored_on_thread", 3), Is.EqualTo(103), "from a thread C started");
        handle.Dispose();
        handle.Dispose(); // idempotent
        Assert.That(handle.IsAlive, Is.False);
        ExpectStaleCall(() => (int)_m.Invoke("cb_call_stored", 1)!);
        Assert.That(_m.Callbacks.StaleCallCount, Is.EqualTo(1));
    }

    [Test]
    public void TransientCallbacksAreReleasedWhenTheCallReturns()
    {
        _m.GetFunction<Action<Func<int, int>>>("cb_store")(x => x * 2);
        ExpectStaleCall(() => (int)_m.Invoke("cb_call_stored", 21)!);
        Assert.That(_m.Callbacks.StaleCallCount, Is.EqualTo(1));
    }

    // C calls a released pointer: it gets 0 and no managed code runs; the error is thrown by that downcall when it is
    // tracked (while registered callbacks are alive anywhere), otherwise by the thread's next engine call.
    private void ExpectStaleCall(Func<int> callStored)
    {
        FfiCallbackException? error = null;
        try
        {
            Assert.That(callStored(), Is.Zero, "a stale call returns zero");
        }
        catch (FfiCallbackException e)
        {
            error = e;
        }
        error ??= Assert.Throws<FfiCallbackException>(() => _m.Invoke("cb_call_stored", 0));
        Assert.That(error!.IsStaleCall);
        Assert.That(error.Message, Does.Contain("after it was released"));
        Assert.That(_m.Invoke("cb_repeat", (Func<int, int>)(x => 1), 2), Is.EqualTo(2), "reported once");
    }

    [Test]
    public void ExceptionsOnThreadsWithNoCallInProgressGoToTheModuleEvent()
    {
        var failures = new ConcurrentQueue<CallbackFailedEventArgs>();
        _m.CallbackFailed += (_, e) => failures.Enqueue(e);
        _m.CallbackFailed += (_, _) => throw new InvalidOperationException("a failing event handler is ignored");
        using var handle = _m.Callbacks.Register("unary_fn", (Func<int, int>)(x => throw new OverflowException($"native thread {x}")));
        _m.Invoke("cb_store", handle.Pointer);
        Assert.That(_m.Invoke("cb_call_stored_on_thread", 5), Is.Zero, "the callback returned zero to C");
        Assert.That(failures, Has.Count.EqualTo(1));
        failures.TryPeek(out var failure);
        Assert.That(failure!.Exception, Is.TypeOf<OverflowException>().With.Message.EqualTo("native thread 5"));
        Assert.That(failure.Callback, Is.EqualTo("unary_fn"));
        Assert.That(failure.Address, Is.EqualTo(handle.Address));
        Assert.That(_m.Callbacks.FailedCount, Is.EqualTo(1));

        // On the calling thread, inside a downcall, the same callback's failure surfaces from the downcall: through
        // the general path (tracked), a typed stub and the FfiValue fast path (untracked: the failure waits on the
        // thread and the stub throws it after the call).
        Assert.That(() => _m.Invoke("cb_call_stored", 6), Throws.TypeOf<FfiCallbackException>().With.InnerException.Message.EqualTo("native thread 6"));
        Assert.That(() => _m.GetFunction<Func<int, int>>("cb_call_stored")(7),
            Throws.TypeOf<FfiCallbackException>().With.Message.StartsWith("cb_call_stored: a callback (unary_fn) threw").And.InnerException.Message.EqualTo("native thread 7"));
        Assert.That(() => _m.Function("cb_call_stored").Invoke([8]), Throws.TypeOf<FfiCallbackException>().With.InnerException.Message.EqualTo("native thread 8"));
        Assert.That(_m.GetFunction<Func<Func<int, int>, int, int>>("cb_repeat")(x => x, 3), Is.EqualTo(3), "nothing is left pending");
        Assert.That(_m.Callbacks.FailedCount, Is.EqualTo(1), "only the native thread's failure went to the event");
    }

    [Test]
    public void MismatchedDelegatesAreRejectedWithReasons()
    {
        var ex = Assert.Throws<FfiBindException>(() => _m.GetFunction<Func<Func<long, long>, int, int>>("cb_reenter"))!;
        Assert.That(ex.Message, Does.Contain("param[0]: Func`2 does not fit the callback type unary_fn"));
        Assert.That(ex.Message, Does.Contain("param[0]: Int64 does not take int32 (use int)"));

        Assert.That(() => _m.Invoke("cb_reenter", (Func<int, int, int>)((a, b) => a), 1),
            Throws.TypeOf<FfiArgumentException>().With.Message.Contains("cb_reenter: param[0] (unary_fn)").And.Message.Contains("takes 2 parameter(s); unary_fn passes 1"));
        Assert.That(() => _m.Callbacks.Register("nope", (Func<int, int>)(x => x)),
            Throws.TypeOf<FfiArgumentException>().With.Message.Contains("no such type"));
        Assert.That(() => _m.Callbacks.Register("small", (Func<int, int>)(x => x)),
            Throws.TypeOf<FfiArgumentException>().With.Message.Contains("small is not a function pointer type"));
        Assert.That(() => _m.Callbacks.Register("printf_fn", (Func<string, int>)(s => 0)),
            Throws.TypeOf<FfiArgumentException>().With.Message.Contains("variadic"));
        Assert.That(() => _m.Callbacks.Register("string_fn", (Func<nint, string>)(s => "")),
            Throws.TypeOf<FfiArgumentException>().With.Message.Contains("cannot return a string"));
        Assert.That(() => _m.Invoke("cb_reenter", "not a delegate", 1), Throws.TypeOf<FfiArgumentException>());
        // Memory that keeps a pointer needs a registered callback.
        var box = _m.Memory.New("unary_fn");
        Assert.That(() => _m.Memory.Set(box, "", (Func<int, int>)(x => x)),
            Throws.TypeOf<FfiArgumentException>().With.Message.Contains("register the callback (module.Callbacks.Register) and store its Pointer"));
        using var registered = _m.Callbacks.Register("unary_fn", (Func<int, int>)(x => x + 1));
        _m.Memory.Set(box, "", registered.Pointer);
        Assert.That(_m.FunctionAt((NativePointer)_m.Memory.Get(box)!).Invoke(1), Is.EqualTo(2));
    }

    [Test]
    public void DisposingTheModuleReleasesItsCallbacks()
    {
        var m = NativeModule.Open(CallbackSpec.Parse());
        var handle = m.Callbacks.Register("unary_fn", (Func<int, int>)(x => x));
        m.Dispose();
        Assert.That(handle.IsAlive, Is.False);
        Assert.That(() => m.Callbacks, Throws.TypeOf<ObjectDisposedException>());
        handle.Dispose();
    }

    [Test]
    public void ManyThreadsRegisterAndReleaseAtOnce()
    {
        var errors = new ConcurrentQueue<Exception>();
        var addresses = new ConcurrentDictionary<nint, int>();
        var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            try
            {
                for (int i = 0; i < 200; i++)
                {
                    using var h = _m.Callbacks.Register("thread_fn", (Func<int, int, int>)((a, b) => a + b + t));
                    addresses[h.Address] = t;
                    var run = _m.FunctionAt(h.Pointer);
                    if ((int)run.Invoke(i, 1)! != i + 1 + t) throw new InvalidOperationException($"thread {t}: wrong result");
                }
            }
            catch (Exception e)
            {
                errors.Enqueue(e);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.That(errors, Is.Empty);
        Assert.That(_m.Callbacks.RegisteredCount, Is.Zero);
    }

    [Test]
    public void RegisteredCallbacksSurviveGcStress()
    {
        bool stop = false;
        var collector = new Thread(() =>
        {
            while (!Volatile.Read(ref stop))
            {
                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                Thread.Sleep(1);
            }
        });
        collector.Start();
        try
        {
            var handles = Enumerable.Range(0, 50).Select(k =>
            {
                var offset = new long[] { k }; // a closure over a heap object the GC moves
                return _m.Callbacks.Register("thread_fn", (Func<int, int, int>)((t, i) => (int)offset[0] + t + i));
            }).ToList();
            var threads = _m.GetFunction<Func<NativePointer, int, int, long>>("cb_threads");
            for (int k = 0; k < handles.Count; k++)
            {
                long sum = threads(handles[k], 4, 500);
                long expected = Enumerable.Range(0, 4).Sum(t => Enumerable.Range(0, 500).Sum(i => (long)(k + t + i)));
                Assert.That(sum, Is.EqualTo(expected), $"callback {k}");
            }
            handles.ForEach(h => h.Dispose());
        }
        finally
        {
            Volatile.Write(ref stop, true);
            collector.Join();
        }
    }
}
