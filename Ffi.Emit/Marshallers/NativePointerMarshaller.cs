using System.Reflection.Emit;
using Ffi.Il;
using Ffi.Memory;
using Ffi.Runtime;

namespace Ffi.Marshallers;

/// <summary>
/// A <see cref="NativePointer"/> for a C pointer or handle: its tag is checked against the C type before anything
/// is acquired (a pointer tagged "B" refused where "A" is expected), and a pointer from C comes back typed and
/// tagged as the C type says.
/// </summary>
internal sealed class NativePointerMarshaller : ArgumentMarshaller
{
    /// <summary>The one instance.</summary>
    public static readonly NativePointerMarshaller Instance = new();

    private NativePointerMarshaller() { }

    /// <inheritdoc />
    public override string Name => "NativePointer";

    /// <inheritdoc />
    public override void Setup(DowncallStub stub, DowncallArgument a)
    {
        var il = stub.Il;
        var local = il.DeclareLocal(typeof(nint));
        stub.PushTarget();
        il.Emit(OpCodes.Ldarg, a.IlArgument);
        il.Emit(OpCodes.Ldc_I4, a.Index);
        stub.CallTarget(nameof(TypedTarget.AddressOf));
        il.Emit(OpCodes.Stloc, local);
        a.Value = local;
    }

    /// <inheritdoc />
    public override void Unmarshal(DowncallStub stub, IlLocal? result)
    {
        var il = stub.Il;
        var raw = il.DeclareLocal(typeof(nint));
        il.Emit(OpCodes.Stloc, raw);
        stub.PushTarget();
        il.Emit(OpCodes.Ldloc, raw);
        stub.CallTarget(nameof(TypedTarget.MakePointer));
        il.Emit(OpCodes.Stloc, result!);
    }

    /// <inheritdoc />
    protected override void FromCarrier(UpcallFrame frame, int index) =>
        CallWithSlot(frame, typeof(nint), index, nameof(CallbackSlot.PointerArgument));

    /// <inheritdoc />
    public override void StoreCallbackResult(UpcallFrame frame, Type clr)
    {
        CallWithSlot(frame, typeof(NativePointer), null, nameof(CallbackSlot.PointerResult));
        frame.Il.Emit(OpCodes.Stloc, frame.Result!);
    }

    // With a value of `valueType` on the stack: calls slot.`helper`([index,] value) on the trampoline's CallbackSlot.
    private static void CallWithSlot(UpcallFrame frame, Type valueType, int? index, string helper)
    {
        var il = frame.Il;
        var value = il.DeclareLocal(valueType);
        il.Emit(OpCodes.Stloc, value);
        frame.PushSlot();
        if (index is { } i) il.Emit(OpCodes.Ldc_I4, i);
        il.Emit(OpCodes.Ldloc, value);
        il.Emit(OpCodes.Call, typeof(CallbackSlot).GetMethod(helper)!);
    }
}
