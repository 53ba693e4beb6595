using System.Reflection.Emit;
using Ffi.Il;

namespace Ffi.Marshallers;

/// <summary>
/// A struct that wraps a handle's representation for a C handle: compiled bindings' strongly typed handles
/// (<c>readonly struct sqlite3 { public readonly nint Value; }</c> for <c>sqlite3 *</c>). C sees the representation:
/// its bytes are the struct's, passed and returned in the representation's own carrier (a pointer in an integer
/// register), so the struct is reinterpreted in place, never copied field by field.
/// </summary>
internal sealed class HandleMarshaller : ArgumentMarshaller
{
    /// <summary>The one instance.</summary>
    public static readonly HandleMarshaller Instance = new();

    private HandleMarshaller() { }

    /// <inheritdoc />
    public override string Name => "handle struct";

    /// <inheritdoc />
    public override void PushValue(IlWriter il, DowncallArgument a, Type carrier, int bytes)
    {
        il.Emit(OpCodes.Ldarga, a.IlArgument);
        il.Emit(OpCodes.Ldobj, carrier);
    }

    /// <inheritdoc />
    public override void PushAddress(IlWriter il, DowncallArgument a) => il.Emit(OpCodes.Ldarga, a.IlArgument);

    /// <inheritdoc />
    public override void Unmarshal(DowncallStub stub, IlLocal? result)
    {
        var il = stub.Il;
        var c = il.DeclareLocal(Carriers.Of(stub.Lowered.Return));
        il.Emit(OpCodes.Stloc, c);
        il.Emit(OpCodes.Ldloca, c);
        il.Emit(OpCodes.Ldobj, stub.ReturnType);
        il.Emit(OpCodes.Stloc, result!);
    }

    /// <inheritdoc />
    public override void PushCallbackArgument(UpcallFrame frame, int index, Type clr)
    {
        frame.PushArgumentAddress(index);
        frame.Il.Emit(OpCodes.Ldobj, clr);
    }

    /// <inheritdoc />
    public override void StoreCallbackResult(UpcallFrame frame, Type clr)
    {
        var il = frame.Il;
        var value = il.DeclareLocal(clr);
        il.Emit(OpCodes.Stloc, value);
        il.Emit(OpCodes.Ldloca, value);
        il.Emit(OpCodes.Ldobj, frame.Result!.Type);
        il.Emit(OpCodes.Stloc, frame.Result);
    }
}
