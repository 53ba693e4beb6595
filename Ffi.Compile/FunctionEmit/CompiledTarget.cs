using System.Reflection.Emit;
using System.Reflection;
using Ffi.Il;
using Ffi.Interop;
using Ffi.Marshallers;

namespace Ffi.Compile.FunctionEmit;

/// <summary>
/// The target of a compiled function's stub (see <see cref="StubTarget"/>): a public static method whose parameters
/// start at IL argument 0; the function pointer sits in a static cell of the bindings class, bound by its cold
/// <c>&lt;Bind&gt;(id)</c> on the first call; a gated function asks the class's <see cref="CapabilityGate"/>.
/// The members named are the first-phase assembly's, which the Cecil sink maps to the ones being written.
/// <code>
///   ldsfld native int Native::'&lt;fn&gt;compress'
///   dup
///   brtrue L0
///   pop
///   ldc.i4 3
///   call native int Native::'&lt;Bind&gt;'(int32)
/// L0:                                 // then calli, as at run time
/// </code>
/// Nothing keeps a library loaded (it stays loaded for the process), and nothing is checked after the call: this stub
/// takes function pointers as <c>nint</c>; the overload that takes delegates (<c>CallbackEmit/CallbackOverload</c>) tracks
/// its own call around this one.
/// </summary>
internal sealed class CompiledTarget(FieldInfo cell, MethodInfo bind, int id, FieldInfo? gate, long capabilities, string symbol) : StubTarget
{
    private static readonly MethodInfo Demand = typeof(CapabilityGate).GetMethod(nameof(CapabilityGate.Demand))!;

    /// <inheritdoc />
    public override int FirstArgument => 0;

    /// <inheritdoc />
    public override void EmitEntryCheck(DowncallStub stub)
    {
        if (capabilities == 0) return;
        var il = stub.Il;
        il.Emit(OpCodes.Ldsfld, gate!);
        il.Emit(OpCodes.Ldc_I8, capabilities);
        il.Emit(OpCodes.Ldstr, symbol);
        il.Emit(OpCodes.Callvirt, Demand);
    }

    /// <inheritdoc />
    public override void PushFunction(IlWriter il)
    {
        var bound = il.DefineLabel();
        il.Emit(OpCodes.Ldsfld, cell);
        il.Emit(OpCodes.Dup);
        il.Emit(OpCodes.Brtrue, bound);
        il.Emit(OpCodes.Pop);
        il.Emit(OpCodes.Ldc_I4, id);
        il.Emit(OpCodes.Call, bind);
        il.MarkLabel(bound);
    }

    /// <inheritdoc />
    public override Action<IlWriter>? PushOwner => null;

    /// <inheritdoc />
    public override void EmitAfterCall(IlWriter il, IlLocal? callbackFrame)
    {
        if (callbackFrame is not null) throw new InvalidOperationException($"{symbol}: a compiled stub takes function pointers as nint; delegates go through its callback overload");
    }

    /// <inheritdoc />
    public override void PushTypedTarget(IlWriter il) =>
        throw new InvalidOperationException($"{symbol}: a compiled binding has no run-time TypedTarget; its signature must not pick a run-time-only marshaller");
}
