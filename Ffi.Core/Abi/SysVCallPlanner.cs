using Ffi.Types;

namespace Ffi.Abi;

/// <summary>
/// Builds <see cref="CallPlan"/>s for System V x86-64 (psABI §3.2.3), as gcc calls: arguments take general
/// registers (rdi, rsi, rdx, rcx, r8, r9) and vector registers (xmm0–xmm7) in order; an aggregate whose
/// eightbytes do not all fit in the registers left goes wholly on the stack; MEMORY-class aggregates are
/// copied to the stack; a MEMORY-class return takes a hidden pointer in rdi.
/// </summary>
public static class SysVCallPlanner
{
    private static readonly string[] IntegerRegisters = ["rdi", "rsi", "rdx", "rcx", "r8", "r9"];
    private static readonly string[] SseRegisters = ["xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7"];
    private const int SseRegisterCount = 8;

    /// <summary>Plans a call.</summary>
    /// <param name="returnType">The return type (<c>void</c> allowed).</param>
    /// <param name="parameters">The argument types: the fixed parameters, then any variadic extras (already promoted).</param>
    /// <param name="fixedCount">For a variadic call, the number of fixed parameters; <see langword="null"/> for a non-variadic call.</param>
    /// <exception cref="ArgumentException">A parameter is void or a flexible array.</exception>
    public static CallPlan Plan(CType returnType, IReadOnlyList<CType> parameters, int? fixedCount = null)
    {
        ArgumentNullException.ThrowIfNull(returnType);
        ArgumentNullException.ThrowIfNull(parameters);
        int nextInt = 0, nextSse = 0;
        long stack = 0;

        var ret = PlanReturn(returnType);
        if (ret is MemoryPass) nextInt = 1; // the hidden pointer takes rdi

        var passes = new ValuePass[parameters.Count];
        for (int i = 0; i < passes.Length; i++)
        {
            var t = parameters[i];
            if (t is VoidType || t is ArrayType { IsFlexible: true })
                throw new ArgumentException($"parameter {i} cannot be passed by value: {t.DisplayName}", nameof(parameters));
            var classes = SysVClassifier.Classify(t);
            // gcc gives an empty record (padding only) no stack space; see SysVClassifier.IsGccEmptyRecord.
            bool emptyRecord = t.IsAggregate && SysVClassifier.IsGccEmptyRecord(t);
            // Plain loops over the classes, no LINQ: this runs on a process's first call, where every generic
            // instantiation over a value type is a method the JIT compiles (docs/benchmarks.md, cold start).
            int needInt = 0, needSse = 0, used = 0;
            for (int k = 0; k < classes.Count; k++)
            {
                var c = classes[k];
                if (c == EightbyteClass.Integer) needInt++;
                else if (c == EightbyteClass.Sse) needSse++;
                if (c != EightbyteClass.NoClass) used++;
            }
            if (used == 0)
            {
                passes[i] = new OmittedPass(t);
                continue;
            }
            if (classes[0] == EightbyteClass.Memory)
            {
                passes[i] = emptyRecord ? new OmittedPass(t) : new MemoryPass(t, Location.Stack(Reserve(ref stack, t.Size, t.Align)));
                continue;
            }
            bool fits = nextInt + needInt <= IntegerRegisters.Length && nextSse + needSse <= SseRegisterCount;
            if (!fits && emptyRecord)
            {
                passes[i] = new OmittedPass(t);
                continue;
            }
            Location[] where;
            if (fits)
            {
                where = new Location[needInt + needSse];
                int w = 0;
                for (int k = 0; k < classes.Count; k++)
                {
                    var c = classes[k];
                    if (c == EightbyteClass.Integer) where[w++] = Location.In(IntegerRegisters[nextInt++]);
                    else if (c == EightbyteClass.Sse) where[w++] = Location.In(SseRegister(nextSse++));
                }
            }
            else
            {
                where = [Location.Stack(Reserve(ref stack, t.Size, t.Align))];
            }
            passes[i] = t.IsAggregate ? new EightbytesPass(t, classes, where) : new ScalarPass(t, RepOf(t), where[0]);
        }
        return new CallPlan(ret, passes, fixedCount ?? passes.Length, fixedCount is not null, nextInt, nextSse, stack);
    }

    private static ValuePass PlanReturn(CType t)
    {
        var classes = SysVClassifier.Classify(t);
        if (classes.Count == 0) return new OmittedPass(t);
        if (classes[0] == EightbyteClass.Memory) return new MemoryPass(t, Location.In("rax"));
        int used = 0;
        for (int k = 0; k < classes.Count; k++) if (classes[k] != EightbyteClass.NoClass) used++;
        var where = new Location[used];
        int w = 0, i = 0, s = 0;
        for (int k = 0; k < classes.Count; k++)
        {
            var c = classes[k];
            if (c == EightbyteClass.NoClass) continue;
            where[w++] = c == EightbyteClass.Integer ? Location.In(i++ == 0 ? "rax" : "rdx") : Location.In(SseRegister(s++));
        }
        return t.IsAggregate ? new EightbytesPass(t, classes, where) : new ScalarPass(t, RepOf(t), where[0]);
    }

    private static string SseRegister(int n) => SseRegisters[n];

    // Stack slots are whole eightbytes, and a value starts at a multiple of its own alignment — gcc does
    // this beyond 16 too: an aligned(32) struct after one stack eightbyte starts at stack+32 (since GCC 4.6).
    private static long Reserve(ref long stack, long size, int align)
    {
        long at = Layout.SysVLayout.AlignUp(stack, Math.Max(8, align));
        stack = at + Layout.SysVLayout.AlignUp(size, 8);
        return at;
    }

    /// <summary>The machine representation of a scalar type.</summary>
    public static ScalarRep RepOf(CType t)
    {
        while (t is HandleType h) t = h.Rep; // a handle travels as its representation (chains of handles too)
        return ScalarRepOf(t);
    }

    private static ScalarRep ScalarRepOf(CType t) => t switch
    {
        IntType { IsBool: true } => ScalarRep.Bool,
        IntType { Bits: 8, IsSigned: true } => ScalarRep.Int8,
        IntType { Bits: 8 } => ScalarRep.UInt8,
        IntType { Bits: 16, IsSigned: true } => ScalarRep.Int16,
        IntType { Bits: 16 } => ScalarRep.UInt16,
        IntType { Bits: 32, IsSigned: true } => ScalarRep.Int32,
        IntType { Bits: 32 } => ScalarRep.UInt32,
        IntType { IsSigned: true } => ScalarRep.Int64,
        IntType => ScalarRep.UInt64,
        FloatType { Bits: 32 } => ScalarRep.Float,
        FloatType => ScalarRep.Double,
        EnumType e => ScalarRepOf(e.Base),
        PointerType or FuncPtrType => ScalarRep.Pointer,
        _ => throw new ArgumentException($"{t.DisplayName} is not a scalar", nameof(t)),
    };
}
