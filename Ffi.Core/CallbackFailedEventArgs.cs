namespace Ffi;

/// <summary>
/// What a callback-failure event reports (the run-time <c>NativeModule.CallbackFailed</c> and compiled bindings'
/// <see cref="Interop.CompiledCallbacks.CallbackFailed"/>): a callback threw, or C called a released one, with no
/// downcall in progress on its thread to throw from.
/// </summary>
public sealed class CallbackFailedEventArgs(Exception exception, string callback, nint address) : EventArgs
{
    /// <summary>What the callback threw (an <see cref="FfiCallbackException"/> with <c>IsStaleCall</c> for a released one).</summary>
    public Exception Exception { get; } = exception;

    /// <summary>The callback's function pointer type.</summary>
    public string Callback { get; } = callback;

    /// <summary>The function pointer C called.</summary>
    public nint Address { get; } = address;
}
