using System.Globalization;
using Ffi.Types;

namespace Ffi.Memory;

/// <summary>
/// Converts managed values to C scalars with the original's rules: integers are range-checked against
/// the C type ("negative to unsigned", "integer out of range"), an integral float converts and a
/// non-integral one does not ("non-integral float to int"), bool converts to 0/1; floating types accept
/// integers and bools. Failures are <see cref="FfiArgumentException"/>s naming the place.
/// </summary>
internal static class ValueConverter
{
    /// <summary>Converts <paramref name="value"/> to the bits of integer type <paramref name="type"/> (two's complement, zero-extended to 64 bits).</summary>
    /// <param name="value">An integer of any CLR width, a bool, an integral float/double/decimal, or a CLR enum value.</param>
    /// <param name="type">The C integer type.</param>
    /// <param name="where">The place, for the error message.</param>
    /// <exception cref="FfiArgumentException">The value is not an integer, or does not fit the type.</exception>
    public static ulong ToIntegerBits(object? value, IntType type, string where)
    {
        var n = ToInt128(value, type.DisplayName, where);
        if (type.IsBool)
        {
            if (n < 0 || n > 1) throw new FfiArgumentException(where, $"integer out of range: {n} for bool (expected 0 or 1)");
            return (ulong)n;
        }
        if (!type.IsSigned && n < 0) throw new FfiArgumentException(where, $"negative to unsigned: {n} for {type.DisplayName}");
        if (n < type.MinValue || n > type.MaxValue)
            throw new FfiArgumentException(where, $"integer out of range: {n} for {type.DisplayName} ({type.MinValue}..{type.MaxValue})");
        ulong bits = (ulong)(n & ulong.MaxValue); // two's complement of negative values
        return type.Bits == 64 ? bits : bits & ((1UL << type.Bits) - 1);
    }

    /// <summary>Converts <paramref name="value"/> to a double, for a C <c>float</c> or <c>double</c>.</summary>
    /// <exception cref="FfiArgumentException">The value is not a number or bool.</exception>
    public static double ToDouble(object? value, string typeName, string where) => value switch
    {
        double d => d,
        float f => f,
        bool b => b ? 1 : 0,
        decimal m => (double)m,
        nint n => n, // nint and nuint are integers (IntPtr is not IConvertible: Convert would throw InvalidCastException)
        nuint u => u,
        sbyte or byte or short or ushort or int or uint or long => Convert.ToInt64(value, CultureInfo.InvariantCulture),
        ulong => Convert.ToUInt64(value, CultureInfo.InvariantCulture),
        Enum e => Convert.ToDouble(e, CultureInfo.InvariantCulture),
        _ => throw new FfiArgumentException(where, $"expected number for {typeName}, got {Describe(value)}"),
    };

    /// <summary>A short description of a managed value for messages.</summary>
    public static string Describe(object? value) => value switch
    {
        null => "null",
        string s => $"string \"{(s.Length > 40 ? s[..37] + "..." : s)}\"",
        IFormattable f => $"{value.GetType().Name} {f.ToString(null, CultureInfo.InvariantCulture)}",
        _ => value.GetType().Name,
    };

    private static Int128 ToInt128(object? value, string typeName, string where)
    {
        switch (value)
        {
            case bool b: return b ? 1 : 0;
            case nint n: return n; // range-checked by the caller like any integer (IntPtr is not IConvertible)
            case nuint u: return u;
            case sbyte or short or int or long: return Convert.ToInt64(value, CultureInfo.InvariantCulture);
            case byte or ushort or uint or ulong: return Convert.ToUInt64(value, CultureInfo.InvariantCulture);
            case char c: return c;
            case Enum e:
                return Convert.GetTypeCode(e) is TypeCode.UInt64 ? Convert.ToUInt64(e, CultureInfo.InvariantCulture) : Convert.ToInt64(e, CultureInfo.InvariantCulture);
            case float or double or decimal:
            {
                double d = value is decimal m ? (double)m : Convert.ToDouble(value, CultureInfo.InvariantCulture);
                if (!double.IsFinite(d) || Math.Floor(d) != d || (value is decimal dm && decimal.Truncate(dm) != dm))
                    throw new FfiArgumentException(where, $"non-integral float to int: {Describe(value)} for {typeName}");
                if (Math.Abs(d) >= 1e30) throw new FfiArgumentException(where, $"integer out of range: {Describe(value)} for {typeName}");
                return (Int128)d;
            }
            default:
                throw new FfiArgumentException(where, $"expected integer-compatible value for {typeName}, got {Describe(value)}");
        }
    }
}
