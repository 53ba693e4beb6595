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
    public static long SizeOf(Type t) => t.IsPointer || t == typeof(nint) || t == typeof(nuint) ? 8 : t == typeof(bool) ? 1 : t.IsValueType ? (int)typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!.MakeGenericMethod(t).Invoke(null, null)! : 8;

    private static bool IsUnsigned(Type t) => t == typeof(byte) || t == typeof(ushort) || t == typeof(uint) || t == typeof(char) || t == typeof(bool);
}
