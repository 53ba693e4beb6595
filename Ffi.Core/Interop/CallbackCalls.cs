using System.ComponentModel;

namespace Ffi.Interop;

/// <summary>
/// What compiled bindings' generated code calls about callbacks, as the run-time engine's stubs and trampolines do:
/// a downcall that takes a delegate enters a <see cref="CallbackCall"/> before leasing its slot and exits it after the
/// call (throwing what a callback threw); a trampoline whose delegate threw calls <see cref="Fail"/>, one called after
/// its release <see cref="Stale"/>, and, while <see cref="Failing"/> is not zero, asks <see cref="ShouldSkip"/> first.
/// Nothing here throws into a trampoline. Public for generated code; not meant for user code.
/// </summary>
/// <remarks>
/// Where a failure goes: a transient callback's into the downcall it was leased for; a registered callback's (or a
/// stale call's) into the innermost tracked downcall of the thread it runs on; with none (a thread C started, or C
/// reached through a compiled function that takes no delegate), to <see cref="CompiledCallbacks.CallbackFailed"/>.
/// Compiled functions that take no delegate check nothing after the call (so they stay at <c>[LibraryImport]</c>
/// speed), which is why the run-time path's "pending on the thread" case has no equivalent here.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class CallbackCalls
{
    /// <summary>Recorded failures not yet thrown: while not zero, trampolines ask <see cref="ShouldSkip"/> (one static read per callback).</summary>
    public static int Failing;

    /// <summary>Starts tracking a downcall on this thread.</summary>
    public static CallbackCall Enter()
    {
        var t = CallbackThread.Current;
        int level = ++t.Depth;
        if (level >= t.Calls.Length) Array.Resize(ref t.Calls, level * 2);
        var call = t.Calls[level] ??= new CallbackCall(t, level);
        call.Failure = null;
        return call;
    }

    /// <summary>Ends tracking; throws what a callback recorded during the downcall.</summary>
    /// <param name="call">The downcall's frame, from <see cref="Enter"/>.</param>
    /// <param name="function">The native function (named in the exception).</param>
    /// <exception cref="FfiCallbackException">A callback threw during the call (its exception inside), or C called a released one.</exception>
    public static void Exit(CallbackCall call, string function)
    {
        ArgumentNullException.ThrowIfNull(call);
        call.Thread.Depth = call.Level - 1;
        var failure = call.Failure;
        if (failure is null) return;
        call.Failure = null;
        Interlocked.Decrement(ref Failing);
        if (failure.Exception is FfiCallbackException { IsStaleCall: true } stale) throw stale;
        throw new FfiCallbackException(function, failure.Callback, failure.Exception);
    }

    /// <summary>Ends tracking without throwing (an exception is already leaving the downcall).</summary>
    public static void Abandon(CallbackCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        call.Thread.Depth = call.Level - 1;
        if (call.Failure is null) return;
        call.Failure = null;
        Interlocked.Decrement(ref Failing);
    }

    /// <summary>A callback threw: recorded for its downcall or its thread's, else raised to <see cref="CompiledCallbacks.CallbackFailed"/>. Never throws.</summary>
    public static void Fail(TrampolineSlot slot, Exception exception)
    {
        try
        {
            var call = slot.Call ?? CallbackThread.CurrentOrNull?.Innermost;
            if (call is not null) Record(call, exception, slot.Pool.Callback);
            else CompiledCallbacks.RaiseFailed(exception, slot.Pool.Callback, slot.Address);
        }
        catch
        {
            // Nothing may escape into C; RaiseFailed already isolates the handlers. This is the last guard.
        }
    }

    /// <summary>C called a released slot: counted, and reported like a failure of a registered callback. Never throws.</summary>
    public static void Stale(TrampolineSlot slot)
    {
        try
        {
            CompiledCallbacks.CountStale();
            var error = new FfiCallbackException(slot.Pool.Callback,
                $"C called the callback at 0x{slot.Address:x} ({slot.Pool.Callback}) after it was released; it returned zero and no managed code ran");
            if (CallbackThread.CurrentOrNull?.Innermost is { } call) Record(call, error, slot.Pool.Callback);
            else CompiledCallbacks.RaiseFailed(error, slot.Pool.Callback, slot.Address);
        }
        catch
        {
            // Never into C.
        }
    }

    /// <summary>Whether a callback should return zero at once: its downcall (or its thread's innermost one) already has a failure.</summary>
    public static bool ShouldSkip(TrampolineSlot slot)
    {
        var call = slot.Call ?? CallbackThread.CurrentOrNull?.Innermost;
        return call?.Failure is not null;
    }

    private static void Record(CallbackCall call, Exception exception, string callback)
    {
        if (Interlocked.CompareExchange(ref call.Failure, new CallbackCallFailure(exception, callback), null) is null)
            Interlocked.Increment(ref Failing);
    }
}
