using System.Reflection.Emit;
using Ffi.Spec;
using Ffi.Types;

namespace Ffi.Downcalls;

/// <summary>
/// The last typed delegate a module bound: its delegate type, function and stub. The next function bound to the same
/// delegate type with the same signature (the same C types, the spec shares one parameter list among functions of
/// one signature in a row) maps alike, so it reuses the mapping, shape and stub, and only its target is new: binding
/// a thousand functions of one signature checks the delegate once (docs/benchmarks.md, cold start). Not for variadic
/// functions (their C types come from the delegate's extras) nor trivial ones (each has its own P/Invoke).
/// </summary>
internal sealed class LastTypedBinding(Type delegateType, FunctionSpec function, bool captureErrno, CType[] cTypes, DynamicMethod code)
{
    /// <summary>The C types of the parameters, as the stub was made for them.</summary>
    public CType[] CTypes { get; } = cTypes;

    /// <summary>The stub.</summary>
    public DynamicMethod Code { get; } = code;

    /// <summary>Whether <paramref name="spec"/> bound to <paramref name="type"/> would map exactly as this binding did.</summary>
    public bool Fits(Type type, FunctionSpec spec, bool capturesErrno) =>
        type == delegateType && ReferenceEquals(spec.ReturnType, function.ReturnType)
        && ReferenceEquals(spec.ParameterTypes, function.ParameterTypes)
        && !spec.IsVariadic && !spec.IsTrivial && capturesErrno == captureErrno
        && spec.Capabilities.Count > 0 == function.Capabilities.Count > 0;
}
