using System.Text;

namespace Ffi.Abi;

/// <summary>
/// How a call travels under System V x86-64: each parameter's and the return value's registers or stack
/// slots, whether a hidden return pointer occupies <c>rdi</c>, and how many vector registers carry
/// arguments (what a variadic call must put in <c>%al</c>). Pure data: printable, comparable in tests,
/// executed by an emitter.
/// </summary>
public sealed class CallPlan
{
    internal CallPlan(ValuePass ret, IReadOnlyList<ValuePass> parameters, int fixedCount, bool variadic, int integerRegisters, int sseRegisters, long stackBytes)
    {
        Return = ret;
        Parameters = parameters;
        FixedParameterCount = fixedCount;
        IsVariadic = variadic;
        IntegerRegistersUsed = integerRegisters;
        SseRegistersUsed = sseRegisters;
        StackBytes = stackBytes;
    }

    /// <summary>How the return value comes back.</summary>
    public ValuePass Return { get; }

    /// <summary>How each parameter travels, in order (variadic extras after the fixed ones).</summary>
    public IReadOnlyList<ValuePass> Parameters { get; }

    /// <summary>Whether the caller passes a hidden pointer to return storage in <c>rdi</c>.</summary>
    public bool HasHiddenReturnPointer => Return is MemoryPass;

    /// <summary>The number of fixed parameters (for a variadic call, where the extras start).</summary>
    public int FixedParameterCount { get; }

    /// <summary>Whether the callee is variadic (the caller sets <c>%al</c> to <see cref="SseRegistersUsed"/>).</summary>
    public bool IsVariadic { get; }

    /// <summary>General registers used by arguments (the hidden return pointer included).</summary>
    public int IntegerRegistersUsed { get; }

    /// <summary>Vector registers used by arguments.</summary>
    public int SseRegistersUsed { get; }

    /// <summary>Bytes of stack the arguments occupy.</summary>
    public long StackBytes { get; }

    /// <summary>The plan as text, one line per value — the form the tests assert.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        if (HasHiddenReturnPointer) sb.AppendLine("hidden return pointer -> rdi");
        for (int i = 0; i < Parameters.Count; i++)
            sb.AppendLine($"{(i >= FixedParameterCount ? "vararg" : "param")}[{i}]: {Parameters[i]}");
        sb.Append($"return: {Return}");
        if (IsVariadic) sb.Append($"\n%al = {SseRegistersUsed}");
        return sb.ToString();
    }
}
