using System.Text;

namespace Ffi.Abi;

/// <summary>
/// The recipe a stub executes for one call shape: the unmanaged signature as carriers in CLR argument order
/// (<see cref="Slots"/>), the <see cref="Return"/> carrier, and the <c>%al</c> value of a variadic call. Downcall
/// stubs run it forwards (arguments into carriers), trampolines backwards (carriers into arguments). Built from a
/// <see cref="CallPlan"/> by <see cref="SysVLowering"/>; validated when made; equal recipes execute identically,
/// whatever the C types' names, so a recipe is a stub's cache key.
/// </summary>
public sealed class LoweredCall : IEquatable<LoweredCall>
{
    private readonly ArgumentHome[] _homes;

    /// <summary>Checks and builds a recipe.</summary>
    /// <param name="argumentCount">The number of C arguments (fixed and variadic).</param>
    /// <param name="slots">The carriers, in CLR argument order.</param>
    /// <param name="ret">The return carrier.</param>
    /// <param name="vectorRegisters">For a variadic call, the <c>%al</c> value; otherwise <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The recipe is inconsistent (the message says how).</exception>
    public LoweredCall(int argumentCount, IReadOnlyList<CarrierSlot> slots, ReturnCarrier ret, int? vectorRegisters)
    {
        ArgumentNullException.ThrowIfNull(slots);
        ArgumentNullException.ThrowIfNull(ret);
        if (argumentCount < 0) throw Invalid($"argument count {argumentCount}");
        if (vectorRegisters is < 0 or > 8) throw Invalid($"%al = {vectorRegisters}: at most 8 vector registers carry arguments");
        ArgumentCount = argumentCount;
        Slots = slots.ToArray();
        Return = ret;
        VectorRegisters = vectorRegisters;
        _homes = new ArgumentHome[argumentCount];
        for (int a = 0; a < argumentCount; a++) _homes[a] = ArgumentHome.Omitted;
        for (int s = 0; s < Slots.Count; s++)
        {
            switch (Slots[s])
            {
                case HiddenReturnSlot:
                    if (s != 0 || ret is not MemoryReturn) throw Invalid("a hidden return pointer must be the first slot, and only for a MEMORY return");
                    break;
                case ScalarSlot x:
                    Place(x.Argument, new ArgumentHome(ArgumentHomeKind.Slot, s, 0, ScalarBytes(x.Rep), x.Rep));
                    break;
                case EightbytesSlot e:
                    if (e.Bytes <= 0 || e.Bytes > e.Shape.Size()) throw Invalid($"arg{e.Argument}: {e.Bytes} bytes do not fit carrier {e.Shape}");
                    Place(e.Argument, new ArgumentHome(ArgumentHomeKind.Slot, s, 0, e.Bytes, null));
                    break;
                case StackImageSlot image:
                    if (s != Slots.Count - 1) throw Invalid("the stack image must be the last slot");
                    if (image.Size <= 16 || image.Size % 8 != 0) throw Invalid($"stack image of {image.Size} bytes: it must be whole eightbytes and over 16 bytes");
                    long end = 0;
                    foreach (var c in image.Copies)
                    {
                        if (c.Offset < end || c.Offset % 8 != 0) throw Invalid($"arg{c.Argument}@{c.Offset}: stack offsets must increase in whole eightbytes");
                        if (c.Bytes <= 0 || c.Offset + c.Bytes > image.Size) throw Invalid($"arg{c.Argument}@{c.Offset}: {c.Bytes} bytes exceed the stack image of {image.Size}");
                        end = c.Offset + c.Bytes;
                        Place(c.Argument, new ArgumentHome(ArgumentHomeKind.StackImage, s, c.Offset, c.Bytes, c.Rep));
                    }
                    break;
                default:
                    throw Invalid($"unknown slot {Slots[s]}");
            }
        }
        if (ret is MemoryReturn && (Slots.Count == 0 || Slots[0] is not HiddenReturnSlot)) throw Invalid("a MEMORY return needs the hidden return pointer slot");
        if (ret is EightbytesReturn r && (r.Bytes <= 0 || r.Bytes > r.Shape.Size())) throw Invalid($"return: {r.Bytes} bytes do not fit carrier {r.Shape}");
    }

    /// <summary>The number of C arguments.</summary>
    public int ArgumentCount { get; }

    /// <summary>The unmanaged signature's parameters, in CLR argument order.</summary>
    public IReadOnlyList<CarrierSlot> Slots { get; }

    /// <summary>How the result comes back.</summary>
    public ReturnCarrier Return { get; }

    /// <summary>For a variadic call, the number of vector registers used (what <c>%al</c> must hold); otherwise null.</summary>
    public int? VectorRegisters { get; }

    /// <summary>Where argument <paramref name="argument"/>'s bytes are.</summary>
    public ArgumentHome HomeOf(int argument) => _homes[argument];

    /// <summary>The recipe as text, one line per slot — the form the golden tests assert.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        for (int s = 0; s < Slots.Count; s++) sb.Append('[').Append(s).Append("] ").AppendLine(Slots[s].ToString());
        for (int a = 0; a < ArgumentCount; a++)
            if (_homes[a].Kind == ArgumentHomeKind.Omitted) sb.AppendLine($"arg{a}: not passed");
        sb.Append("return: ").Append(Return);
        if (VectorRegisters is int al) sb.Append("\n%al = ").Append(al);
        return sb.ToString();
    }

    /// <inheritdoc />
    public bool Equals(LoweredCall? other) =>
        other is not null && ArgumentCount == other.ArgumentCount && VectorRegisters == other.VectorRegisters
        && Return.Equals(other.Return) && SameSlots(other);

    // A loop, and below a hash combined by hand: LINQ and HashCode over this run on a process's first call, where
    // their generic code over value types is compiled by the JIT (docs/benchmarks.md, cold start).
    private bool SameSlots(LoweredCall other)
    {
        if (Slots.Count != other.Slots.Count) return false;
        for (int s = 0; s < Slots.Count; s++)
            if (!Slots[s].Equals(other.Slots[s])) return false;
        return true;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as LoweredCall);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        int h = (ArgumentCount * 31 + (VectorRegisters ?? -1)) * 31 + Return.GetHashCode();
        for (int s = 0; s < Slots.Count; s++) h = h * 31 + Slots[s].GetHashCode();
        return h;
    }

    private void Place(int argument, ArgumentHome home)
    {
        if (argument < 0 || argument >= ArgumentCount) throw Invalid($"arg{argument} is out of range (the call has {ArgumentCount})");
        if (_homes[argument].Kind != ArgumentHomeKind.Omitted) throw Invalid($"arg{argument} is placed twice");
        _homes[argument] = home;
    }

    private static int ScalarBytes(ScalarRep rep) => rep switch
    {
        ScalarRep.Int8 or ScalarRep.UInt8 or ScalarRep.Bool => 1,
        ScalarRep.Int16 or ScalarRep.UInt16 => 2,
        ScalarRep.Int32 or ScalarRep.UInt32 or ScalarRep.Float => 4,
        _ => 8,
    };

    private static ArgumentException Invalid(string what) => new($"invalid lowered call: {what}");
}
