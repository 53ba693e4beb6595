using System.Reflection.Emit;
using Ffi.Abi;
using Ffi.Il;

namespace Ffi.Marshallers;

/// <summary>
/// How one kind of CLR value stands for a C value in emitted code, in both directions, as LibraryImportGenerator's
/// marshallers do. A typed downcall stub (<c>TypedStub</c>) runs every parameter through the stages in order —
/// <see cref="Setup"/>, <see cref="Marshal"/>, <see cref="Pin"/>, then the call pushes each carrier
/// (<see cref="PushValue"/>/<see cref="PushAddress"/>), then <see cref="Unmarshal"/> for the result and
/// <see cref="Cleanup"/> — and a typed trampoline runs the same marshallers backwards
/// (<see cref="PushCallbackArgument"/>, <see cref="StoreCallbackResult"/>). Marshallers are stateless singletons
/// (equal kinds are the same object, so stub keys compare them); what one stub needs between stages lives in its
/// <see cref="DowncallArgument"/>. They write IL only through <see cref="IlWriter"/>.
/// </summary>
internal abstract class ArgumentMarshaller
{
    /// <summary>The kind's name, for listings and messages.</summary>
    public abstract string Name { get; }

    /// <summary>Whether a typed callback can take a C argument of this kind (C passes raw values, never a managed array).</summary>
    public virtual bool ServesCallbackParameter => true;

    /// <summary>Whether a downcall with an argument of this kind is tracked by a callback frame (a callback may run during it).</summary>
    public virtual bool TracksCall => false;

    /// <summary>Setup: checks that can throw, before anything is acquired (a <c>NativePointer</c>'s tag).</summary>
    public virtual void Setup(DowncallStub stub, DowncallArgument a) { }

    /// <summary>Marshal: conversions that acquire what <see cref="Cleanup"/> releases (a callback's trampoline lease).</summary>
    public virtual void Marshal(DowncallStub stub, DowncallArgument a) { }

    /// <summary>Pin: copies and pins whose address the call passes (a string's UTF-8 copy, a pinned array).</summary>
    public virtual void Pin(DowncallStub stub, DowncallArgument a) { }

    /// <summary>Push: the argument as a register carrier, of which <paramref name="bytes"/> are the C value's.</summary>
    public virtual void PushValue(IlWriter il, DowncallArgument a, Type carrier, int bytes)
    {
        if (a.Value is not null)
        {
            il.Emit(OpCodes.Ldloc, a.Value);
            return;
        }
        il.Emit(OpCodes.Ldarg, a.IlArgument);
        ScalarConversion.Widen(il, a.Clr, carrier);
    }

    /// <summary>Push: the address of the argument's C bytes, to copy into the stack image.</summary>
    public virtual void PushAddress(IlWriter il, DowncallArgument a)
    {
        if (a.Value is not null)
        {
            il.Emit(OpCodes.Ldloca, a.Value);
            return;
        }
        var carrier = Carriers.Scalar(SysVCallPlanner.RepOf(a.C));
        if (carrier == a.Clr || ScalarConversion.SizeOf(a.Clr) == a.C.Size)
        {
            il.Emit(OpCodes.Ldarga, a.IlArgument);
            return;
        }
        PushConvertedAddress(il, a, carrier);
    }

    /// <summary>
    /// Push: the argument's own CLR value as the whole stack image of <paramref name="bytes"/> bytes, when that value
    /// is the image byte for byte; returns its type, or null having pushed nothing (the image is then built by copies).
    /// </summary>
    public virtual Type? TryPushWhole(IlWriter il, DowncallArgument a, long bytes) => null;

    /// <summary>
    /// Unmarshal: the call's result (its carrier on the stack, or in <see cref="DowncallStub.ReturnStorage"/> for a
    /// MEMORY-class result) into <paramref name="result"/> as the delegate's return type.
    /// </summary>
    public virtual void Unmarshal(DowncallStub stub, IlLocal? result) =>
        throw new System.Diagnostics.UnreachableException($"MappingRules.MapReturn never picks {Name} for a result");

    /// <summary>Cleanup: releases what <see cref="Marshal"/> and <see cref="Pin"/> acquired, after the call.</summary>
    public virtual void Cleanup(DowncallStub stub, DowncallArgument a) { }

    /// <summary>
    /// The reverse direction: pushes the C argument <paramref name="index"/> of a callback (where the recipe says C put
    /// it) as the delegate's parameter type <paramref name="clr"/>.
    /// </summary>
    public virtual void PushCallbackArgument(UpcallFrame frame, int index, Type clr)
    {
        var home = frame.Args.HomeOf(index);
        var rep = Carriers.Scalar(home.Rep ?? throw new System.Diagnostics.UnreachableException($"argument {index} is not a scalar"));
        frame.PushArgumentAddress(index);
        frame.Il.Emit(OpCodes.Ldobj, rep);
        FromCarrier(frame, index);
    }

    /// <summary>After <see cref="PushCallbackArgument"/> loaded the C scalar: converts it to the delegate's type.</summary>
    protected virtual void FromCarrier(UpcallFrame frame, int index) { }

    /// <summary>The reverse direction: stores the delegate's result (on the stack) where C expects the callback's return.</summary>
    public virtual void StoreCallbackResult(UpcallFrame frame, Type clr) => frame.Il.Emit(OpCodes.Stloc, frame.Result!);

    /// <summary>Converts the argument into a local of the C scalar's carrier and pushes its address (a promoted variadic extra).</summary>
    protected static void PushConvertedAddress(IlWriter il, DowncallArgument a, Type carrier)
    {
        var converted = il.DeclareLocal(carrier);
        il.Emit(OpCodes.Ldarg, a.IlArgument);
        ScalarConversion.Widen(il, a.Clr, carrier);
        il.Emit(OpCodes.Stloc, converted);
        il.Emit(OpCodes.Ldloca, converted);
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
