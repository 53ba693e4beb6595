using System.Reflection.Emit;

namespace Ffi.Marshallers;

/// <summary>
/// A CLR array of an unmanaged element for a C pointer: pinned by a pinned local for the call, passed as the
/// address of element 0 (NULL for a null or empty array). C writes land in the array. Downcalls only: C hands a
/// callback a raw pointer, never a managed array.
/// </summary>
internal sealed class PinnedArrayMarshaller : ArgumentMarshaller
{
    /// <summary>The one instance.</summary>
    public static readonly PinnedArrayMarshaller Instance = new();

    private PinnedArrayMarshaller() { }

    /// <inheritdoc />
    public override string Name => "pinned array";

    /// <inheritdoc />
    public override bool ServesCallbackParameter => false;

    /// <inheritdoc />
    public override void Pin(DowncallStub stub, DowncallArgument a)
    {
        var il = stub.Il;
        var element = a.Clr.GetElementType()!;
        var pinned = il.DeclareLocal(a.Clr, pinned: true);
        var local = il.DeclareLocal(typeof(nint));
        var empty = il.DefineLabel();
        var done = il.DefineLabel();
        il.Emit(OpCodes.Ldarg, a.IlArgument);
        il.Emit(OpCodes.Dup);
        il.Emit(OpCodes.Stloc, pinned);
        il.Emit(OpCodes.Brfalse, empty);
        il.Emit(OpCodes.Ldloc, pinned);
        il.Emit(OpCodes.Ldlen);
        il.Emit(OpCodes.Brfalse, empty);
        il.Emit(OpCodes.Ldloc, pinned);
        il.Emit(OpCodes.Ldc_I4_0);
        il.Emit(OpCodes.Ldelema, element);
        il.Emit(OpCodes.Conv_U);
        il.Emit(OpCodes.Stloc, local);
        il.Emit(OpCodes.Br, done);
        il.MarkLabel(empty);
        il.Emit(OpCodes.Ldc_I4_0);
        il.Emit(OpCodes.Conv_U);
        il.Emit(OpCodes.Stloc, local);
        il.MarkLabel(done);
        a.Value = local;
    }
}
