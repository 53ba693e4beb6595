using System.Reflection.Emit;
using System.Reflection;
using Ffi.Il;
using Ffi.Marshallers;
using Ffi.Runtime;

namespace Ffi.Downcalls;

/// <summary>
/// The run-time target of a typed stub: a <see cref="DynamicMethod"/> bound to a <see cref="TypedTarget"/> (IL
/// argument 0) that holds the function's address, its module's liveness and grants, and its name.
/// </summary>
internal sealed class TypedTargetStub(bool gated) : StubTarget
{
    private static readonly FieldInfo Address = typeof(TypedTarget).GetField(nameof(TypedTarget.Address), BindingFlags.NonPublic | BindingFlags.Instance)!;
    private static readonly FieldInfo Name = typeof(TypedTarget).GetField(nameof(TypedTarget.Name), BindingFlags.NonPublic | BindingFlags.Instance)!;

    /// <inheritdoc />
    public override int FirstArgument => 1;

    /// <summary>The module must be alive (one volatile read, inline); gated functions check their capabilities.</summary>
    public override void EmitEntryCheck(DowncallStub stub)
    {
        var il = stub.Il;
        stub.PushTarget();
        if (gated)
        {
            stub.CallTarget(nameof(TypedTarget.Check));
            return;
        }
        var alive = il.DefineLabel();
        stub.LoadTargetField(nameof(TypedTarget.Lifetime));
        il.Emit(OpCodes.Volatile);
        il.Emit(OpCodes.Ldfld, StubFields.Disposed);
        il.Emit(OpCodes.Brfalse, alive);
        stub.PushTarget();
        stub.CallTarget(nameof(TypedTarget.CheckNotDisposed));
        il.MarkLabel(alive);
    }

    /// <inheritdoc />
    public override void PushFunction(IlWriter il)
    {
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldfld, Address);
    }

    /// <summary>The target holds the module's lifetime.</summary>
    public override Action<IlWriter>? PushOwner { get; } = static il => il.Emit(OpCodes.Ldarg_0);

    /// <summary>What a callback threw during the call (reported under the function's name).</summary>
    public override void EmitAfterCall(IlWriter il, IlLocal? callbackFrame) =>
        CallbackChecks.EmitAfterCall(il, callbackFrame, static g =>
        {
            g.Emit(OpCodes.Ldarg_0);
            g.Emit(OpCodes.Ldfld, Name);
        });

    /// <inheritdoc />
    public override void PushTypedTarget(IlWriter il) => il.Emit(OpCodes.Ldarg_0);
}
