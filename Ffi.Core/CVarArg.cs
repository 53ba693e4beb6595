using Ffi.Binding;
using Ffi.Memory;
using Ffi.Types;

namespace Ffi;

/// <summary>
/// One extra argument of a variadic C function called through compiled bindings
/// (<c>Native.printf("%d %s\n", 42, "x")</c>, whose last parameter is <c>params ReadOnlySpan&lt;CVarArg&gt;</c>). A value
/// converts implicitly and is passed as C's default argument promotions make it, by the run-time engine's own rule set
/// (docs/calls.md, "Variadic promotions"): <c>bool</c>, <c>sbyte</c>, <c>byte</c>, <c>short</c>, <c>ushort</c>,
/// <c>char</c>, <c>int</c> → <c>int</c>; <c>uint</c> → <c>unsigned int</c>; <c>long</c>, <c>ulong</c> → 64-bit;
/// <c>float</c>, <c>double</c> → <c>double</c>; <c>nint</c>, <c>nuint</c>, pointers and <see cref="NativePointer"/> →
/// <c>void *</c>; <c>string</c> → <c>char *</c> (a NUL-terminated UTF-8 copy, freed when the call returns; null is NULL).
/// The factories (<see cref="Int64"/>, <see cref="UInt64"/>…) pass a value as an explicit C type, as the run-time
/// <c>VarArg</c> does. No code is generated at run time: this is NativeAOT-safe.
/// </summary>
/// <example><code>
/// Native.printf("%d %.3f %s %lu\n", 42, 2.5, "text", CVarArg.UInt64(7));
/// </code></example>
public readonly struct CVarArg
{
    // The rule set's answers for each CLR type, asked once (VariadicPromotion.ForClrType).
    private static readonly CType OfBool = Rule(typeof(bool)), OfSByte = Rule(typeof(sbyte)), OfByte = Rule(typeof(byte)),
        OfShort = Rule(typeof(short)), OfUShort = Rule(typeof(ushort)), OfChar = Rule(typeof(char)), OfInt = Rule(typeof(int)),
        OfUInt = Rule(typeof(uint)), OfLong = Rule(typeof(long)), OfULong = Rule(typeof(ulong)), OfFloat = Rule(typeof(float)),
        OfDouble = Rule(typeof(double)), OfNInt = Rule(typeof(nint)), OfNUInt = Rule(typeof(nuint)), OfString = Rule(typeof(string)),
        OfPointer = Rule(typeof(NativePointer));

    private CVarArg(CType type, long bits, string? text)
    {
        Type = type;
        Bits = bits;
        Text = text;
    }

    /// <summary>The promoted C type the callee reads with <c>va_arg</c>; null for <c>default(CVarArg)</c>, which a call refuses.</summary>
    public CType? Type { get; }

    /// <summary>The value's 64-bit slot: an integer (sign- or zero-extended), a double's bits, an address.</summary>
    internal long Bits { get; }

    /// <summary>The string of a <c>char *</c> extra (copied as UTF-8 for the call), or null.</summary>
    internal string? Text { get; }

    /// <summary>Whether the extra travels in a vector register (a <c>double</c>) rather than a general one.</summary>
    internal bool IsSse => Type is FloatType;

    /// <summary>A C <c>int</c>.</summary>
    /// <param name="value">The value.</param>
    public static CVarArg Int32(int value) => new(VariadicPromotion.Int, value, null);

    /// <summary>A C <c>unsigned int</c>.</summary>
    /// <param name="value">The value.</param>
    public static CVarArg UInt32(uint value) => new(VariadicPromotion.UInt, value, null);

    /// <summary>A C <c>long</c> (<c>long long</c>, <c>int64_t</c>): a value that fits in an int, passed as 64 bits.</summary>
    /// <param name="value">The value.</param>
    public static CVarArg Int64(long value) => new(VariadicPromotion.Long, value, null);

    /// <summary>A C <c>unsigned long</c> (<c>size_t</c>, <c>uint64_t</c>).</summary>
    /// <param name="value">The value.</param>
    public static CVarArg UInt64(ulong value) => new(VariadicPromotion.ULong, (long)value, null);

    /// <summary>A C <c>double</c> (a <c>float</c> extra is promoted to it).</summary>
    /// <param name="value">The value.</param>
    public static CVarArg Double(double value) => new(VariadicPromotion.Double, BitConverter.DoubleToInt64Bits(value), null);

    /// <summary>A C pointer (<c>void *</c>, <c>%p</c>).</summary>
    /// <param name="address">The address.</param>
    public static CVarArg Pointer(nint address) => new(VariadicPromotion.Pointer, address, null);

    /// <summary>A C <c>char *</c>: a NUL-terminated UTF-8 copy of <paramref name="text"/> for the call (NULL when null).</summary>
    /// <param name="text">The text.</param>
    public static CVarArg String(string? text) => new(VariadicPromotion.String, 0, text);

    /// <summary>Passes <paramref name="value"/> as an <c>int</c> (0 or 1).</summary>
    /// <param name="value">The value.</param>
    public static implicit operator CVarArg(bool value) => new(OfBool, value ? 1 : 0, null);

    /// <summary>Passes <paramref name="value"/> as an <c>int</c>.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator CVarArg(sbyte value) => new(OfSByte, value, null);

    /// <summary>Passes <paramref name="value"/> as an <c>int</c>.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator CVarArg(byte value) => new(OfByte, value, null);

    /// <summary>Passes <paramref name="value"/> as an <c>int</c>.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator CVarArg(short value) => new(OfShort, value, null);

    /// <summary>Passes <paramref name="value"/> as an <c>int</c>.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator CVarArg(ushort value) => new(OfUShort, value, null);

    /// <summary>Passes <paramref name="value"/> as an <c>int</c> (its UTF-16 code unit).</summary>
    /// <param name="value">The value.</param>
    public static implicit operator CVarArg(char value) => new(OfChar, value, null);

    /// <summary>Passes <paramref name="value"/> as an <c>int</c>.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator CVarArg(int value) => new(OfInt, value, null);

    /// <summary>Passes <paramref name="value"/> as an <c>unsigned int</c>.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator CVarArg(uint value) => new(OfUInt, value, null);

    /// <summary>Passes <paramref name="value"/> as a <c>long</c>.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator CVarArg(long value) => new(OfLong, value, null);

    /// <summary>Passes <paramref name="value"/> as an <c>unsigned long</c>.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator CVarArg(ulong value) => new(OfULong, (long)value, null);

    /// <summary>Passes <paramref name="value"/> as a <c>double</c> (C promotes a float extra).</summary>
    /// <param name="value">The value.</param>
    public static implicit operator CVarArg(float value) => new(OfFloat, BitConverter.DoubleToInt64Bits(value), null);

    /// <summary>Passes <paramref name="value"/> as a <c>double</c>.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator CVarArg(double value) => new(OfDouble, BitConverter.DoubleToInt64Bits(value), null);

    /// <summary>Passes <paramref name="value"/> as an address (<c>void *</c>).</summary>
    /// <param name="value">The address.</param>
    public static implicit operator CVarArg(nint value) => new(OfNInt, value, null);

    /// <summary>Passes <paramref name="value"/> as an address (<c>void *</c>).</summary>
    /// <param name="value">The address.</param>
    public static implicit operator CVarArg(nuint value) => new(OfNUInt, (long)value, null);

    /// <summary>Passes a pointer (any <c>T*</c> converts to <c>void*</c> first) as <c>void *</c>.</summary>
    /// <param name="value">The pointer.</param>
    public static unsafe implicit operator CVarArg(void* value) => new(OfNInt, (nint)value, null);

    /// <summary>Passes <paramref name="value"/>'s address as <c>void *</c>.</summary>
    /// <param name="value">The pointer.</param>
    public static implicit operator CVarArg(NativePointer value) => new(OfPointer, value.Address, null);

    /// <summary>Passes <paramref name="value"/> as <c>char *</c>: a NUL-terminated UTF-8 copy freed after the call; null is NULL.</summary>
    /// <param name="value">The text.</param>
    public static implicit operator CVarArg(string? value) => new(OfString, 0, value);

    /// <inheritdoc />
    public override string ToString() => Type is null ? "(none)" : $"({Type.DisplayName}) {(Text is not null ? Text : IsSse ? BitConverter.Int64BitsToDouble(Bits) : Bits)}";

    private static CType Rule(System.Type clr) =>
        VariadicPromotion.ForClrType(clr) ?? throw new InvalidOperationException($"the variadic promotion rules have no answer for {clr}");
}
