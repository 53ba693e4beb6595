namespace Ffi.Interop;

/// <summary>
/// Callbacks of compiled bindings that failed with no downcall to throw from: a registered callback that threw, or a
/// released one that C called, on a thread with no tracked compiled downcall in progress (a thread C started, a signal
/// handler, C reached through a compiled function that takes no delegate). The run-time engine raises these on the
/// module (<c>NativeModule.CallbackFailed</c>); compiled bindings have no module, so they are raised here, for every
/// bindings assembly of the process. C gets zero either way.
/// </summary>
/// <example>
/// <code>
/// CompiledCallbacks.CallbackFailed += (_, e) => Console.Error.WriteLine($"callback {e.Callback} at 0x{e.Address:x} failed: {e.Exception}");
/// </code>
/// </example>
public static class CompiledCallbacks
{
    private static long s_failed;
    private static long s_stale;

    /// <summary>Raised on the thread the callback ran on; a handler that throws is ignored (nothing may unwind into C).</summary>
    public static event EventHandler<CallbackFailedEventArgs>? CallbackFailed;

    /// <summary>Failures raised to <see cref="CallbackFailed"/> so far.</summary>
    public static long FailedCount => Interlocked.Read(ref s_failed);

    /// <summary>Calls C made into compiled callbacks after they were released (each returned zero and ran nothing).</summary>
    public static long StaleCallCount => Interlocked.Read(ref s_stale);

    internal static void CountStale() => Interlocked.Increment(ref s_stale);

    internal static void RaiseFailed(Exception exception, string callback, nint address)
    {
        Interlocked.Increment(ref s_failed);
        var handlers = CallbackFailed;
        if (handlers is null) return;
        var args = new CallbackFailedEventArgs(exception, callback, address);
        foreach (var handler in handlers.GetInvocationList())
        {
            try
            {
                ((EventHandler<CallbackFailedEventArgs>)handler)(null, args);
            }
            catch
            {
                // A handler that throws is ignored: this runs inside a trampoline, and nothing may unwind into C.
            }
        }
    }
}
