using System.Reflection;
using System.Reflection.Emit;
using Ffi.Abi;
using Ffi.Il;

namespace Ffi.Marshallers;

/// <summary>
/// What the marshallers of one typed trampoline share while it is emitted: the writer, the recipe C called it by
/// (run backwards: each argument is read where C put it), the trampoline's slot field and its result carrier.
/// </summary>
internal sealed class UpcallFrame(IlWriter il, LoweredCall args, FieldInfo slot, IlLocal? result)
{
    /// <summary>The writer.</summary>
    public IlWriter Il { get; } = il;

    /// <summary>The callback's recipe.</summary>
    public LoweredCall Args { get; } = args;

    /// <summary>
    /// Pushes the trampoline's slot (<see cref="Runtime.CallbackSlot"/>, or a compiled binding's slot): a read of its
    /// static field, which is set once, before the trampoline's address is handed out.
    /// </summary>
    public void PushSlot() => Il.Emit(OpCodes.Ldsfld, slot);

    /// <summary>The return carrier's local, or null (void, or a MEMORY-class result written through the hidden pointer).</summary>
    public IlLocal? Result { get; } = result;

    /// <summary>Pushes the address of argument <paramref name="index"/>'s C bytes.</summary>
    public void PushArgumentAddress(int index) => PushAddress(Il, Args, index);

    /// <summary>
    /// Pushes the address of argument <paramref name="index"/>'s C bytes where C passed them: its own IL argument (a
    /// register slot), or its offset in the stack image (the recipe run backwards).
    /// </summary>
    public static void PushAddress(IlWriter il, LoweredCall call, int index)
    {
        var home = call.HomeOf(index);
        il.Emit(OpCodes.Ldarga, home.Slot);
        CarrierIl.Offset(il, home.Offset);
    }
}
