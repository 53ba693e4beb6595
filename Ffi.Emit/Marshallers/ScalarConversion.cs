using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using Ffi.Il;

namespace Ffi.Marshallers;

/// <summary>
/// The IL that turns a CLR scalar into the carrier of its C type when they differ: a variadic extra promoted as C
/// promotes it (<c>float</c> → <c>double</c>, <c>short</c> → <c>int</c>, <c>uint</c> → <c>long</c> zero-extended).
/// Same-size, same-kind values need nothing.
/// </summary>
internal static class ScalarConversion
{
    /// <summary>Converts the value of <paramref name="from"/> on the stack to <paramref name="to"/>.</summary>
    public static void Widen(IlWriter il, Type from, Type to)
    {
        if (from == to || SizeOf(from) == SizeOf(to) && IsFloat(from) == IsFloat(to)) return;
        if (to == typeof(double)) il.Emit(OpCodes.Conv_R8);
        else if (to == typeof(int)) il.Emit(OpCodes.Conv_I4);
        else if (to == typeof(long)) il.Emit(IsUnsigned(from) ? OpCodes.Conv_U8 : OpCodes.Conv_I8);
    }

    /// <summary>Whether <paramref name="t"/> is a CLR floating type.</summary>
    public static bool IsFloat(Type t) => t == typeof(float) || t == typeof(double);

    /// <summary>The size of a CLR value as an argument (pointers and native integers 8, bool 1, value types their size).</summary>
    public static long SizeOf(Type t) => t.IsPointer || t == typeof(nint) || t == typeof(nuint) ? 8 : t == typeof(bool) ? 1
        : PrimitiveSize(t) is int n and > 0 ? n
        : t.IsValueType ? (int)typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!.MakeGenericMethod(t).Invoke(null, null)! : 8;

    // Integers, floats, char and enums (by their underlying type) without reflection: Unsafe.SizeOf through
    // MakeGenericMethod costs every typed delegate microseconds and a method for the JIT on its first use.
    private static int PrimitiveSize(Type t) => !t.IsPrimitive && !t.IsEnum ? 0 : Type.GetTypeCode(t) switch
    {
        TypeCode.SByte or TypeCode.Byte => 1,
        TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Char => 2,
        TypeCode.Int32 or TypeCode.UInt32 or TypeCode.Single => 4,
        TypeCode.Int64 or TypeCode.UInt64 or TypeCode.Double => 8,
        _ => 0,
    };

    private static bool IsUnsigned(Type t) => t == typeof(byte) || t == typeof(ushort) || t == typeof(uint) || t == typeof(char) || t == typeof(bool);
}
