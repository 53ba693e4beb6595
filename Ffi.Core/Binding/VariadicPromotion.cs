using Ffi.Memory;
using Ffi.Types;
using Ffi.Values;

namespace Ffi.Binding;

/// <summary>
/// The one rule set for the C type a variadic extra is passed as — C's default argument promotions, applied to the
/// value's CLR type — for typed delegates, <see cref="FfiValue"/>s, <c>object</c> arguments, the CLI and compiled bindings'
/// <see cref="CVarArg"/> alike (it lives in Ffi.Core so that the run-time engine and compiled bindings share it):
/// <list type="bullet">
/// <item><c>bool</c>, <c>sbyte</c>, <c>byte</c>, <c>short</c>, <c>ushort</c>, <c>char</c>, <c>int</c> → <c>int</c>;
/// <c>uint</c> → <c>unsigned int</c>;</item>
/// <item><c>long</c> → <c>long</c>, <c>ulong</c> → <c>unsigned long</c>; an integer of no declared width (an
/// <see cref="FfiValue"/> integer, a JSON number) is passed as a 64-bit <c>long</c>/<c>unsigned long</c>: every
/// integer travels in a 64-bit slot on x86-64, so a callee reading <c>int</c> reads the same value;</item>
/// <item><c>float</c>, <c>double</c>, <c>decimal</c> → <c>double</c>;</item>
/// <item><c>string</c> → <c>char*</c>; <see langword="null"/>, <see cref="nint"/>/<see cref="nuint"/> as
/// addresses, pointers and <see cref="NativePointer"/>s → <c>void*</c>;</item>
/// <item>an explicitly typed extra (<c>VarArg</c>, <see cref="FfiValue.Typed"/>, <see cref="CVarArg"/>'s factories) → its type promoted: integers
/// and enums narrower than <c>int</c> → <c>int</c>, <c>float</c> → <c>double</c>; aggregates are refused.</item>
/// </list>
/// The promoted types are C's own (<see cref="BuiltinTypes"/>), never a spec's declarations of the same names: a
/// spec that declares <c>"double": "float"</c> does not change how <c>printf</c> receives a double.
/// </summary>
internal static class VariadicPromotion
{
    public static readonly CType Int = Builtin("int");
    public static readonly CType UInt = Builtin("uint");
    public static readonly CType Long = Builtin("long");
    public static readonly CType ULong = Builtin("ulong");
    public static readonly CType Double = Builtin("double");
    public static readonly CType String = Builtin("string");
    public static readonly CType Pointer = Builtin("pointer");

    /// <summary>The C type a typed delegate's extra of CLR type <paramref name="clr"/> is passed as; null when none.</summary>
    public static CType? ForClrType(Type clr)
    {
        if (clr.IsEnum) clr = Enum.GetUnderlyingType(clr);
        if (clr == typeof(bool) || clr == typeof(sbyte) || clr == typeof(byte) || clr == typeof(short) || clr == typeof(ushort)
            || clr == typeof(int) || clr == typeof(char)) return Int;
        if (clr == typeof(uint)) return UInt;
        if (clr == typeof(long)) return Long;
        if (clr == typeof(ulong)) return ULong;
        if (clr == typeof(float) || clr == typeof(double)) return Double;
        if (clr == typeof(string)) return String;
        if (clr == typeof(nint) || clr == typeof(nuint) || clr.IsPointer || clr == typeof(NativePointer)) return Pointer;
        return null;
    }

    /// <summary>The C type an <c>object</c> extra is passed as; null when it cannot be an extra.</summary>
    public static CType? ForObject(object? value) => value switch
    {
        null or NativePointer or StructValue => Pointer,
        string => String,
        decimal => Double,
        _ => ForClrType(value.GetType()),
    };

    /// <summary>The C type an <see cref="FfiValue"/> extra is passed as; null when it cannot be an extra.</summary>
    public static CType? ForValue(in FfiValue v) => v.Kind switch
    {
        FfiValueKind.Bool => Int,
        FfiValueKind.Int => Long,
        FfiValueKind.UInt => ULong,
        FfiValueKind.Float or FfiValueKind.Double => Double,
        FfiValueKind.String => String,
        FfiValueKind.Pointer or FfiValueKind.Void => Pointer,
        _ when v.Reference is NativePointer or StructValue => Pointer,
        _ => null,
    };

    /// <summary>C's default promotion of an explicitly typed extra; null for a type that cannot be an extra.</summary>
    public static CType? OfType(CType type) => type switch
    {
        IntType { Bits: < 32 } or EnumType { Base.Bits: < 32 } => Int,
        HandleType { Rep: IntType { Bits: < 32 } } => Int,
        FloatType { Bits: 32 } => Double,
        VoidType or AggregateType or ArrayType => null,
        _ => type,
    };

    private static CType Builtin(string name) =>
        BuiltinTypes.TryGet(name, out var t) ? t : throw new InvalidOperationException($"builtin type {name} is missing");
}
