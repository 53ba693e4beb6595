namespace Ffi;

/// <summary>
/// The runtime path was asked for in a process that cannot generate code at run time
/// (<see cref="System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported"/> is false: a NativeAOT app, or
/// one published with <c>DynamicCodeSupport=false</c>). The message says what to use instead: compiled bindings.
/// </summary>
public sealed class FfiDynamicCodeException : FfiException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="operation">What was refused, e.g. <c>NativeModule.Open</c>.</param>
    /// <param name="alternative">What to do instead.</param>
    public FfiDynamicCodeException(string operation, string alternative)
        : base($"{operation}: this process cannot generate code at run time (NativeAOT, or DynamicCodeSupport=false). {alternative}")
    {
        Operation = operation;
    }

    /// <summary>What was refused.</summary>
    public string Operation { get; }
}
