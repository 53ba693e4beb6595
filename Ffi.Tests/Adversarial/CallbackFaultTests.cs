using Ffi.Values;

namespace Ffi.Tests.Adversarial;

/// <summary>
/// Callbacks that misbehave: one that disposes its own module while the downcall runs (typed and dynamic), a
/// transient callback that C keeps after its call, an exception whose <c>Message</c> throws, and a failure that must
/// not leave a callback frame behind. Each case runs in a child process.
/// </summary>
[TestFixture]
public sealed class CallbackFaultTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60 * Soak.Factor);

    [Test]
    public void ATypedCallbackThatDisposesItsModuleFinishesTheCall() => Isolated.Run(() =>
    {
        var module = DisposeFixture.Open(DisposeFixture.Build());
        var callCb = module.GetFunction<Func<Func<int, int>, int, int>>("call_cb_slowly");
        int result = callCb(x =>
        {
            module.Dispose();
            GC.Collect();
            GC.WaitForPendingFinalizers();
            return x * 2;
        }, 20);
        Assert.That(result, Is.EqualTo(41));
        Assert.Throws<ObjectDisposedException>(() => callCb(x => x, 1));
    }, Bound);

    [Test]
    public void ADynamicCallbackThatDisposesItsModuleFinishesTheCall() => Isolated.Run(() =>
    {
        var module = DisposeFixture.Open(DisposeFixture.Build());
        FfiCallbackHandler handler = args =>
        {
            module.Dispose();
            GC.Collect();
            GC.WaitForPendingFinalizers();
            return (int)args[0]! * 2;
        };
        Assert.That(module.Invoke("call_cb_slowly", handler, 20), Is.EqualTo(41));
        Assert.Throws<ObjectDisposedException>(() => module.Invoke("call_cb", handler, 1));
    }, Bound);

    [Test]
    public void AnFfiValueCallWhoseCallbackDisposesTheModuleFinishesTheCall() => Isolated.Run(() =>
    {
        var module = DisposeFixture.Open(DisposeFixture.Build());
        var callCb = module.Function("call_cb_slowly");
        Func<int, int> callback = x =>
        {
            module.Dispose();
            return x * 2;
        };
        Assert.That(callCb.Invoke([FfiValue.FromObject(callback), 20]).ToInt64(), Is.EqualTo(41L));
    }, Bound);

    [Test]
    public void ATransientCallbackKeptByCDoesNotOutliveItsCallWhenTheModuleIsDisposedInside() => Isolated.Run(() =>
    {
        var lib = DisposeFixture.Build();
        var first = DisposeFixture.Open(lib);
        int runs = 0;
        var keep = first.GetFunction<Func<Func<int, int>, int, int>>("call_and_keep");
        Assert.That(keep(x => { runs++; first.Dispose(); return x + 1; }, 1), Is.EqualTo(2));
        using var second = DisposeFixture.Open(lib); // the same library: C still holds the pointer in `saved`
        var e = Assert.Throws<FfiCallbackException>(() => second.Invoke("call_saved", 5))!;
        Assert.That(e.IsStaleCall, e.Message);
        Assert.That(runs, Is.EqualTo(1), "the released callback ran no managed code");
    }, Bound);

    private sealed class HostileException : Exception
    {
        public override string Message => throw new InvalidOperationException("Message getter throws");
        public override string? StackTrace => throw new InvalidOperationException("StackTrace getter throws");
    }

    [Test]
    public void ACallbackExceptionWhoseMessageThrowsIsStillReported() => Isolated.Run(() =>
    {
        using var module = DisposeFixture.Open(DisposeFixture.Build());
        var callCb = module.GetFunction<Func<Func<int, int>, int, int>>("call_cb");
        var e = Assert.Throws<FfiCallbackException>(() => callCb(_ => throw new HostileException(), 1))!;
        Assert.That(e.InnerException, Is.TypeOf<HostileException>());
        Assert.That(e.Message, Does.Contain("call_cb").And.Contain(nameof(HostileException)));
        var d = Assert.Throws<FfiCallbackException>(() => module.Invoke("call_cb", (FfiCallbackHandler)(_ => throw new HostileException()), 1))!;
        Assert.That(d.InnerException, Is.TypeOf<HostileException>());
        // A registered callback failing on a thread C started reaches the event, whose handler sees it too.
        using var handle = module.Callbacks.Register("int_fn", (Func<int, int>)(_ => throw new HostileException()));
        var r = Assert.Throws<FfiCallbackException>(() => module.Invoke("call_cb", handle.Pointer, 1))!;
        Assert.That(r.InnerException, Is.TypeOf<HostileException>());
    }, Bound);

    [Test]
    public void AFailureAfterATrackedCallLeavesNoFrameBehind() => Isolated.Run(() =>
    {
        // The module is disposed inside the callback of a call returning a struct: whatever that call does, the
        // thread's callback bookkeeping must be clean afterwards: a registered callback that throws during a later
        // untracked call is raised by that call, and later callbacks run.
        var lib = DisposeFixture.Build();
        var first = DisposeFixture.Open(lib);
        try
        {
            first.Invoke("pair_via_cb", (Func<int, int>)(x => { first.Dispose(); return x; }), 2L);
        }
        catch (ObjectDisposedException)
        {
            // Acceptable: the module that would own the result is gone.
        }
        using var second = DisposeFixture.Open(lib);
        using var throwing = second.Callbacks.Register("int_fn", (Func<int, int>)(_ => throw new InvalidOperationException("boom")));
        var callCb = second.GetFunction<Func<nint, int, int>>("call_cb"); // a pointer argument: an untracked call
        var e = Assert.Throws<FfiCallbackException>(() => callCb(throwing.Address, 1))!;
        Assert.That(e.InnerException!.Message, Is.EqualTo("boom"));
        using var fine = second.Callbacks.Register("int_fn", (Func<int, int>)(x => x * 10));
        Assert.That(callCb(fine.Address, 4), Is.EqualTo(41), "later callbacks on the thread run");
    }, Bound);
}

/// <summary>A registered callback that disposes its own handle while C is calling it.</summary>
[TestFixture]
public sealed class CallbackSelfReleaseTests
{
    [Test]
    public void ARegisteredCallbackThatDisposesItsOwnHandleFinishesItsCall() => Isolated.Run(() =>
    {
        using var module = DisposeFixture.Open(DisposeFixture.Build());
        CallbackHandle? handle = null;
        handle = module.Callbacks.Register("int_fn", (Func<int, int>)(x => { handle!.Dispose(); return x + 100; }));
        var callCb = module.GetFunction<Func<nint, int, int>>("call_cb");
        Assert.That(callCb(handle.Address, 1), Is.EqualTo(102));
        Assert.That(handle.IsAlive, Is.False);
        Assert.That(module.Callbacks.RegisteredCount, Is.EqualTo(0));
        var e = Assert.Throws<FfiCallbackException>(() => callCb(handle.Address, 1))!;
        Assert.That(e.IsStaleCall);
    }, TimeSpan.FromSeconds(60));
}
