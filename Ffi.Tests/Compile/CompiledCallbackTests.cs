using Ffi.Compile;
using Ffi.Spec;

namespace Ffi.Tests.Compile;

/// <summary>
/// Callbacks through compiled bindings, from user C# compiled with Roslyn against the reference pack: libc's
/// <c>qsort</c> and <c>bsearch</c> with managed comparators (transient, and registered through
/// <c>Native.Callbacks.Register</c>), and the callback fixture (Native/callbacks.c): by-value structs, exceptions
/// surfaced after the downcall, calls from pthreads C starts, stale calls, a pool's exhaustion and its first-in,
/// first-out reuse. Expected values are C's, written by hand.
/// </summary>
[TestFixture]
public sealed class CompiledCallbackTests
{
    private static byte[] Libc() =>
        BindingCompiler.Compile(FfiSpec.Load(Path.Combine(AppContext.BaseDirectory, "examples", "libc.json")), new BindingOptions("CLibc")).Assembly;

    [Test]
    public void QsortAndBsearchTakeManagedComparators()
    {
        var output = UserProgram.Run("""
            using CLibc;
            public static unsafe class User
            {
                public static string Run()
                {
                    int[] data = { 5, 3, 9, 1, 7, 3 };
                    int calls = 0;
                    string found, descending;
                    fixed (int* p = data)
                    {
                        Native.qsort(p, (ulong)data.Length, 4, (a, b) => { calls++; return (*(int*)a).CompareTo(*(int*)b); });
                        int key = 7, missing = 4;
                        var hit = (int*)Native.bsearch(&key, p, (ulong)data.Length, 4, (a, b) => (*(int*)a).CompareTo(*(int*)b));
                        var miss = Native.bsearch(&missing, p, (ulong)data.Length, 4, (a, b) => (*(int*)a).CompareTo(*(int*)b));
                        found = $"{hit - p} {(miss == null ? "null" : "found")}";
                        using var reverse = Native.Callbacks.Register(new cmp_fn((a, b) => (*(int*)b).CompareTo(*(int*)a)));
                        Native.qsort(p, (ulong)data.Length, 4, reverse.Address);   // the raw form takes the registered pointer
                        descending = string.Join(",", data);
                    }
                    return $"{calls > 0} {found} {descending}";
                }
            }
            """, Libc());
        Assert.That(output, Is.EqualTo("True 4 null 9,7,5,3,3,1"));
    }

    [Test]
    public void AThrowingCallbackStopsTheRestAndTheCallThrowsFfiCallbackException()
    {
        var output = UserProgram.Run("""
            using System;
            using Cb;
            public static class User
            {
                public static string Run()
                {
                    int ran = 0;
                    string caught;
                    try
                    {
                        Native.cb_repeat(i => { ran++; if (i == 2) throw new InvalidOperationException("no " + i); return i; }, 10);
                        caught = "nothing";
                    }
                    catch (Ffi.FfiCallbackException e)
                    {
                        caught = $"{e.Function} {e.Callback} {e.InnerException!.GetType().Name} {e.InnerException.Message} {e.IsStaleCall}";
                    }
                    int after = Native.cb_repeat(i => i, 5);   // nothing is left recorded
                    return $"{ran} | {caught} | {after}";
                }
            }
            """, CompiledCallbackSpec.Bindings("Cb"));
        Assert.That(output, Is.EqualTo("3 | cb_repeat unary_fn InvalidOperationException no 2 False | 10"));
    }

    [Test]
    public void AggregatesByValueCrossBothWays()
    {
        var output = UserProgram.Run("""
            using Cb;
            public static class User
            {
                public static string Run()
                {
                    var s = Native.cb_small((p, q) => new small { a = p.a + q.a, b = p.b * q.b });
                    var m = Native.cb_mixed((v, k) => new mixed { x = v.x * k, n = v.n + k });
                    var b = Native.cb_big((v, k) => new big { a = v.a + k, b = v.b + k, c = v.c + k, d = v.d * 2 });
                    var f = Native.cb_flt(v => new flt { a = v.c, b = v.b, c = v.a });
                    int u = Native.cb_union(v => new num { i = v.i + 1 });
                    return $"{s.a} {s.b} | {m.x} {m.n} | {b.a} {b.b} {b.c} {b.d} | {f.a} {f.b} {f.c} | {u}";
                }
            }
            """, CompiledCallbackSpec.Bindings("Cb"));
        Assert.That(output, Is.EqualTo("31 80 | 7.5 10 | 11 8 13 9 | 3 2 1 | 42"));
    }

    [Test]
    public void PthreadsThatCStartsCallTransientCallbacksAndTheirFailuresComeBack()
    {
        var output = UserProgram.Run("""
            using System;
            using System.Threading;
            using Cb;
            public static class User
            {
                public static string Run()
                {
                    int calls = 0, mainThread = Environment.CurrentManagedThreadId, elsewhere = 0;
                    long sum = Native.cb_threads((t, i) =>
                    {
                        Interlocked.Increment(ref calls);
                        if (Environment.CurrentManagedThreadId != mainThread) Interlocked.Exchange(ref elsewhere, 1);
                        return t * 1000 + i;
                    }, 8, 50);
                    string caught;
                    try { Native.cb_threads((t, i) => t == 3 && i == 7 ? throw new ArgumentException("thread 3") : 1, 8, 50); caught = "nothing"; }
                    catch (Ffi.FfiCallbackException e) { caught = e.InnerException!.Message; }
                    return $"{sum} {calls} {elsewhere} | {caught}";
                }
            }
            """, CompiledCallbackSpec.Bindings("Cb"));
        // sum over t < 8, i < 50 of t*1000 + i = 50*1000*28 + 8*1225
        Assert.That(output, Is.EqualTo($"{(50L * 1000 * 28) + (8 * 1225)} 400 1 | thread 3"));
    }

