using System.Collections.Concurrent;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.InteropServices;
using Ffi.Abi;

namespace Ffi.Downcalls;

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
    private static readonly ModuleBuilder StackImages = AssemblyBuilder
        .DefineDynamicAssembly(new AssemblyName("Ffi.Emit.StackImages"), AssemblyBuilderAccess.Run)
        .DefineDynamicModule("Ffi.Emit.StackImages");
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

    /// <summary>The carrier struct for an aggregate passed in registers, from its eightbyte classes.</summary>
    /// <exception cref="FfiBindException">A shape no carrier expresses (a padding-only eightbyte before a used one).</exception>
    public static Type Eightbytes(IReadOnlyList<EightbyteClass> classes, string what)
    {
        var used = classes.ToList();
        while (used.Count > 0 && used[^1] == EightbyteClass.NoClass) used.RemoveAt(used.Count - 1);
        return used switch
        {
            [EightbyteClass.Integer] => typeof(EightbytesI),
            [EightbyteClass.Sse] => typeof(EightbytesS),
            [EightbyteClass.Integer, EightbyteClass.Integer] => typeof(EightbytesII),
            [EightbyteClass.Integer, EightbyteClass.Sse] => typeof(EightbytesIS),
            [EightbyteClass.Sse, EightbyteClass.Integer] => typeof(EightbytesSI),
            [EightbyteClass.Sse, EightbyteClass.Sse] => typeof(EightbytesSS),
            _ => throw new FfiBindException("", what, $"{what}: no register carrier for the eightbyte classes [{string.Join(", ", classes)}]"),
        };
    }

    /// <summary>
    /// The bytes to copy between a C aggregate of <paramref name="size"/> bytes and its register carrier: the carrier may
    /// be larger (a 12-byte struct in a 16-byte carrier) or smaller (trailing padding eightbytes are not passed: a
    /// 16-byte struct aligned to 16 whose second eightbyte is padding travels in one register).
    /// </summary>
    public static int CopyBytes(long size, Type carrier) => checked((int)Math.Min(size, Marshal.SizeOf(carrier)));

    /// <summary>
    /// A value type of at least <paramref name="bytes"/> bytes (and more than 16, so the JIT passes it in
    /// memory) that carries the whole outgoing stack area as the plan laid it out.
    /// </summary>
    public static Type StackImage(long bytes)
    {
        long size = Math.Max(Layout.SysVLayout.AlignUp(bytes, 8), 24);
        return StackImageTypes.GetOrAdd(size, static n =>
        {
            lock (DefineLock)
            {
                var tb = StackImages.DefineType($"StackImage{n}", TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.SequentialLayout,
                    typeof(ValueType), PackingSize.Size8, checked((int)n));
                tb.DefineField("First", typeof(long), FieldAttributes.Public);
                return tb.CreateType();
            }
        });
    }
}
