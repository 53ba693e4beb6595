using System.Reflection.Emit;
using Ffi.Binding;
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
        if (from == to || MappingRules.SizeOf(from) == MappingRules.SizeOf(to) && MappingRules.IsFloat(from) == MappingRules.IsFloat(to)) return;
        if (to == typeof(double)) il.Emit(OpCodes.Conv_R8);
        else if (to == typeof(int)) il.Emit(OpCodes.Conv_I4);
        else if (to == typeof(long)) il.Emit(IsUnsigned(from) ? OpCodes.Conv_U8 : OpCodes.Conv_I8);
    }

    private static bool IsUnsigned(Type t) => t == typeof(byte) || t == typeof(ushort) || t == typeof(uint) || t == typeof(char) || t == typeof(bool);
}
