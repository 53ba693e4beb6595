using System.Reflection.Emit;
using System.Reflection;
using System.Runtime.InteropServices;
using Ffi.Abi;
using Ffi.Il;

namespace Ffi.Downcalls;

/// <summary>Where the emitted call finds each argument: the raw stub reads a buffer, a typed stub its CLR arguments.</summary>
internal abstract class ArgumentSource
{
    /// <summary>
    /// Pushes argument <paramref name="index"/> as a value of <paramref name="carrier"/> (a register slot), of which
    /// <paramref name="bytes"/> are the C value's (an aggregate copied into a zeroed carrier copies that many).
    /// </summary>
    public abstract void PushValue(IlWriter il, int index, Type carrier, int bytes);

    /// <summary>Pushes the address of argument <paramref name="index"/>'s C bytes (to copy into the stack image).</summary>
    public abstract void PushAddress(IlWriter il, int index);

    /// <summary>Pushes the hidden return pointer (storage for a MEMORY-class result, aligned for the C type).</summary>
    public abstract void PushReturnPointer(IlWriter il);

    /// <summary>
    /// Pushes <paramref name="image"/> straight from one argument whose CLR value is the image byte for byte, and
    /// returns the CLR type pushed (the <c>calli</c> parameter in place of the stack image type); or pushes nothing
    /// and returns null, and the call builds the image by its copies.
    /// </summary>
    public virtual Type? TryPushWholeImage(IlWriter il, StackImageSlot image) => null;
}

/// <summary>
/// Runs a <see cref="LoweredCall"/> forwards in IL: loads each slot of the unmanaged signature from the arguments and
/// makes one unmanaged call — a <c>calli</c>, or a call to a P/Invoke method (for functions declared trivial). It
/// decides nothing the recipe did not.
/// </summary>
/// <remarks>
/// No exception handler may surround the call: on 64-bit the JIT does not inline a P/Invoke inside a try region,
/// and the generic helper it falls back to is slower (and misbehaved under GC pressure on this runtime).
/// </remarks>
internal static class CallEmitter
{
    /// <summary>
    /// Emits the call. Afterwards the evaluation stack holds the result as <see cref="Carriers.Of(ReturnCarrier)"/>
    /// (nothing for void and MEMORY results, which are in the hidden pointer's storage).
    /// </summary>
    /// <param name="il">The generator.</param>
    /// <param name="call">What to execute.</param>
    /// <param name="args">Where the arguments are.</param>
    /// <param name="pushFunction">Pushes the function pointer for <c>calli</c>; unused with <paramref name="pinvoke"/>.</param>
    /// <param name="pinvoke">A P/Invoke method with <see cref="CarrierIl.Signature"/>'s types to call instead of <c>calli</c>.</param>
    /// <param name="captureErrno">Store C's errno in <see cref="Native.LastErrno"/> right after the call.</param>
    /// <param name="pushOwner">
    /// Pushes the object that keeps the function's library loaded (its module's <c>ModuleLifetime</c>, or an object
    /// holding it): it stays reachable until the call has returned, so a module disposed meanwhile cannot be unloaded
    /// under the call. <see cref="GC.KeepAlive"/> is a JIT intrinsic: it extends the lifetime and emits no code.
    /// </param>
    public static void EmitCall(IlWriter il, LoweredCall call, ArgumentSource args, Action<IlWriter>? pushFunction, MethodInfo? pinvoke, bool captureErrno,
        Action<IlWriter>? pushOwner = null)
    {
        var (returnType, calliParams) = CarrierIl.Signature(call);
        for (int i = 0; i < call.Slots.Count; i++)
        {
            var slot = call.Slots[i];
            switch (slot)
            {
                case HiddenReturnSlot:
                    args.PushReturnPointer(il);
                    break;
                case ScalarSlot s:
                    args.PushValue(il, s.Argument, Carriers.Scalar(s.Rep), 0);
                    break;
                case EightbytesSlot e:
                    args.PushValue(il, e.Argument, Carriers.Of(e.Shape), e.Bytes);
                    break;
                case StackImageSlot image when pinvoke is null && args.TryPushWholeImage(il, image) is { } whole:
                    // `f(v)` with v of 40 bytes: the JIT copies v into the outgoing area once, as [LibraryImport]'s
                    // call does, instead of into a zeroed image first. (A P/Invoke method's signature names the image.)
                    calliParams[i] = whole;
                    break;
                case StackImageSlot image:
                    var imageType = Carriers.StackImage(image.Size);
                    var local = il.DeclareLocal(imageType);
                    il.Emit(OpCodes.Ldloca, local);
                    il.Emit(OpCodes.Initobj, imageType);
                    foreach (var copy in image.Copies)
                    {
                        il.Emit(OpCodes.Ldloca, local);
                        CarrierIl.Offset(il, copy.Offset);
                        args.PushAddress(il, copy.Argument);
                        il.Emit(OpCodes.Ldc_I4, checked((int)copy.Bytes));
                        il.Emit(OpCodes.Cpblk);
                    }
                    il.Emit(OpCodes.Ldloc, local);
                    break;
                default:
                    throw new System.Diagnostics.UnreachableException($"unknown slot {slot}");
            }
        }

        if (pinvoke is not null)
        {
            il.Emit(OpCodes.Call, pinvoke);
        }
        else
        {
            pushFunction!(il);
            il.EmitCalli(returnType, calliParams);
        }
        if (captureErrno)
        {
            // First thing after the call: nothing else may run before errno is read.
            il.Emit(OpCodes.Call, typeof(Marshal).GetMethod(nameof(Marshal.GetLastSystemError))!);
            il.Emit(OpCodes.Call, typeof(Native.LastErrno).GetMethod(nameof(Native.LastErrno.Set))!);
        }
        if (pushOwner is not null)
        {
            pushOwner(il);
            il.Emit(OpCodes.Call, KeepAlive);
        }
        if (call.Return is MemoryReturn) il.Emit(OpCodes.Pop); // rax repeats the hidden pointer
    }

    private static readonly MethodInfo KeepAlive = typeof(GC).GetMethod(nameof(GC.KeepAlive))!;
}
