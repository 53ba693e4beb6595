using System.Reflection.Emit;

namespace Ffi.Marshallers;

/// <summary>
/// A <c>ref</c>, <c>out</c> or <c>in</c> parameter for a C pointer to its element: <c>out int rem</c> for <c>int *rem</c>,
/// <c>ref Point p</c> for <c>struct point *p</c> (what <c>[LibraryImport]</c> users write). The element is blittable
/// (the rule checks that it maps to the pointee by value), so nothing is copied: the reference is pinned for the
/// call and its address passed, and C reads and writes the caller's variable in place. In a callback the pointer C
/// passes becomes the reference (a NULL pointer is a null reference: reading it throws
/// <see cref="NullReferenceException"/> in the callback, which fails the call).
/// </summary>
internal sealed class ByRefMarshaller : ArgumentMarshaller
{
    /// <summary>The one instance.</summary>
    public static readonly ByRefMarshaller Instance = new();

    private ByRefMarshaller() { }

    /// <inheritdoc />
    public override string Name => "by reference";

    /// <inheritdoc />
    public override void Pin(DowncallStub stub, DowncallArgument a)
    {
        // A pinned byref local: the referent (a field of a heap object, an array element) cannot move during the call.
        var il = stub.Il;
        var pinned = il.DeclareLocal(a.Clr, pinned: true);
        var local = il.DeclareLocal(typeof(nint));
        il.Emit(OpCodes.Ldarg, a.IlArgument);
        il.Emit(OpCodes.Stloc, pinned);
        il.Emit(OpCodes.Ldloc, pinned);
        il.Emit(OpCodes.Conv_U);
        il.Emit(OpCodes.Stloc, local);
        a.Value = local;
    }

    // The C pointer, loaded as a native int, is the managed reference (as Unsafe.AsRef<T>(void*) is: no conversion).
    /// <inheritdoc />
    protected override void FromCarrier(UpcallFrame frame, int index) { }
}
