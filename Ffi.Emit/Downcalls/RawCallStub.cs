using System.Reflection.Emit;
using System.Runtime.InteropServices;
using Ffi.Abi;

namespace Ffi.Downcalls;

/// <summary>A generated stub: calls <c>fn</c> with the arguments laid out in <c>args</c> (see <see cref="ArgumentFrame"/>) and stores the result in <c>ret</c>.</summary>
internal unsafe delegate void RawCall(nint fn, byte* args, byte* ret);

/// <summary>
/// Emits a <see cref="RawCall"/> per <see cref="CallPlan"/>: a DynamicMethod that loads each argument from
/// the argument buffer into the carrier the plan implies and makes one unmanaged <c>calli</c>.
/// </summary>
/// <remarks>
/// How each pass is executed (the emitter decides nothing the plan did not):
/// <list type="bullet">
/// <item>a scalar in a register: loaded with its CLR type;</item>
/// <item>an aggregate in registers: loaded as the canonical carrier of its eightbyte classes;</item>
/// <item>everything the plan puts on the stack: copied, at the plan's offsets, into one stack image value
/// passed last — larger than 16 bytes, so the JIT passes it in memory at the bottom of the outgoing area;</item>
/// <item>a MEMORY return: the return buffer's address passed explicitly first (that is the hidden pointer,
/// in rdi); the callee writes the value there;</item>
/// <item>values the plan omits (empty structs): nothing.</item>
/// </list>
/// </remarks>
internal static class RawCallStub
{
    /// <param name="plan">What to execute.</param>
    /// <param name="name">The function's name, for diagnostics.</param>
    /// <param name="captureErrno">Store C's errno in <see cref="Native.LastErrno"/> right after the call.</param>
    public static RawCall Emit(CallPlan plan, string name, bool captureErrno = false)
    {
        var frame = ArgumentFrame.For(plan);
        // Anonymously hosted: a method owned by a module inherits that module's debuggable flag, and in debuggable
        // code the JIT does not inline the P/Invoke but routes it through the runtime's generic calli helper, which
        // is slower and corrupted arguments under GC pressure (RawCallGccTests.RandomSignaturesAgreeWithGccUnderGcPressure).
        var dm = new DynamicMethod($"ffi_raw_{name}", typeof(void), [typeof(nint), typeof(byte*), typeof(byte*)], restrictedSkipVisibility: true);
        var il = dm.GetILGenerator();
        var calliParams = new List<Type>();

        if (plan.HasHiddenReturnPointer)
        {
            il.Emit(OpCodes.Ldarg_2);
            calliParams.Add(typeof(nint));
        }

        var onStack = new List<(int Index, long StackOffset, long Size)>();
        for (int i = 0; i < plan.Parameters.Count; i++)
        {
            long argOffset = frame.Offsets[i];
            switch (plan.Parameters[i])
            {
                case ScalarPass { Where.IsStack: true } s:
                    onStack.Add((i, s.Where.StackOffset, s.Type.Size));
                    break;
                case ScalarPass s:
                {
                    var t = Carriers.Scalar(s.Rep);
                    LoadAddress(il, OpCodes.Ldarg_1, argOffset);
                    il.Emit(OpCodes.Ldobj, t);
                    calliParams.Add(t);
                    break;
                }
                case EightbytesPass { Where: [{ IsStack: true } at] } e:
                    onStack.Add((i, at.StackOffset, e.Type.Size));
                    break;
                case EightbytesPass e:
                {
                    var t = Carriers.Eightbytes(e.Classes, $"{name}: param[{i}]");
                    LoadAddress(il, OpCodes.Ldarg_1, argOffset);
                    il.Emit(OpCodes.Ldobj, t);
                    calliParams.Add(t);
                    break;
                }
                case MemoryPass m:
                    onStack.Add((i, m.Where.StackOffset, m.Type.Size));
                    break;
                case OmittedPass:
                    break;
                default:
                    throw new InvalidOperationException($"unknown pass {plan.Parameters[i].GetType().Name}");
            }
        }

        if (onStack.Count > 0)
        {
            var imageType = Carriers.StackImage(plan.StackBytes);
            var image = il.DeclareLocal(imageType);
            il.Emit(OpCodes.Ldloca, image);
            il.Emit(OpCodes.Initobj, imageType);
            foreach (var (index, stackOffset, size) in onStack)
            {
                il.Emit(OpCodes.Ldloca, image);
                Offset(il, stackOffset);
                LoadAddress(il, OpCodes.Ldarg_1, frame.Offsets[index]);
                il.Emit(OpCodes.Ldc_I4, checked((int)size));
                il.Emit(OpCodes.Cpblk);
            }
            il.Emit(OpCodes.Ldloc, image);
            calliParams.Add(imageType);
        }

        Type returnType = plan.Return switch
        {
            MemoryPass => typeof(nint),
            ScalarPass s => Carriers.Scalar(s.Rep),
            EightbytesPass e => Carriers.Eightbytes(e.Classes, $"{name}: return"),
            _ => typeof(void),
        };

        il.Emit(OpCodes.Ldarg_0);
        il.EmitCalli(OpCodes.Calli, CallingConvention.Cdecl, returnType, calliParams.ToArray());
        if (captureErrno)
        {
            // First thing after the call: nothing else may run before errno is read.
            il.Emit(OpCodes.Call, typeof(Marshal).GetMethod(nameof(Marshal.GetLastSystemError))!);
            il.Emit(OpCodes.Call, typeof(Native.LastErrno).GetMethod(nameof(Native.LastErrno.Set))!);
        }

        switch (plan.Return)
        {
            case MemoryPass:
                il.Emit(OpCodes.Pop); // rax repeats the hidden pointer
                break;
            case ScalarPass or EightbytesPass:
            {
                var result = il.DeclareLocal(returnType);
                il.Emit(OpCodes.Stloc, result);
                il.Emit(OpCodes.Ldarg_2);
                il.Emit(OpCodes.Ldloca, result);
                il.Emit(OpCodes.Ldc_I4, checked((int)Math.Min(plan.Return.Type.Size, Marshal.SizeOf(returnType))));
                il.Emit(OpCodes.Cpblk);
                break;
            }
        }
        il.Emit(OpCodes.Ret);
        return dm.CreateDelegate<RawCall>();
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

    private static void LoadAddress(ILGenerator il, OpCode loadBase, long offset)
    {
        il.Emit(loadBase);
        Offset(il, offset);
    }

    private static void Offset(ILGenerator il, long offset)
    {
        if (offset == 0) return;
        il.Emit(OpCodes.Ldc_I4, checked((int)offset));
        il.Emit(OpCodes.Add);
    }
}
