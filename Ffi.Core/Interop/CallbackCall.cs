using System.ComponentModel;

namespace Ffi.Interop;

/// <summary>
/// A downcall of compiled bindings in progress that callbacks may fail in: one that takes a delegate (it is
/// <em>tracked</em>). Its transient callbacks record their first failure here, from whatever thread C calls them on,
/// and the downcall throws it when it returns (<see cref="CallbackCalls.Exit"/>). Pooled per thread, one per nesting
/// level, so tracking a call allocates nothing. Public for generated code; not meant for user code.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class CallbackCall
{
    internal CallbackCall(CallbackThread thread, int level)
    {
        Thread = thread;
        Level = level;
    }

    internal CallbackThread Thread { get; }

    internal int Level { get; }

    /// <summary>The first failure of a callback during this downcall (written with a compare-and-swap).</summary>
    internal CallbackCallFailure? Failure;
}

/// <summary>A callback's failure, recorded for the downcall in progress.</summary>
internal sealed class CallbackCallFailure(Exception exception, string callback)
{
    public Exception Exception { get; } = exception;

    public string Callback { get; } = callback;
}

/// <summary>A thread's tracked downcalls of compiled bindings.</summary>
internal sealed class CallbackThread
{
    [ThreadStatic] private static CallbackThread? t_current;

    public int Depth;
    public CallbackCall?[] Calls = new CallbackCall?[4];

    public static CallbackThread Current => t_current ??= new CallbackThread();

    public static CallbackThread? CurrentOrNull => t_current;

    /// <summary>The innermost tracked downcall in progress, or null.</summary>
    public CallbackCall? Innermost => Depth > 0 ? Calls[Depth] : null;
}
