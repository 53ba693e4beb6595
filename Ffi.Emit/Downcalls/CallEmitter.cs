using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.InteropServices;
using Ffi.Abi;

namespace Ffi.Downcalls;

/// <summary>Where the emitted call finds each parameter: the raw stub reads a buffer, a typed stub its CLR arguments.</summary>
internal abstract class ArgumentSource
{
    /// <summary>Pushes parameter <paramref name="index"/> as a value of <paramref name="carrier"/> (a register pass).</summary>
    public abstract void PushValue(ILGenerator il, int index, Type carrier);

    /// <summary>Pushes the address of parameter <paramref name="index"/>'s C bytes (to copy into the stack image).</summary>
    public abstract void PushAddress(ILGenerator il, int index);

    /// <summary>Pushes the hidden return pointer (storage for a MEMORY-class result, aligned for the C type).</summary>
    public abstract void PushReturnPointer(ILGenerator il);
}

/// <summary>
/// Executes a <see cref="CallPlan"/> in IL: loads each argument into the carrier the plan implies and makes one
/// unmanaged call — a <c>calli</c>, or a call to a P/Invoke method (for functions declared trivial).
/// </summary>
/// <remarks>
/// How each pass is executed (the emitter decides nothing the plan did not):
/// <list type="bullet">
/// <item>a scalar in a register: loaded with its CLR type;</item>
/// <item>an aggregate in registers: loaded as the canonical carrier of its eightbyte classes;</item>
/// <item>everything the plan puts on the stack: copied, at the plan's offsets, into one stack image value
/// passed last — larger than 16 bytes, so the JIT passes it in memory at the bottom of the outgoing area;</item>
/// <item>a MEMORY return: the return storage's address passed explicitly first (that is the hidden pointer,
/// in rdi); the callee writes the value there;</item>
/// <item>values the plan omits (empty structs): nothing.</item>
/// </list>
/// No exception handler may surround the call: on 64-bit the JIT does not inline a P/Invoke inside a try region,
/// and the generic helper it falls back to is slower (and misbehaved under GC pressure on this runtime).
/// </remarks>
internal static class CallEmitter
{
    /// <summary>The CLR signature of the unmanaged call: carrier return type and carrier parameter types.</summary>
    public static (Type Return, Type[] Parameters) Signature(CallPlan plan, string name)
    {
        var parameters = new List<Type>();
        if (plan.HasHiddenReturnPointer) parameters.Add(typeof(nint));
        for (int i = 0; i < plan.Parameters.Count; i++)
        {
            switch (plan.Parameters[i])
            {
                case ScalarPass { Where.IsStack: false } s: parameters.Add(Carriers.Scalar(s.Rep)); break;
                case EightbytesPass { Where: [{ IsStack: false }, ..] } e: parameters.Add(Carriers.Eightbytes(e.Classes, $"{name}: param[{i}]")); break;
            }
        }
        if (StackPasses(plan).Count > 0) parameters.Add(Carriers.StackImage(plan.StackBytes));
        return (ReturnCarrier(plan, name), parameters.ToArray());
    }

    /// <summary>The CLR type the call leaves on the evaluation stack (<see cref="void"/> for none; MEMORY returns are popped).</summary>
    public static Type ReturnCarrier(CallPlan plan, string name) => plan.Return switch
    {
        MemoryPass => typeof(nint),
        ScalarPass s => Carriers.Scalar(s.Rep),
        EightbytesPass e => Carriers.Eightbytes(e.Classes, $"{name}: return"),
        _ => typeof(void),
    };

