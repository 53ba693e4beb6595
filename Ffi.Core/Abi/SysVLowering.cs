using Ffi.Types;

namespace Ffi.Abi;

/// <summary>
/// Lowers a System V <see cref="CallPlan"/> into the <see cref="LoweredCall"/> a stub executes. .NET cannot be told
/// which register to use; it is given CLR carriers that its own SysV classifier passes where the plan says:
/// <list type="bullet">
/// <item>a scalar in a register: its own parameter, of its <see cref="ScalarRep"/>;</item>
/// <item>an aggregate in registers: a carrier of its used eightbytes' classes (<see cref="CarrierShape"/>);</item>
/// <item>everything on the stack: one stack image passed last, each value at the plan's offset;</item>
/// <item>a MEMORY return: the hidden pointer passed explicitly first;</item>
/// <item>an omitted value (empty struct): nothing.</item>
/// </list>
/// </summary>
public static class SysVLowering
{
    /// <summary>The smallest stack image: over 16 bytes, so the JIT never passes it in registers.</summary>
    public const long MinimumStackImage = 24;

    /// <summary>Lowers <paramref name="plan"/>.</summary>
    /// <exception cref="FfiBindException">An aggregate whose eightbytes no register carrier expresses (a padding-only
    /// eightbyte before a used one); the message names <paramref name="symbol"/> and the parameter.</exception>
    public static LoweredCall Lower(CallPlan plan, string library = "", string symbol = "")
    {
        ArgumentNullException.ThrowIfNull(plan);
        var slots = new List<CarrierSlot>();
        if (plan.HasHiddenReturnPointer) slots.Add(new HiddenReturnSlot());
        // An array, not a List<StackCopy>: a list of a value type is code the JIT compiles on a process's first call.
        var copies = new StackCopy[plan.Parameters.Count];
        int copied = 0;
        for (int i = 0; i < plan.Parameters.Count; i++)
        {
            switch (plan.Parameters[i])
            {
                case ScalarPass { Where.IsStack: false } s:
                    slots.Add(new ScalarSlot(i, s.Rep));
                    break;
                case ScalarPass s:
                    copies[copied++] = new StackCopy(i, s.Where.StackOffset, s.Type.Size, s.Rep);
                    break;
                case EightbytesPass { Where: [{ IsStack: false }, ..] } e:
                    var shape = ShapeOf(e.Classes, library, symbol, $"param[{i}]");
                    slots.Add(new EightbytesSlot(i, shape, CopyBytes(e.Type, shape)));
                    break;
                case EightbytesPass e:
                    copies[copied++] = new StackCopy(i, e.Where[0].StackOffset, e.Type.Size, null);
                    break;
                case MemoryPass m:
                    copies[copied++] = new StackCopy(i, m.Where.StackOffset, m.Type.Size, null);
                    break;
                case OmittedPass:
                    break;
                default:
                    throw new ArgumentException($"param[{i}]: unknown pass {plan.Parameters[i]}", nameof(plan));
            }
        }
        if (copied > 0)
        {
            var image = new StackCopy[copied];
            for (int c = 0; c < copied; c++) image[c] = copies[c];
            slots.Add(new StackImageSlot(Math.Max(Layout.SysVLayout.AlignUp(plan.StackBytes, 8), MinimumStackImage), image));
        }
        ReturnCarrier ret = plan.Return switch
        {
            MemoryPass m => new MemoryReturn(m.Type.Size),
            ScalarPass s => new ScalarReturn(s.Rep),
            EightbytesPass e => ReturnOf(e, library, symbol),
            OmittedPass => new NoReturn(),
            var other => throw new ArgumentException($"return: unknown pass {other}", nameof(plan)),
        };
        return new LoweredCall(plan.Parameters.Count, slots, ret, plan.IsVariadic ? plan.SseRegistersUsed : null);
    }

    private static EightbytesReturn ReturnOf(EightbytesPass e, string library, string symbol)
    {
        var shape = ShapeOf(e.Classes, library, symbol, "return");
        return new EightbytesReturn(shape, CopyBytes(e.Type, shape));
    }

    // The bytes shared by the C value and its carrier: the carrier may be larger (a 12-byte struct in 16 bytes) or
    // smaller (a 16-byte struct aligned to 16 whose second eightbyte is padding travels in one register).
    private static int CopyBytes(CType type, CarrierShape shape) => (int)Math.Min(type.Size, shape.Size());

    /// <summary>The carrier of an aggregate's eightbyte classes; trailing padding-only eightbytes take no register.</summary>
    /// <exception cref="FfiBindException">No carrier expresses the classes.</exception>
    public static CarrierShape ShapeOf(IReadOnlyList<EightbyteClass> classes, string library, string symbol, string what)
    {
        int used = classes.Count;
        while (used > 0 && classes[used - 1] == EightbyteClass.NoClass) used--;
        return (used, used > 0 ? classes[0] : EightbyteClass.NoClass, used > 1 ? classes[1] : EightbyteClass.NoClass) switch
        {
            (1, EightbyteClass.Integer, _) => CarrierShape.I,
            (1, EightbyteClass.Sse, _) => CarrierShape.S,
            (2, EightbyteClass.Integer, EightbyteClass.Integer) => CarrierShape.II,
            (2, EightbyteClass.Integer, EightbyteClass.Sse) => CarrierShape.IS,
            (2, EightbyteClass.Sse, EightbyteClass.Integer) => CarrierShape.SI,
            (2, EightbyteClass.Sse, EightbyteClass.Sse) => CarrierShape.SS,
            _ => throw new FfiBindException(library, symbol,
                $"{(symbol.Length > 0 ? symbol + ": " : "")}{what}: no register carrier for the eightbyte classes [{string.Join(", ", classes)}]"),
        };
    }
}