    [Test]
    public void RegisteredCallbacksLiveUntilDisposedThenStaleCallsRunNothingAndAreReported()
    {
        var output = UserProgram.Run("""
            using System;
            using System.Collections.Generic;
            using Cb;
            using Ffi.Interop;
            public static class User
            {
                public static string Run()
                {
                    var events = new List<string>();
                    EventHandler<Ffi.CallbackFailedEventArgs> log = (_, e) => events.Add($"{e.Callback} {e.Exception.GetType().Name} {(e.Exception as Ffi.FfiCallbackException)?.IsStaleCall ?? false} {e.Address == 0}");
                    CompiledCallbacks.CallbackFailed += log;
                    try
                    {
                        long stale = CompiledCallbacks.StaleCallCount, failed = CompiledCallbacks.FailedCount;
                        var triple = Native.Callbacks.Register(new unary_fn(x => x * 3));
                        Native.cb_store(triple.Address);
                        int direct = Native.cb_call_stored(7);
                        int onThread = Native.cb_call_stored_on_thread(8);
                        bool alive = triple.IsAlive;
                        triple.Dispose();
                        triple.Dispose();
                        int afterRelease = Native.cb_call_stored(9);
                        var thrower = Native.Callbacks.Register(new unary_fn(x => throw new FormatException("bad " + x)));
                        Native.cb_store(thrower.Address);
                        int failedOnThread = Native.cb_call_stored_on_thread(5);
                        thrower.Dispose();
                        return $"{direct} {onThread} {alive} {triple.IsAlive} {afterRelease} {failedOnThread} "
                            + $"{CompiledCallbacks.StaleCallCount - stale} {CompiledCallbacks.FailedCount - failed} | {string.Join(" | ", events)}";
                    }
                    finally
                    {
                        CompiledCallbacks.CallbackFailed -= log;
                        Native.cb_store(0);
                    }
                }
            }
            """, CompiledCallbackSpec.Bindings("Cb"));
        Assert.That(output, Is.EqualTo("21 24 True False 0 0 1 2 | unary_fn FfiCallbackException True False | unary_fn FormatException False False"));
    }

    [Test]
    public void AStaleCallDuringACallThatTakesACallbackIsThrownByThatCall()
    {
        var output = UserProgram.Run("""
            using Cb;
            public static class User
            {
                public static string Run()
                {
                    var r = Native.Callbacks.Register(new unary_fn(x => x));
                    Native.cb_store(r.Address);
                    r.Dispose();
                    try { Native.cb_repeat(i => Native.cb_call_stored(i), 3); return "nothing"; }
                    catch (Ffi.FfiCallbackException e) { return $"{e.IsStaleCall} {e.Callback}"; }
                    finally { Native.cb_store(0); }
                }
            }
            """, CompiledCallbackSpec.Bindings("Cb"));
        Assert.That(output, Is.EqualTo("True unary_fn"));
    }

    [Test]
    public void AnExhaustedPoolIsATypedErrorAndReleasedSlotsAreReusedFirstInFirstOut()
    {
        var output = UserProgram.Run("""
            using System;
            using CbSmall;
            public static class User
            {
                public static string Run()
                {
                    var a = Native.Callbacks.Register(new unary_fn(x => x + 1));
                    var b = Native.Callbacks.Register(new unary_fn(x => x + 2));
                    var c = Native.Callbacks.Register(new unary_fn(x => x + 3));
                    string full;
                    try { Native.Callbacks.Register(new unary_fn(x => x)); full = "registered"; }
                    catch (Ffi.FfiCallbackSlotsExhaustedException e) { full = $"{e.Callback} {e.Slots} {e.Message.Contains("--callback-slots")}"; }
                    string transient;
                    try { Native.cb_repeat(i => i, 3); transient = "called"; }
                    catch (Ffi.FfiCallbackSlotsExhaustedException e) { transient = e.Callback; }
                    nint addressB = b.Address, addressA = a.Address;
                    b.Dispose();
                    a.Dispose();
                    var d = Native.Callbacks.Register(new unary_fn(x => x + 4));
                    var e2 = Native.Callbacks.Register(new unary_fn(x => x + 5));
                    c.Dispose();
                    int sum = Native.cb_repeat(i => 1, 4);   // the refused call left nothing entered or leased
                    return $"{full} | {transient} | {d.Address == addressB} {e2.Address == addressA} {sum}";
                }
            }
            """, CompiledCallbackSpec.Bindings("CbSmall", slots: 3));
        Assert.That(output, Is.EqualTo("unary_fn 3 True | unary_fn | True True 4"));
    }
}
