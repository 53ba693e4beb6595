using System.Runtime.CompilerServices;
using Ffi.Marshallers;
using Ffi.Memory;
using Ffi.Types;

namespace Ffi.Binding;

/// <summary>
/// The typed API's rules, one place for both directions: which marshaller (in <c>Ffi.Marshallers</c>) makes a CLR
/// type stand for a C type — integers of the same width and signedness, float/double, bool, pointers, strings for
/// <c>const char*</c>, arrays and spans, unmanaged structs of the C size — and the hints of its error messages. A
/// new kind is a marshaller plus one rule here. No IL here.
/// </summary>
internal static class MappingRules
{
    /// <summary>The marshaller for a parameter of C type <paramref name="c"/> declared <paramref name="clr"/>, or null.</summary>
    public static ArgumentMarshaller? MapParameter(Type clr, CType c) => clr.IsByRef ? MapByRef(clr.GetElementType()!, c) : c switch
    {
        IntType { IsBool: true } => clr == typeof(bool) ? BoolMarshaller.Instance : IsInteger(clr, 1) ? DirectMarshaller.Instance : null,
        IntType i => IsInteger(clr, i.Size, i.IsSigned) ? DirectMarshaller.Instance : null,
        EnumType e => IsInteger(clr, e.Size, null) || clr.IsEnum && ScalarConversion.SizeOf(clr) == e.Size ? DirectMarshaller.Instance : null,
        FloatType f => f.Bits == 32 ? (clr == typeof(float) ? DirectMarshaller.Instance : null) : (clr == typeof(double) ? DirectMarshaller.Instance : null),
        PointerType or FuncPtrType => PointerMapping(clr, c),
        HandleType h => (h.Rep is PointerType ? PointerMapping(clr, c) : MapParameter(clr, h.Rep)) ?? HandleStruct(clr, h),
        AggregateType or ArrayType => IsUnmanagedStruct(clr) && ScalarConversion.SizeOf(clr) == c.Size ? AggregateMarshaller.Instance : null,
        _ => null,
    };

    // The CLR types a C pointer takes, in order; the first that applies wins.
    private static ArgumentMarshaller? PointerMapping(Type clr, CType c)
    {
        if (clr == typeof(nint) || clr == typeof(nuint) || clr.IsPointer) return AddressMarshaller.Instance;
        if (clr == typeof(NativePointer)) return NativePointerMarshaller.Instance;
        // A delegate for a function pointer: whether its signature fits is the callback binder's (TypedCallback).
        if (c is FuncPtrType && typeof(Delegate).IsAssignableFrom(clr)) return CallbackMarshaller.Instance;
        if (clr == typeof(string)) return IsConstCharPointer(c) ? StringMarshaller.Utf8 : IsConstWideCharPointer(c) ? StringMarshaller.Utf32 : null;
        if (c is not PointerType) return null;
        if (clr.IsArray && clr.GetArrayRank() == 1 && IsUnmanaged(clr.GetElementType()!)) return PinnedArrayMarshaller.Instance;
        if (clr.IsGenericType && (clr.GetGenericTypeDefinition() == typeof(Span<>) || clr.GetGenericTypeDefinition() == typeof(ReadOnlySpan<>))
            && IsUnmanaged(clr.GetGenericArguments()[0])) return PinnedSpanMarshaller.Instance;
        return null;
    }

    // A handle as a struct of its representation's bytes (compiled bindings' strongly typed handles: a readonly struct
    // wrapping the pointer): the same bytes in the same register as the pointer or integer.
    private static ArgumentMarshaller? HandleStruct(Type clr, CType handle) =>
        IsUnmanagedStruct(clr) && ScalarConversion.SizeOf(clr) == handle.Size ? HandleMarshaller.Instance : null;

    // ref/out/in T for a pointer to T: T must stand for the pointee by value, bit for bit (no copy is made).
    private static ArgumentMarshaller? MapByRef(Type element, CType c) =>
        c is PointerType { Pointee: var pointee } && pointee is not VoidType && MapParameter(element, pointee) is DirectMarshaller or BoolMarshaller or AggregateMarshaller or HandleMarshaller
            ? ByRefMarshaller.Instance : null;

