using System.Reflection.Emit;
using System.Runtime.InteropServices;
using Ffi.Abi;

namespace Ffi.Il;

/// <summary>
/// The IL that moves C values in and out of carriers, shared by downcall stubs (the recipe run forwards) and
/// trampolines (run backwards): a call's carrier signature, copies between memory and carriers, constant offsets.
/// </summary>
internal static class CarrierIl
{
    /// <summary>The CLR signature of the unmanaged call: carrier return type and carrier parameter types.</summary>
    public static (Type Return, Type[] Parameters) Signature(LoweredCall call) =>
        (Carriers.Of(call.Return), call.Slots.Select(Carriers.Of).ToArray());

    /// <summary>
    /// After <c>CallEmitter.EmitCall</c>: stores a register result (scalar or eightbytes carrier) at the address
    /// <paramref name="pushDestination"/> pushes, copying the bytes the C value and the carrier share.
    /// </summary>
    public static void EmitStoreResult(IlWriter il, LoweredCall call, Action<IlWriter> pushDestination)
    {
        int bytes;
        switch (call.Return)
        {
            case ScalarReturn s: bytes = Marshal.SizeOf(Carriers.Scalar(s.Rep)); break;
            case EightbytesReturn e: bytes = e.Bytes; break;
            default: return;
        }
        var result = il.DeclareLocal(Carriers.Of(call.Return));
        il.Emit(OpCodes.Stloc, result);
        pushDestination(il);
        il.Emit(OpCodes.Ldloca, result);
        il.Emit(OpCodes.Ldc_I4, bytes);
        il.Emit(OpCodes.Cpblk);
    }

    /// <summary>Copies <paramref name="bytes"/> from the address on the stack into a zeroed carrier and pushes the carrier.</summary>
    public static void EmitCarrierFrom(IlWriter il, Action<IlWriter> pushSource, Type carrier, int bytes)
    {
        var c = il.DeclareLocal(carrier);
        il.Emit(OpCodes.Ldloca, c);
        il.Emit(OpCodes.Initobj, carrier);
        il.Emit(OpCodes.Ldloca, c);
        pushSource(il);
        il.Emit(OpCodes.Ldc_I4, bytes);
        il.Emit(OpCodes.Cpblk);
        il.Emit(OpCodes.Ldloc, c);
    }

    /// <summary>Adds a constant byte offset to the address on the stack.</summary>
    public static void Offset(IlWriter il, long offset)
    {
        if (offset == 0) return;
        il.Emit(OpCodes.Ldc_I4, checked((int)offset));
        il.Emit(OpCodes.Add);
    }
}
