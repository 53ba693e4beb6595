namespace Ffi.Runtime;

/// <summary>A callback's failure, recorded for the downcall in progress.</summary>
internal sealed class CallbackFailure(Exception exception, string callback)
{
    public readonly Exception Exception = exception;
    public readonly string Callback = callback;
}

/// <summary>
/// One downcall in progress on a thread that callbacks may fail in. Frames are pooled per thread (one per nesting
/// level), so tracking a downcall allocates nothing.
/// </summary>
internal sealed class CallbackFrame(CallbackThread thread, int level)
{
    public readonly CallbackThread Thread = thread;
    public readonly int Level = level;
    public CallbackFailure? Failure; // the first failure of a callback during this downcall (written with a CAS)
}

/// <summary>A thread's callback state: the tracked downcalls in progress on it and a failure waiting to be thrown.</summary>
internal sealed class CallbackThread
{
    [ThreadStatic] private static CallbackThread? t_current;

    public int Depth;
    public CallbackFrame?[] Frames = new CallbackFrame?[4];
    public CallbackFailure? Pending;

    public static CallbackThread Current => t_current ??= new CallbackThread();

    public static CallbackThread? CurrentOrNull => t_current;
}

/// <summary>
/// The tracking of downcalls that callbacks may fail in: what downcall stubs call around a call (<see cref="Enter"/>,
/// <see cref="Exit"/>, <see cref="Abandon"/>, <see cref="ThrowPending"/>) and where trampolines record what a callback
/// threw (<see cref="Record"/>, <see cref="RecordOnThread"/>).
/// </summary>
/// <remarks>
/// <para>A downcall that takes a managed callback is <em>tracked</em>: it pushes a frame on its thread, and its
/// transient callbacks record their failures there, from whatever thread C calls them on. The downcall throws the
/// failure when it returns.</para>
/// <para>Every other downcall pays one static read after the call (<see cref="PendingCount"/>). A registered callback
/// that fails, or a released one that C calls, on a thread where managed code is waiting for C (the stack below the
/// trampoline has managed frames) leaves the failure <em>pending</em> on that thread. The innermost engine downcall
/// throws it when it returns, or, when the C code was reached some other way, the thread's next engine call does. On a
/// thread with no managed frames below (a thread C started), there is no call to throw from: the module's
/// <c>CallbackFailed</c> event is raised instead.</para>
/// </remarks>
internal static class CallbackFrames
{
    /// <summary>Threads with a pending failure: while not zero, untracked downcalls look at their thread after the call.</summary>
    public static int PendingCount;

    /// <summary>Recorded failures not yet thrown: while not zero, trampolines ask whether to skip (return at once).</summary>
    public static int Failing;

    /// <summary>Starts tracking a downcall on this thread.</summary>
    public static CallbackFrame Enter()
    {
        var t = CallbackThread.Current;
        int level = ++t.Depth;
        if (level >= t.Frames.Length) Array.Resize(ref t.Frames, level * 2);
        var frame = t.Frames[level] ??= new CallbackFrame(t, level);
        frame.Failure = null;
        return frame;
    }

    /// <summary>Ends tracking; throws what a callback recorded during the downcall, or what is pending on the thread.</summary>
    public static void Exit(CallbackFrame frame, string function)
    {
        frame.Thread.Depth = frame.Level - 1;
        var failure = frame.Failure;
        if (failure is not null)
        {
            frame.Failure = null;
            Interlocked.Decrement(ref Failing);
            Throw(failure, function);
        }
        if (Volatile.Read(ref PendingCount) != 0) ThrowPending(function);
    }

    /// <summary>Ends tracking without throwing (an exception is already leaving the downcall).</summary>
    public static void Abandon(CallbackFrame frame)
    {
        frame.Thread.Depth = frame.Level - 1;
        if (frame.Failure is not null)
        {
            frame.Failure = null;
            Interlocked.Decrement(ref Failing);
        }
    }

    /// <summary>After an untracked downcall, when <see cref="PendingCount"/> is not zero: throws this thread's pending failure, if any.</summary>
    public static void ThrowPending(string function)
    {
        var t = CallbackThread.CurrentOrNull;
        if (t?.Pending is not { } failure) return;
        t.Pending = null;
        Interlocked.Decrement(ref PendingCount);
        Interlocked.Decrement(ref Failing);
        Throw(failure, function);
    }

    private static void Throw(CallbackFailure failure, string function)
    {
        if (failure.Exception is FfiCallbackException { IsStaleCall: true } stale) throw stale;
        throw new FfiCallbackException(function, failure.Callback, failure.Exception);
    }

    /// <summary>Whether a callback should return at once because its downcall (or its thread) already has a failure.</summary>
    public static bool ShouldSkip(CallbackSlot slot)
    {
        if (slot.Frame is { } frame) return frame.Failure is not null;
        var t = CallbackThread.CurrentOrNull;
        return t is not null && (t.Pending is not null || t.Depth > 0 && t.Frames[t.Depth]!.Failure is not null);
    }

    // A failure of a callback that belongs to no downcall: into the innermost tracked frame of this thread, or left
    // pending when managed code below is waiting for C. False when neither (a thread C started).
    /// <summary>Records a failure that belongs to no downcall (see the remarks); false on a thread C started.</summary>
    public static bool RecordOnThread(Exception exception, string callback)
    {
        var t = CallbackThread.Current;
        if (t.Depth > 0)
        {
            Record(t.Frames[t.Depth]!, exception, callback);
            return true;
        }
        if (!ManagedCodeBelow()) return false;
        if (t.Pending is null)
        {
            t.Pending = new CallbackFailure(exception, callback);
            Interlocked.Increment(ref PendingCount);
            Interlocked.Increment(ref Failing);
        }
        return true;
    }

    // Whether the stack below the trampoline has managed frames (only walked when something failed).
    private static bool ManagedCodeBelow()
    {
        bool belowTrampoline = false;
        foreach (var frame in new System.Diagnostics.StackTrace(false).GetFrames())
        {
            var method = frame.GetMethod();
            if (belowTrampoline) return true;
            if (method?.DeclaringType is { Name: "Trampolines" } type && type.Assembly.IsDynamic) belowTrampoline = true;
        }
        return false;
    }

    /// <summary>Records the first failure of a tracked downcall.</summary>
    public static void Record(CallbackFrame frame, Exception exception, string callback)
    {
        if (Interlocked.CompareExchange(ref frame.Failure, new CallbackFailure(exception, callback), null) is null)
            Interlocked.Increment(ref Failing);
    }
}