    /// <summary>
    /// The marshaller for a callback's parameter (C → CLR): as <see cref="MapParameter"/>, except that a string
    /// reads any <c>char *</c> or <c>wchar_t *</c> (the callback gets a copy and cannot write into C's text), and
    /// kinds that need a managed object from the caller (arrays, spans, callbacks) are not served.
    /// </summary>
    public static ArgumentMarshaller? MapCallbackParameter(Type clr, CType c)
    {
        if (clr == typeof(string)) return ReadString(c);
        var m = MapParameter(clr, c);
        return m is { ServesCallbackParameter: true } ? m : null;
    }

    // A string read from C: the text is C's, so constness does not matter.
    private static ArgumentMarshaller? ReadString(CType c) =>
        c is PointerType { IsCharPointer: true } ? StringMarshaller.Utf8 : IsWideCharPointer(c) ? StringMarshaller.Utf32 : null;

    /// <summary>A variadic extra's marshaller: passed as its promoted C type (<see cref="VariadicPromotion"/>); the stub converts.</summary>
    public static ArgumentMarshaller MapExtra(Type clr) =>
        clr == typeof(string) ? StringMarshaller.Utf8
        : clr == typeof(NativePointer) ? NativePointerMarshaller.Instance
        : clr == typeof(nint) || clr == typeof(nuint) || clr.IsPointer ? AddressMarshaller.Instance
        : DirectMarshaller.Instance;

    /// <summary>The marshaller for a result of C type <paramref name="c"/> returned as <paramref name="clr"/>, or null.</summary>
    public static ArgumentMarshaller? MapReturn(Type clr, CType c)
    {
        if (c is VoidType) return clr == typeof(void) ? DirectMarshaller.Instance : null;
        if (clr == typeof(void)) return null;
        if (c is HandleType && HandleStruct(clr, c) is { } handle) return handle;
        if (c is PointerType or FuncPtrType or HandleType { Rep: PointerType })
        {
            if (clr == typeof(nint) || clr == typeof(nuint) || clr.IsPointer) return AddressMarshaller.Instance;
            if (clr == typeof(NativePointer)) return NativePointerMarshaller.Instance;
            // A returned char* or wchar_t* is read, never written: any char pointer (the text is C's).
            if (clr == typeof(string)) return ReadString(c);
            return null;
        }
        var m = MapParameter(clr, c);
        return m is DirectMarshaller or BoolMarshaller or AggregateMarshaller or HandleMarshaller ? m : null;
    }

    /// <summary>
    /// Whether a CLR string may stand for this C pointer: a pointer to <c>const char</c> (the builtin <c>string</c>,
    /// C's <c>const char *</c>). A string is a temporary copy, so C must not write into it.
    /// </summary>
    public static bool IsConstCharPointer(CType c) => c is PointerType { IsConstCharPointer: true };

    /// <summary>Whether this is a pointer to <c>wchar_t</c> (the builtin, a 4-byte int on Linux x86-64), const or not.</summary>
    public static bool IsWideCharPointer(CType c) => c is PointerType { Pointee: IntType { Bits: 32, Name: "wchar_t" } };

    /// <summary>Whether a CLR string may stand for this C pointer as UTF-32: <c>const wchar_t *</c>.</summary>
    public static bool IsConstWideCharPointer(CType c) => IsWideCharPointer(c) && c is PointerType { IsPointeeConst: true };

    private static bool IsInteger(Type t, long size, bool? signed = null)
    {
        if (t.IsEnum) t = Enum.GetUnderlyingType(t);
        bool? s = t == typeof(sbyte) || t == typeof(short) || t == typeof(int) || t == typeof(long) || t == typeof(nint) ? true
            : t == typeof(byte) || t == typeof(ushort) || t == typeof(uint) || t == typeof(ulong) || t == typeof(nuint) || t == typeof(char) ? false
            : null;
        if (s is null) return false;
        if (ScalarConversion.SizeOf(t) != size) return false;
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
        PointerType p when IsConstCharPointer(p) || IsConstWideCharPointer(p) => " (use string, nint, a pointer, NativePointer, an array or a span)",
        PointerType p when IsWideCharPointer(p) => " (use nint, a pointer, NativePointer, an array or a span; a string only for const wchar_t *: C may write into a wchar_t *)",
        PointerType { Pointee: not VoidType } => " (use nint, a pointer, NativePointer, an array, a span or ref/out of the pointee)",
        PointerType => " (use nint, a pointer, NativePointer, an array or a span)",
        AggregateType or ArrayType => $" (use an unmanaged struct of {c.Size} bytes)",
        _ => "",
    };

    public static string Name(Type t) => t == typeof(void) ? "void" : t.Name;
}
