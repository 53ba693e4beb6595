using Ffi.Abi;
using Ffi.Interop;
using Ffi.Types;

namespace Ffi.Binding;

/// <summary>
/// The one non-variadic signature through which compiled bindings call a variadic function with any list of scalar
/// extras (<see cref="CVarArgFrame"/>): the fixed parameters, then a <c>long</c> per general register they leave, a
/// <c>double</c> per vector register they leave, then the stack image, a 256-byte struct by value.
/// <code>
/// int printf(const char *, ...)      →  int printf(const char *, long ×5, double ×8, struct ffi_vararg_stack)
/// int f(struct big (MEMORY), ...)    →  int f(struct big, long ×6, double ×8, struct ffi_vararg_stack)
/// </code>
/// Why it is exact: every promoted extra is one INTEGER or SSE eightbyte; System V gives arguments the next free
/// register of their class in order, whatever came before (a fixed aggregate that did not fit went to the stack and
/// took none), so a caller of C puts extras in exactly the registers the fixed parameters left, then in its outgoing
/// stack area after the fixed parameters' stack part, each in the next eightbyte, in argument order — where
/// <c>va_arg</c> reads them (its overflow area). The fillers take those registers and the image takes that stack
/// (a struct of 8-byte alignment starts at the next eightbyte). The call goes through the function's <c>%al</c> thunk
/// (<c>SymbolBinder.VariadicFunction</c>), so <c>%al</c> is 8. The normal planner and lowering handle the signature;
/// <see cref="Check"/> verifies the plan puts every filler in a register and the image on the stack.
/// </summary>
internal sealed class VariadicCarrierSignature
{
    /// <summary>The stack image's C type: <c>struct ffi_vararg_stack { long e[32]; }</c> (MEMORY class).</summary>
    public static readonly StructType StackImage = MakeStackImage();

    private VariadicCarrierSignature(CType[] parameters, int integerSlots, int sseSlots)
    {
        Parameters = parameters;
        IntegerSlots = integerSlots;
        SseSlots = sseSlots;
    }

    /// <summary>The signature's parameters: the fixed ones, the fillers, the image.</summary>
    public CType[] Parameters { get; }

    /// <summary>The general registers the fixed parameters leave (the <c>long</c> fillers).</summary>
    public int IntegerSlots { get; }

    /// <summary>The vector registers the fixed parameters leave (the <c>double</c> fillers).</summary>
    public int SseSlots { get; }

    /// <summary>The signature for a variadic function's fixed part.</summary>
    /// <param name="returnType">The result type.</param>
    /// <param name="fixedParameters">The fixed parameters.</param>
    public static VariadicCarrierSignature For(CType returnType, IReadOnlyList<CType> fixedParameters)
    {
        var plan = SysVCallPlanner.Plan(returnType, fixedParameters, fixedParameters.Count);
        int g = CVarArgFrame.IntegerRegisters - plan.IntegerRegistersUsed, x = CVarArgFrame.SseRegisters - plan.SseRegistersUsed;
        return new VariadicCarrierSignature([.. fixedParameters, .. Enumerable.Repeat(VariadicPromotion.Long, g),
            .. Enumerable.Repeat(VariadicPromotion.Double, x), StackImage], g, x);
    }

    /// <summary>
    /// Why <paramref name="plan"/> (this signature's) does not pass the extras where C's caller would, or null when it
    /// does: each filler in a register, the image on the stack after everything else.
    /// </summary>
    /// <param name="plan">The plan of <see cref="Parameters"/>.</param>
    public string? Check(CallPlan plan)
    {
        int first = Parameters.Length - 1 - IntegerSlots - SseSlots;
        for (int i = first; i < Parameters.Length - 1; i++)
            if (plan.Parameters[i] is not ScalarPass { Where.IsStack: false })
                return $"filler {i - first} is passed as {plan.Parameters[i]}, not in a register";
        if (plan.Parameters[^1] is not MemoryPass { Where.IsStack: true } image || image.Where.StackOffset + StackImage.Size != plan.StackBytes)
            return $"the stack image is passed as {plan.Parameters[^1]}, not last on the stack";
        return null;
    }

    private static StructType MakeStackImage()
    {
        var eightbytes = new ArrayType(VariadicPromotion.Long, CVarArgStack.Length, null, null);
        return new StructType([new CField("e", eightbytes, null, 0, null)], eightbytes.Size, 8, false, null, "ffi_vararg_stack", null);
    }
}
