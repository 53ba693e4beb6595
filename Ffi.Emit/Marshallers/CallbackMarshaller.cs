using System.Reflection.Emit;
using System.Reflection;
using Ffi.Runtime;

namespace Ffi.Marshallers;

/// <summary>
/// A delegate for a C function pointer parameter: its trampoline pool is found first (a mismatched delegate throws
/// before anything is acquired), the call is tracked by a callback frame, a transient trampoline is leased for the
/// call and its address passed, and the lease is released after the call. Downcalls only: a callback that takes a
/// callback receives its address (<c>nint</c>).
/// </summary>
internal sealed class CallbackMarshaller : ArgumentMarshaller
{
    /// <summary>The one instance.</summary>
    public static readonly CallbackMarshaller Instance = new();

    private CallbackMarshaller() { }

    /// <inheritdoc />
    public override string Name => "callback";

    /// <inheritdoc />
    public override bool ServesCallbackParameter => false;

    /// <inheritdoc />
    public override bool TracksCall => true;

    /// <inheritdoc />
    public override void Setup(DowncallStub stub, DowncallArgument a)
    {
        var il = stub.Il;
        var pool = il.DeclareLocal(typeof(SlotPool));
        stub.PushTarget();
        il.Emit(OpCodes.Ldc_I4, a.Index);
        il.Emit(OpCodes.Ldarg, a.IlArgument);
        stub.CallTarget(nameof(TypedTarget.CallbackPool));
        il.Emit(OpCodes.Stloc, pool);
        a.Kept = pool;
    }

    /// <inheritdoc />
    public override void Marshal(DowncallStub stub, DowncallArgument a)
    {
        var il = stub.Il;
        var frame = stub.EnterCallbackFrame();
        var slot = il.DeclareLocal(typeof(CallbackSlot));
        var address = il.DeclareLocal(typeof(nint));
        stub.PushTarget();
        il.Emit(OpCodes.Ldc_I4, a.Index);
        il.Emit(OpCodes.Ldloc, a.Kept!);
        il.Emit(OpCodes.Ldarg, a.IlArgument);
        il.Emit(OpCodes.Ldloc, frame);
        stub.CallTarget(nameof(TypedTarget.Lease));
        il.Emit(OpCodes.Dup);
        il.Emit(OpCodes.Stloc, slot);
        stub.CallTarget(nameof(TypedTarget.CallbackAddress));
        il.Emit(OpCodes.Stloc, address);
        a.Value = address;
        a.Kept = slot;
    }

    /// <inheritdoc />
    public override void Cleanup(DowncallStub stub, DowncallArgument a)
    {
        stub.Il.Emit(OpCodes.Ldloc, a.Kept!);
        stub.Il.Emit(OpCodes.Call, typeof(CallbackSlot).GetMethod(nameof(CallbackSlot.ReleaseTransient))!);
    }
}