    /// <summary>
    /// Emits the call. Afterwards the evaluation stack holds the result as <see cref="ReturnCarrier"/> (nothing for
    /// void and MEMORY results, which are in the hidden pointer's storage).
    /// </summary>
    /// <param name="il">The generator.</param>
    /// <param name="plan">What to execute.</param>
    /// <param name="name">The function's name, for diagnostics.</param>
    /// <param name="args">Where the parameters are.</param>
    /// <param name="pushFunction">Pushes the function pointer for <c>calli</c>; unused with <paramref name="pinvoke"/>.</param>
    /// <param name="pinvoke">A P/Invoke method with <see cref="Signature"/>'s types to call instead of <c>calli</c>.</param>
    /// <param name="captureErrno">Store C's errno in <see cref="Native.LastErrno"/> right after the call.</param>
    public static void EmitCall(ILGenerator il, CallPlan plan, string name, ArgumentSource args, Action<ILGenerator>? pushFunction, MethodInfo? pinvoke, bool captureErrno)
    {
        var (returnType, calliParams) = Signature(plan, name);
        if (plan.HasHiddenReturnPointer) args.PushReturnPointer(il);

        for (int i = 0; i < plan.Parameters.Count; i++)
        {
            switch (plan.Parameters[i])
            {
                case ScalarPass { Where.IsStack: false } s:
                    args.PushValue(il, i, Carriers.Scalar(s.Rep));
                    break;
                case EightbytesPass { Where: [{ IsStack: false }, ..] } e:
                    args.PushValue(il, i, Carriers.Eightbytes(e.Classes, $"{name}: param[{i}]"));
                    break;
            }
        }

        var onStack = StackPasses(plan);
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
                args.PushAddress(il, index);
                il.Emit(OpCodes.Ldc_I4, checked((int)size));
                il.Emit(OpCodes.Cpblk);
            }
            il.Emit(OpCodes.Ldloc, image);
        }

        if (pinvoke is not null)
        {
            il.Emit(OpCodes.Call, pinvoke);
        }
        else
        {
            pushFunction!(il);
            il.EmitCalli(OpCodes.Calli, CallingConvention.Cdecl, returnType, calliParams);
        }
        if (captureErrno)
        {
            // First thing after the call: nothing else may run before errno is read.
            il.Emit(OpCodes.Call, typeof(Marshal).GetMethod(nameof(Marshal.GetLastSystemError))!);
            il.Emit(OpCodes.Call, typeof(Native.LastErrno).GetMethod(nameof(Native.LastErrno.Set))!);
        }
        if (plan.Return is MemoryPass) il.Emit(OpCodes.Pop); // rax repeats the hidden pointer
    }

    /// <summary>
    /// After <see cref="EmitCall"/>: stores a register result (scalar or eightbytes carrier) at the address
    /// <paramref name="pushDestination"/> pushes, copying the C size.
    /// </summary>
    public static void EmitStoreResult(ILGenerator il, CallPlan plan, string name, Action<ILGenerator> pushDestination)
    {
        if (plan.Return is not (ScalarPass or EightbytesPass)) return;
        var returnType = ReturnCarrier(plan, name);
        var result = il.DeclareLocal(returnType);
        il.Emit(OpCodes.Stloc, result);
        pushDestination(il);
        il.Emit(OpCodes.Ldloca, result);
        il.Emit(OpCodes.Ldc_I4, checked((int)Math.Min(plan.Return.Type.Size, Marshal.SizeOf(returnType))));
        il.Emit(OpCodes.Cpblk);
    }

    /// <summary>Adds a constant byte offset to the address on the stack.</summary>
    public static void Offset(ILGenerator il, long offset)
    {
        if (offset == 0) return;
        il.Emit(OpCodes.Ldc_I4, checked((int)offset));
        il.Emit(OpCodes.Add);
    }

    private static List<(int Index, long StackOffset, long Size)> StackPasses(CallPlan plan)
    {
        var onStack = new List<(int, long, long)>();
        for (int i = 0; i < plan.Parameters.Count; i++)
        {
            switch (plan.Parameters[i])
            {
                case ScalarPass { Where.IsStack: true } s: onStack.Add((i, s.Where.StackOffset, s.Type.Size)); break;
                case EightbytesPass { Where: [{ IsStack: true } at, ..] } e: onStack.Add((i, at.StackOffset, e.Type.Size)); break;
                case MemoryPass m: onStack.Add((i, m.Where.StackOffset, m.Type.Size)); break;
            }
        }
        return onStack;
    }
}
