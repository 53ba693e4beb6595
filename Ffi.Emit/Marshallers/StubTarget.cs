using Ffi.Il;

namespace Ffi.Marshallers;

/// <summary>
/// Where a typed downcall stub gets what differs per function — the function pointer, the checks before the call
/// (liveness, capabilities), what keeps the library loaded, what is checked after the call — and where its
/// parameters start. The recipe and the marshallers are the same for every target:
/// <list type="bullet">
/// <item>run time (<c>Downcalls.TypedTargetStub</c>): a <c>DynamicMethod</c> whose IL argument 0 is a
/// <c>TypedTarget</c> (address, module liveness, grants, name), the delegate's parameters from argument 1;</item>
/// <item>compiled bindings (<c>Ffi.Compile</c>): a static method whose parameters start at argument 0, the pointer
/// in a static cell bound on first use, capabilities in a generated gate.</item>
/// </list>
/// </summary>
internal abstract class StubTarget
{
    /// <summary>The IL argument of the function's parameter 0.</summary>
    public abstract int FirstArgument { get; }

    /// <summary>Emits the checks that run before any argument is marshalled.</summary>
    public abstract void EmitEntryCheck(DowncallStub stub);

    /// <summary>Pushes the native function's address for <c>calli</c>.</summary>
    public abstract void PushFunction(IlWriter il);

    /// <summary>Pushes what keeps the function's library loaded until the call returns, or null: nothing needs to.</summary>
    public abstract Action<IlWriter>? PushOwner { get; }

    /// <summary>Emits what runs after the result is unmarshalled and every argument cleaned up.</summary>
    /// <param name="il">The writer.</param>
    /// <param name="callbackFrame">The tracked call's frame, or null.</param>
    public abstract void EmitAfterCall(IlWriter il, IlLocal? callbackFrame);

    /// <summary>
    /// Pushes the run-time <c>TypedTarget</c> (a marshaller that needs per-function state at run time: tag checks,
    /// callback pools). A target without one throws: its bindings never pick such a marshaller.
    /// </summary>
    public abstract void PushTypedTarget(IlWriter il);
}
