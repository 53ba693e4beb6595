using System.Reflection.Emit;
using System.Reflection;
using Ffi.Abi;
using Ffi.Il;
using Ffi.Runtime;
using Ffi.Shapes;

namespace Ffi.Downcalls;

/// <summary>
/// What a raw stub's code depends on — the recipe, the argument buffer's layout and errno capture, never type
/// names — so that functions with the same shape share one stub; a trivial function's stub calls its own P/Invoke,
/// so it is its own (<paramref name="TrivialSymbol"/>). A class: a value-type key would make the JIT compile the stub
/// cache's dictionary code for it when a module opens (docs/benchmarks.md, cold start).
/// </summary>
internal sealed record RawStubKey(LoweredCall Lowered, ArgumentFrame Frame, bool CaptureErrno, string? TrivialSymbol);

/// <summary>
/// Emits a <see cref="RawCall"/> per call shape: a DynamicMethod that loads each argument from the argument buffer
/// (laid out by <see cref="ArgumentFrame"/>) and makes the call as <see cref="CallEmitter"/> does.
/// </summary>
internal static class RawCallStub
{
    /// <param name="shape">What to execute.</param>
    /// <param name="name">The function's name, for diagnostics.</param>
    /// <param name="captureErrno">Store C's errno in <see cref="Native.LastErrno"/> right after the call.</param>
    /// <param name="pinvoke">A P/Invoke method to call instead of <c>calli</c> (trivial functions; <c>fn</c> is then ignored).</param>
    public static RawCall Emit(CallShape shape, string name, bool captureErrno = false, MethodInfo? pinvoke = null)
    {
        // Anonymously hosted: a method owned by a module inherits that module's debuggable flag, and in debuggable
        // code the JIT does not inline the P/Invoke but routes it through the runtime's generic calli helper, which
        // is slower and corrupted arguments under GC pressure (RawCallGccTests.RandomSignaturesAgreeWithGccUnderGcPressure).
        var dm = new DynamicMethod($"ffi_raw_{name}", typeof(void), [typeof(nint), typeof(byte*), typeof(byte*)], restrictedSkipVisibility: true);
        var il = StubListings.For(dm.GetILGenerator());
        CallEmitter.EmitCall(il, shape.Lowered, new BufferSource(shape.Frame), static il => il.Emit(OpCodes.Ldarg_0), pinvoke, captureErrno);
        CarrierIl.EmitStoreResult(il, shape.Lowered, static il => il.Emit(OpCodes.Ldarg_2));
        il.Emit(OpCodes.Ret);
        StubListings.Done(dm.Name, il);
        return dm.CreateDelegate<RawCall>();
    }

    // Arguments at the frame's offsets in the buffer (arg 1); the return buffer (arg 2) is the hidden pointer.
    private sealed class BufferSource(ArgumentFrame frame) : ArgumentSource
    {
        public override void PushValue(IlWriter il, int index, Type carrier, int bytes)
        {
            // The buffer holds whole eightbytes per argument (zeroed around aggregates), so a carrier loads as is.
            PushAddress(il, index);
            il.Emit(OpCodes.Ldobj, carrier);
        }

        public override void PushAddress(IlWriter il, int index)
        {
            il.Emit(OpCodes.Ldarg_1);
            CarrierIl.Offset(il, frame.OffsetOf(index));
        }

        public override void PushReturnPointer(IlWriter il) => il.Emit(OpCodes.Ldarg_2);
    }
}
