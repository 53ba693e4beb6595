using System.Runtime.CompilerServices;
using Ffi.Memory;
using Ffi.Types;

namespace Ffi.Binding;

/// <summary>How a CLR value stands for a C value (typed delegates use all; typed callbacks the first six).</summary>
internal enum Mapping { Direct, Bool, PointerLike, NativePointer, String, Aggregate, Array, Span, Callback }

/// <summary>
/// The typed API's rules, one place for both directions: which CLR type stands for which C type (integers of the
/// same width and signedness, float/double, bool, pointers, strings for <c>char*</c>, arrays and spans, unmanaged
/// structs of the C size), and the hints of its error messages. No IL here.
/// </summary>
internal static class MappingRules
{
    public static bool IsFloat(Type t) => t == typeof(float) || t == typeof(double);

    public static long SizeOf(Type t) => t.IsPointer || t == typeof(nint) || t == typeof(nuint) ? 8 : t == typeof(bool) ? 1 : t.IsValueType ? (int)typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!.MakeGenericMethod(t).Invoke(null, null)! : 8;

    public static Mapping? MapParameter(Type clr, CType c) => c switch
    {
        IntType { IsBool: true } => clr == typeof(bool) ? Mapping.Bool : IsInteger(clr, 1) ? Mapping.Direct : null,
        IntType i => IsInteger(clr, i.Size, i.IsSigned) ? Mapping.Direct : null,
        EnumType e => IsInteger(clr, e.Size, null) || clr.IsEnum && SizeOf(clr) == e.Size ? Mapping.Direct : null,
        FloatType f => f.Bits == 32 ? (clr == typeof(float) ? Mapping.Direct : null) : (clr == typeof(double) ? Mapping.Direct : null),
        PointerType or FuncPtrType or HandleType { Rep: PointerType } => PointerMapping(clr, c),
        HandleType h => MapParameter(clr, h.Rep),
        AggregateType or ArrayType => IsUnmanagedStruct(clr) && SizeOf(clr) == c.Size ? Mapping.Aggregate : null,
        _ => null,
    };

    private static Mapping? PointerMapping(Type clr, CType c)
    {
        if (clr == typeof(nint) || clr == typeof(nuint) || clr.IsPointer) return Mapping.PointerLike;
        if (clr == typeof(NativePointer)) return Mapping.NativePointer;
        if (clr == typeof(string)) return c is PointerType { IsCharPointer: true } ? Mapping.String : null;
        if (c is not PointerType) return null;
        if (clr.IsArray && clr.GetArrayRank() == 1 && IsUnmanaged(clr.GetElementType()!)) return Mapping.Array;
        if (clr.IsGenericType && (clr.GetGenericTypeDefinition() == typeof(Span<>) || clr.GetGenericTypeDefinition() == typeof(ReadOnlySpan<>))
            && IsUnmanaged(clr.GetGenericArguments()[0])) return Mapping.Span;
        return null;
    }

    // A variadic extra is passed as its promoted C type (VariadicPromotion); the stub converts.
    public static Mapping MapExtra(Type clr) =>
        clr == typeof(string) ? Mapping.String
        : clr == typeof(NativePointer) ? Mapping.NativePointer
        : clr == typeof(nint) || clr == typeof(nuint) || clr.IsPointer ? Mapping.PointerLike
        : Mapping.Direct;

    public static Mapping? MapReturn(Type clr, CType c)
    {
        if (c is VoidType) return clr == typeof(void) ? Mapping.Direct : null;
        if (clr == typeof(void)) return null;
        if (c is PointerType or FuncPtrType or HandleType { Rep: PointerType })
        {
            if (clr == typeof(nint) || clr == typeof(nuint) || clr.IsPointer) return Mapping.PointerLike;
            if (clr == typeof(NativePointer)) return Mapping.NativePointer;
            if (clr == typeof(string)) return c is PointerType { IsCharPointer: true } ? Mapping.String : null;
            return null;
        }
        var m = MapParameter(clr, c);
        return m is Mapping.Direct or Mapping.Bool or Mapping.Aggregate ? m : null;
    }

    private static bool IsInteger(Type t, long size, bool? signed = null)
    {
        if (t.IsEnum) t = Enum.GetUnderlyingType(t);
        bool? s = t == typeof(sbyte) || t == typeof(short) || t == typeof(int) || t == typeof(long) || t == typeof(nint) ? true
            : t == typeof(byte) || t == typeof(ushort) || t == typeof(uint) || t == typeof(ulong) || t == typeof(nuint) || t == typeof(char) ? false
            : null;
        if (s is null) return false;
        if (SizeOf(t) != size) return false;
        return signed is null || t == typeof(nint) || t == typeof(nuint) || s == signed;
    }

    public static bool IsUnmanaged(Type t) => t.IsValueType &&
        !(bool)typeof(RuntimeHelpers).GetMethod(nameof(RuntimeHelpers.IsReferenceOrContainsReferences))!.MakeGenericMethod(t).Invoke(null, null)!;

    public static bool IsUnmanagedStruct(Type t) => IsUnmanaged(t) && !t.IsPrimitive && !t.IsEnum && t != typeof(nint) && t != typeof(nuint);

    public static string Hint(CType c) => c switch
    {
        IntType { IsBool: true } => " (use bool)",
        IntType i => $" (use {(i.Bits, i.IsSigned) switch
        {
            (8, true) => "sbyte", (8, false) => "byte", (16, true) => "short", (16, false) => "ushort",
            (32, true) => "int", (32, false) => "uint", (64, true) => "long", _ => "ulong",
        }})",
        FloatType f => f.Bits == 32 ? " (use float)" : " (use double)",
        PointerType { IsCharPointer: true } => " (use string, nint, a pointer, NativePointer, an array or a span)",
        PointerType => " (use nint, a pointer, NativePointer, an array or a span)",
        AggregateType or ArrayType => $" (use an unmanaged struct of {c.Size} bytes)",
        _ => "",
    };

    public static string Name(Type t) => t == typeof(void) ? "void" : t.Name;
}
