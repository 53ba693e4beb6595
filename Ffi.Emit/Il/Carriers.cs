using System.Collections.Concurrent;
using System.Reflection.Emit;
using System.Reflection;
using System.Runtime.InteropServices;
using Ffi.Abi;

namespace Ffi.Il;

// The CLR value types that make the JIT pass C aggregates in the registers the plan names. The JIT
// classifies a struct of these shapes exactly as the psABI classifies the C aggregate's eightbytes.

/// <summary>One INTEGER eightbyte.</summary>
[StructLayout(LayoutKind.Sequential)] internal struct EightbytesI { public long A; }
/// <summary>One SSE eightbyte.</summary>
[StructLayout(LayoutKind.Sequential)] internal struct EightbytesS { public double A; }
/// <summary>INTEGER, INTEGER.</summary>
[StructLayout(LayoutKind.Sequential)] internal struct EightbytesII { public long A; public long B; }
/// <summary>INTEGER, SSE.</summary>
[StructLayout(LayoutKind.Sequential)] internal struct EightbytesIS { public long A; public double B; }
/// <summary>SSE, INTEGER.</summary>
[StructLayout(LayoutKind.Sequential)] internal struct EightbytesSI { public double A; public long B; }
/// <summary>SSE, SSE.</summary>
[StructLayout(LayoutKind.Sequential)] internal struct EightbytesSS { public double A; public double B; }

/// <summary>Chooses carrier types: executes what the plan decided, never classifies.</summary>
internal static class Carriers
{
    /// <summary>The name of the dynamic assembly that holds the stack images (compiled bindings copy them).</summary>
    public const string StackImageAssemblyName = "Ffi.Emit.StackImages";

    private static readonly ModuleBuilder StackImages = AssemblyBuilder
        .DefineDynamicAssembly(new AssemblyName(StackImageAssemblyName), AssemblyBuilderAccess.Run)
        .DefineDynamicModule(StackImageAssemblyName);
    private static readonly ConcurrentDictionary<long, Type> StackImageTypes = new();
    private static readonly Lock DefineLock = new();

    /// <summary>The CLR type of a scalar representation.</summary>
    public static Type Scalar(ScalarRep rep) => rep switch
    {
        ScalarRep.Int8 => typeof(sbyte),
        ScalarRep.UInt8 or ScalarRep.Bool => typeof(byte),
        ScalarRep.Int16 => typeof(short),
        ScalarRep.UInt16 => typeof(ushort),
        ScalarRep.Int32 => typeof(int),
        ScalarRep.UInt32 => typeof(uint),
        ScalarRep.Int64 => typeof(long),
        ScalarRep.UInt64 => typeof(ulong),
        ScalarRep.Float => typeof(float),
        ScalarRep.Double => typeof(double),
        ScalarRep.Pointer => typeof(nint),
        _ => throw new ArgumentOutOfRangeException(nameof(rep), rep, null),
    };

    /// <summary>The carrier struct of an eightbytes shape.</summary>
    public static Type Of(CarrierShape shape) => shape switch
    {
        CarrierShape.I => typeof(EightbytesI),
        CarrierShape.S => typeof(EightbytesS),
        CarrierShape.II => typeof(EightbytesII),
        CarrierShape.IS => typeof(EightbytesIS),
        CarrierShape.SI => typeof(EightbytesSI),
        CarrierShape.SS => typeof(EightbytesSS),
        _ => throw new ArgumentOutOfRangeException(nameof(shape), shape, null),
    };

    /// <summary>The CLR type of one slot of the unmanaged signature.</summary>
    public static Type Of(CarrierSlot slot) => slot switch
    {
        HiddenReturnSlot => typeof(nint),
        ScalarSlot s => Scalar(s.Rep),
        EightbytesSlot e => Of(e.Shape),
        StackImageSlot image => StackImage(image.Size),
        _ => throw new System.Diagnostics.UnreachableException($"unknown slot {slot}"),
    };

    /// <summary>The CLR type the unmanaged call returns (<see cref="void"/> for none; the hidden pointer for MEMORY returns).</summary>
    public static Type Of(ReturnCarrier ret) => ret switch
    {
        NoReturn => typeof(void),
        ScalarReturn s => Scalar(s.Rep),
        EightbytesReturn e => Of(e.Shape),
        MemoryReturn => typeof(nint),
        _ => throw new System.Diagnostics.UnreachableException($"unknown return carrier {ret}"),
    };

    /// <summary>
    /// A value type of exactly <paramref name="size"/> bytes (whole eightbytes, more than 16, as
    /// <see cref="StackImageSlot"/> guarantees, so the JIT passes it in memory) that carries the whole outgoing stack area.
    /// </summary>
    /// <remarks>
    /// Defined once per size under a lock and published only when created: threads racing here get the same type,
    /// and a failed definition leaves nothing behind (a <c>GetOrAdd</c> factory may run twice, and a second
    /// <c>DefineType</c> of the same name fails with "Duplicate type name within an assembly").
    /// </remarks>
    public static Type StackImage(long size)
    {
        if (StackImageTypes.TryGetValue(size, out var type)) return type;
        lock (DefineLock)
        {
            if (StackImageTypes.TryGetValue(size, out type)) return type;
            var tb = StackImages.DefineType($"StackImage{size}", TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.SequentialLayout,
                typeof(ValueType), PackingSize.Size8, checked((int)size));
            tb.DefineField("First", typeof(long), FieldAttributes.Public);
            type = tb.CreateType();
            StackImageTypes[size] = type;
            return type;
        }
    }
}
