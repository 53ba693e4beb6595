using System.Reflection.Emit;
using Ffi.Il;
using Ffi.Runtime;

namespace Ffi.Downcalls;

/// <summary>
/// The test and source of a by-value aggregate argument in a dynamic invoker (<see cref="DynamicArgumentChecks"/>):
/// where the call copies the aggregate's bytes from, or the fallback to the general path.
/// </summary>
internal static class DynamicAggregateArgument
{
    // The bytes of storage stay where they are and are copied by the call (into a carrier or the stack
    // image); an inline value (which has no address) or a managed StructValue (which the GC may move) is first copied to
    // a buffer of this invoker's frame. `push` pushes what AggregateSource takes
    // (`from`: a ref FfiValue or an object); on 0 the argument goes to `fail`.
    public static void Emit(IlWriter il, Action<IlWriter> push, Type from, int index, FastSlot slot, IlLabel fail, DynamicArgumentChecks.LocalSource source)
    {
        var address = il.DeclareLocal(typeof(nint));
        var scratch = il.DeclareLocal(typeof(byte*));
        long size = slot.Type.Size;
        if (size <= 16)
        {
            il.Emit(OpCodes.Ldloca, il.DeclareLocal(typeof(Int128)));
            il.Emit(OpCodes.Conv_U);
        }
        else
        {
            il.Emit(OpCodes.Ldc_I8, size); // localloc wants an otherwise empty stack
            il.Emit(OpCodes.Conv_U);
            il.Emit(OpCodes.Localloc);
        }
        il.Emit(OpCodes.Stloc, scratch);
        push(il);
        il.Emit(OpCodes.Ldc_I8, size);
        il.Emit(OpCodes.Ldloc, scratch);
        il.Emit(OpCodes.Call, typeof(FastSlot).GetMethod(nameof(FastSlot.AggregateSource), [from, typeof(long), typeof(byte*)])!);
        il.Emit(OpCodes.Stloc, address);
        il.Emit(OpCodes.Ldloc, address);
        il.Emit(OpCodes.Brfalse, fail);
        source.Aggregates[index] = new(address, size);
    }
}
