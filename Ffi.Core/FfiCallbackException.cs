namespace Ffi;

/// <summary>
/// A managed callback failed while C was calling it. The exception never unwinds through C: the trampoline
/// catches it, returns a zero value to C, makes further callbacks of the same native call return at once,
/// and the engine throws this when the native call has returned, with the callback's exception (and its
/// stack trace) as <see cref="Exception.InnerException"/>. Also thrown on a thread's next engine call after C
/// called a callback that had been released (see <see cref="IsStaleCall"/>).
/// </summary>
public sealed class FfiCallbackException : FfiException
{
    /// <summary>Creates the exception for a callback that threw during <paramref name="function"/>.</summary>
    /// <param name="function">The native function whose call was in progress.</param>
    /// <param name="callback">The callback's function pointer type.</param>
    /// <param name="inner">What the callback threw.</param>
    public FfiCallbackException(string function, string callback, Exception inner)
        : base($"{function}: a callback ({callback}) threw {inner.GetType().Name}: {MessageOf(inner)}", inner)
    {
        Function = function;
        Callback = callback;
    }

    /// <summary>Creates the exception for a call into a released callback (no managed code ran).</summary>
    /// <param name="callback">The callback's function pointer type.</param>
    /// <param name="message">What happened.</param>
    public FfiCallbackException(string callback, string message) : base(message)
    {
        Function = null;
        Callback = callback;
        IsStaleCall = true;
    }

    /// <summary>The native function whose call was in progress when the callback failed (null for a stale call).</summary>
    public string? Function { get; }

    /// <summary>The callback's function pointer type, as the spec names it.</summary>
    public string Callback { get; }

    /// <summary>Whether C called a callback after it was released: it returned zero and ran no managed code.</summary>
    public bool IsStaleCall { get; }

    // A callback's exception is user code: its Message getter may itself throw, which must not escape the engine.
    private static string MessageOf(Exception e)
    {
        try
        {
            return e.Message;
        }
        catch (Exception failure)
        {
            return $"(its Message threw {failure.GetType().Name})";
        }
    }
}
