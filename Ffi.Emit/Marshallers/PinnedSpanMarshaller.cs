using System.Reflection.Emit;

namespace Ffi.Marshallers;

/// <summary>
/// A <c>Span&lt;T&gt;</c> or <c>ReadOnlySpan&lt;T&gt;</c> of an unmanaged element for a C pointer: pinned through its
/// <c>GetPinnableReference</c> (NULL for an empty span) and passed as that address. Downcalls only.
/// </summary>
internal sealed class PinnedSpanMarshaller : ArgumentMarshaller
{
    /// <summary>The one instance.</summary>
    public static readonly PinnedSpanMarshaller Instance = new();

    private PinnedSpanMarshaller() { }

    /// <inheritdoc />
    public override string Name => "pinned span";

    /// <inheritdoc />
    public override bool ServesCallbackParameter => false;

    /// <inheritdoc />
    public override void Pin(DowncallStub stub, DowncallArgument a)
    {
        var il = stub.Il;
        var element = a.Clr.GetGenericArguments()[0];
        var pinned = il.DeclareLocal(element.MakeByRefType(), pinned: true);
        var local = il.DeclareLocal(typeof(nint));
        il.Emit(OpCodes.Ldarga, a.IlArgument);
        il.Emit(OpCodes.Call, a.Clr.GetMethod("GetPinnableReference")!);
        il.Emit(OpCodes.Stloc, pinned);
        il.Emit(OpCodes.Ldloc, pinned);
        il.Emit(OpCodes.Conv_U);
        il.Emit(OpCodes.Stloc, local);
        a.Value = local;
    }
}
