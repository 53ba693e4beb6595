using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.InteropServices;
using Ffi.Abi;

namespace Ffi.Downcalls;

/// <summary>A generated stub: calls <c>fn</c> with the arguments laid out in <c>args</c> (see <see cref="ArgumentFrame"/>) and stores the result in <c>ret</c>.</summary>
internal unsafe delegate void RawCall(nint fn, byte* args, byte* ret);

/// <summary>
/// Emits a <see cref="RawCall"/> per <see cref="CallPlan"/>: a DynamicMethod that loads each argument from the
/// argument buffer (laid out by <see cref="ArgumentFrame"/>) and makes the call as <see cref="CallEmitter"/> does.
/// </summary>
internal static class RawCallStub
{
    /// <param name="plan">What to execute.</param>
    /// <param name="name">The function's name, for diagnostics.</param>
    /// <param name="captureErrno">Store C's errno in <see cref="Native.LastErrno"/> right after the call.</param>
    /// <param name="pinvoke">A P/Invoke method to call instead of <c>calli</c> (trivial functions; <c>fn</c> is then ignored).</param>
    public static RawCall Emit(CallPlan plan, string name, bool captureErrno = false, MethodInfo? pinvoke = null)
    {
        // Anonymously hosted: a method owned by a module inherits that module's debuggable flag, and in debuggable
        // code the JIT does not inline the P/Invoke but routes it through the runtime's generic calli helper, which
        // is slower and corrupted arguments under GC pressure (RawCallGccTests.RandomSignaturesAgreeWithGccUnderGcPressure).
        var dm = new DynamicMethod($"ffi_raw_{name}", typeof(void), [typeof(nint), typeof(byte*), typeof(byte*)], restrictedSkipVisibility: true);
        var il = dm.GetILGenerator();
        var frame = ArgumentFrame.For(plan);
        CallEmitter.EmitCall(il, plan, name, new BufferSource(frame), static il => il.Emit(OpCodes.Ldarg_0), pinvoke, captureErrno);
        CallEmitter.EmitStoreResult(il, plan, name, static il => il.Emit(OpCodes.Ldarg_2));
        il.Emit(OpCodes.Ret);
        return dm.CreateDelegate<RawCall>();
    }

    // Arguments at the frame's offsets in the buffer (arg 1); the return buffer (arg 2) is the hidden pointer.
    private sealed class BufferSource(ArgumentFrame frame) : ArgumentSource
    {
        public override void PushValue(ILGenerator il, int index, Type carrier)
        {
            PushAddress(il, index);
            il.Emit(OpCodes.Ldobj, carrier);
        }

        public override void PushAddress(ILGenerator il, int index)
        {
            il.Emit(OpCodes.Ldarg_1);
            CallEmitter.Offset(il, frame.Offsets[index]);
        }

        public override void PushReturnPointer(ILGenerator il) => il.Emit(OpCodes.Ldarg_2);
    }

    /// <summary>
    /// What the emitted code depends on — registers, carriers, stack offsets, sizes and argument-buffer offsets,
    /// never type names — so that functions with the same shape share one stub.
    /// </summary>
    public static string ShapeKey(CallPlan plan, bool captureErrno)
    {
        var frame = ArgumentFrame.For(plan);
        var key = new System.Text.StringBuilder();
        key.Append(captureErrno ? 'E' : '-').Append(plan.StackBytes).Append('|');
        for (int i = 0; i < plan.Parameters.Count; i++)
            key.Append(frame.Offsets[i]).Append('=').Append(PassKey(plan.Parameters[i])).Append(';');
        return key.Append("->").Append(PassKey(plan.Return)).ToString();
    }

    private static string PassKey(ValuePass pass) => pass switch
    {
        ScalarPass s => $"S{s.Rep}{(s.Where.IsStack ? "@" + s.Where.StackOffset : "")}",
        EightbytesPass e => $"E{string.Concat(e.Classes.Select(c => c.ToString()[0]))}{e.Type.Size}{(e.Where[0].IsStack ? "@" + e.Where[0].StackOffset : "")}",
        MemoryPass m => $"M{m.Type.Size}@{m.Where.StackOffset}",
        OmittedPass => "O",
        _ => "V",
    };
}
