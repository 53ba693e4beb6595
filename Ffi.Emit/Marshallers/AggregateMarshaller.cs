using System.Reflection.Emit;
using Ffi.Abi;
using Ffi.Il;

namespace Ffi.Marshallers;

/// <summary>
/// An unmanaged CLR struct of the C size for a by-value struct, union or array: its bytes are the C bytes. Passed
/// in eightbyte carriers (copied into a zeroed carrier), or copied from its address into the stack image; a result
/// is read from the carrier or from the hidden return pointer's storage. A callback receives a copy and returns
/// its value the same ways.
/// </summary>
internal sealed class AggregateMarshaller : ArgumentMarshaller
{
    /// <summary>The one instance.</summary>
    public static readonly AggregateMarshaller Instance = new();

    private AggregateMarshaller() { }

    /// <inheritdoc />
    public override string Name => "by-value aggregate";

    /// <inheritdoc />
    public override void PushValue(IlWriter il, DowncallArgument a, Type carrier, int bytes) =>
        CarrierIl.EmitCarrierFrom(il, g => g.Emit(OpCodes.Ldarga, a.IlArgument), carrier, bytes);

    /// <inheritdoc />
    public override void PushAddress(IlWriter il, DowncallArgument a) => il.Emit(OpCodes.Ldarga, a.IlArgument);

    /// <summary>
    /// The struct itself when the image is its C size: MappingRules took it because its CLR size is the C size, and
    /// an image copy takes its raw bytes, so passing it by value (more than 16 bytes: in memory) gives C the same
    /// bytes in one copy, as <c>[LibraryImport]</c> does. Only bytes outside its fields may differ: the JIT may copy
    /// a struct without explicit size or offsets field by field. In a struct that mirrors the C one those are C's
    /// padding, which C reads no value from; an explicit layout (a union's overlapping fields, a size beyond the fields)
    /// is copied whole (<c>MemoryArgumentPassingTests</c>).
    /// </summary>
    public override Type? TryPushWhole(IlWriter il, DowncallArgument a, long bytes)
    {
        if (a.C.Size != bytes) return null;
        il.Emit(OpCodes.Ldarg, a.IlArgument);
        return a.Clr;
    }

    /// <inheritdoc />
    public override void Unmarshal(DowncallStub stub, IlLocal? result)
    {
        var il = stub.Il;
        if (stub.Lowered.Return is MemoryReturn)
        {
            il.Emit(OpCodes.Ldloc, stub.ReturnStorage!);
        }
        else
        {
            var c = il.DeclareLocal(Carriers.Of(stub.Lowered.Return));
            il.Emit(OpCodes.Stloc, c);
            il.Emit(OpCodes.Ldloca, c);
        }
        il.Emit(OpCodes.Ldobj, stub.ReturnType);
        il.Emit(OpCodes.Stloc, result!);
    }

    /// <inheritdoc />
    public override void PushCallbackArgument(UpcallFrame frame, int index, Type clr)
    {
        var il = frame.Il;
        var home = frame.Args.HomeOf(index);
        var value = il.DeclareLocal(clr);
        il.Emit(OpCodes.Ldloca, value);
        il.Emit(OpCodes.Initobj, clr);
        if (home.Kind != ArgumentHomeKind.Omitted)
        {
            il.Emit(OpCodes.Ldloca, value);
            frame.PushArgumentAddress(index);
            il.Emit(OpCodes.Ldc_I4, checked((int)home.Bytes));
            il.Emit(OpCodes.Cpblk);
        }
        il.Emit(OpCodes.Ldloc, value);
    }

    /// <inheritdoc />
    public override void StoreCallbackResult(UpcallFrame frame, Type clr)
    {
        var il = frame.Il;
        var value = il.DeclareLocal(clr);
        il.Emit(OpCodes.Stloc, value);
        int bytes;
        if (frame.Args.Return is MemoryReturn m)
        {
            il.Emit(OpCodes.Ldarg_0);
            bytes = checked((int)m.Size);
        }
        else if (frame.Args.Return is EightbytesReturn e)
        {
            il.Emit(OpCodes.Ldloca, frame.Result!);
            bytes = e.Bytes;
        }
        else
        {
            return; // an empty aggregate: nothing to return
        }
        il.Emit(OpCodes.Ldloca, value);
        il.Emit(OpCodes.Ldc_I4, bytes);
        il.Emit(OpCodes.Cpblk);
    }
}
