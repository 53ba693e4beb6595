using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Ffi.Memory;
using Ffi.Types;

namespace Ffi.Values;

/// <summary>What an <see cref="FfiValue"/> holds.</summary>
public enum FfiValueKind : byte
{
    /// <summary>Nothing: a void return, or <c>default(FfiValue)</c> (passes as a null pointer).</summary>
    Void,
    /// <summary>A signed integer (up to 64 bits).</summary>
    Int,
    /// <summary>An unsigned integer (up to 64 bits).</summary>
    UInt,
    /// <summary>A <see cref="float"/>.</summary>
    Float,
    /// <summary>A <see cref="double"/>.</summary>
    Double,
    /// <summary>A <see cref="bool"/>.</summary>
    Bool,
    /// <summary>An address, with the pointer's tag and pointee type when known.</summary>
    Pointer,
    /// <summary>A string (passed to <c>char*</c> as a NUL-terminated UTF-8 copy).</summary>
    String,
    /// <summary>Any other managed value (a <see cref="StructValue"/>, a dictionary, an anonymous object, an array…).</summary>
    Object,
    /// <summary>
    /// A struct, union or array of at most 16 bytes held inside the value itself: what <c>Invoke(ReadOnlySpan&lt;FfiValue&gt;)</c>
    /// returns for such an aggregate result (no allocation). Read its members with <c>module.Memory.Get(value, "field")</c>
    /// or <see cref="FfiValue.ToStruct{T}"/>, pass it back by value, or make it a <see cref="StructValue"/> with
    /// <see cref="FfiValue.ToObject"/>; its type is <see cref="FfiValue.AggregateType"/>.
    /// </summary>
    Aggregate,
}

/// <summary>
/// One argument or result of a dynamic call that does not allocate: integers, floats, bools and pointers are
/// stored inline; strings and other objects by reference. Converts implicitly from the CLR primitives, strings
/// and <see cref="NativePointer"/>, so <c>fn.Invoke([1, 2.5, "x"])</c> reads naturally. The conversion rules
/// are the dynamic API's (range-checked integers, floats from integers, bool as 0/1, tag-checked pointers).
/// </summary>
/// <example>
/// <code>
/// var add = module.Function("add");
/// FfiValue sum = add.Invoke([2, 3]);        // no allocation
/// int n = (int)sum.ToInt64();
/// </code>
/// </example>
/// <remarks>
/// An aggregate result of at most <see cref="MaxInlineAggregate"/> bytes (every aggregate C returns in registers) is held
/// inline as an <see cref="FfiValueKind.Aggregate"/>: nothing is allocated, natively or on the managed heap, and there is
/// nothing to free. A larger one comes back as a managed <see cref="StructValue"/> copy (an <see cref="FfiValueKind.Object"/>).
/// </remarks>
[StructLayout(LayoutKind.Auto)]
public readonly partial struct FfiValue : IEquatable<FfiValue>
{
    // _bits, _ref and _kind are internal for one reader: the dynamic invokers Ffi.Emit emits read them directly
    // (by nameof, see Ffi.Runtime.StubFields). Three words and two bytes, so the value is 32 bytes: a caller writes every
    // argument it builds, and each word more costs every call (a 40-byte layout cost the sum of six int64 +38%). And
    // five fields, not four: the JIT promotes a struct of up to four fields into registers, which made add(int) through
    // Invoke(ReadOnlySpan<FfiValue>) cost 16 ns instead of 9 (docs/benchmarks.md).
    internal readonly ulong _bits;   // Aggregate: bytes 0–7
    private readonly ulong _high;    // Aggregate: bytes 8–15
    // String: the string. Object: the value. Pointer: null, its tag (a string), a native-integer mark, or what it
    // points to and its tag (the PointerType, HandleType or FuncPtrType it was read as, or a PointerInfo). Aggregate:
    // its AggregateOrigin (type and module memory). A variadic extra made with Typed: a TypedExtra around any of these.
    internal readonly object? _ref;
    internal readonly FfiValueKind _kind;
    private readonly bool _typed;    // _ref is a TypedExtra (a variadic extra made with Typed)

    // In _ref of a Pointer-kind value made from nint or nuint: such a value is an integer as much as an address, so the
    // general conversion gets the nint or nuint back (range-checked for integer parameters) instead of a pointer.
    private static readonly object NativeIntMark = new(), NativeUIntMark = new();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private FfiValue(FfiValueKind kind, ulong bits, object? reference = null, ulong high = 0, bool typed = false)
    {
        _typed = typed;
        _kind = kind;
        _bits = bits;
        _high = high;
        _ref = reference;
    }

    /// <summary>What the value holds.</summary>
    public FfiValueKind Kind => _kind;

    /// <summary>The null pointer.</summary>
    public static FfiValue Null => new(FfiValueKind.Pointer, 0);

    /// <summary>For a variadic extra made with <see cref="Typed"/>: the C type it is passed as (before default promotions).</summary>
    public CType? ExtraType => _typed ? ((TypedExtra)_ref!).Type : null;

    /// <summary>A signed integer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FfiValue FromInt64(long value) => new(FfiValueKind.Int, (ulong)value);

    /// <summary>An unsigned integer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FfiValue FromUInt64(ulong value) => new(FfiValueKind.UInt, value);

    /// <summary>A double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FfiValue FromDouble(double value) => new(FfiValueKind.Double, BitConverter.DoubleToUInt64Bits(value));

    /// <summary>A float.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FfiValue FromSingle(float value) => new(FfiValueKind.Float, BitConverter.SingleToUInt32Bits(value));

    /// <summary>A bool.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FfiValue FromBoolean(bool value) => new(FfiValueKind.Bool, value ? 1UL : 0UL);

    /// <summary>A raw address (untagged).</summary>
    public static FfiValue FromAddress(nint address) => new(FfiValueKind.Pointer, (ulong)address);

    /// <summary>
    /// A <see cref="nint"/>: passed as an address to a pointer parameter and as a range-checked integer to an integer
    /// or floating parameter (as in the object API).
    /// </summary>
    public static FfiValue FromNativeInt(nint value) => new(FfiValueKind.Pointer, (ulong)value, NativeIntMark);

    /// <summary>A <see cref="nuint"/>: an address for a pointer parameter, a range-checked integer otherwise.</summary>
    public static FfiValue FromNativeUInt(nuint value) => new(FfiValueKind.Pointer, (ulong)value, NativeUIntMark);

    /// <summary>Whether the value was made from a <see cref="nint"/> or <see cref="nuint"/> (an integer, not only an address).</summary>
    public bool IsNativeInteger => _kind == FfiValueKind.Pointer && (Payload == NativeIntMark || Payload == NativeUIntMark);

    // An nint (not an nuint): what the dynamic fast slots take as a signed integer; an nuint takes the general path.
    internal bool IsSignedNativeInteger => _kind == FfiValueKind.Pointer && Payload == NativeIntMark;

    /// <summary>A string (null gives the null pointer).</summary>
    public static FfiValue FromString(string? value) => value is null ? Null : new(FfiValueKind.String, 0, value);

    /// <summary>
    /// A pointer. An untagged or tagged pointer without an engine block is stored inline; one into engine-allocated
    /// memory keeps its block (boxed once), so that by-value aggregates copied from it stay bounds-checked.
    /// </summary>
    public static FfiValue FromPointer(NativePointer pointer) => pointer.Block is null
        ? new(FfiValueKind.Pointer, (ulong)pointer.Address, PointerInfo.For(pointer.Type, pointer.Tag))
        : new(FfiValueKind.Object, 0, pointer);

    /// <summary>Any managed value: CLR primitives, strings and pointers become their inline kinds, anything else <see cref="FfiValueKind.Object"/>.</summary>
    public static FfiValue FromObject(object? value) => value switch
    {
        null => Null,
        FfiValue v => v,
        bool b => FromBoolean(b),
        int i => FromInt64(i),
        long l => FromInt64(l),
        double d => FromDouble(d),
        sbyte i => FromInt64(i),
        short i => FromInt64(i),
        byte u => FromUInt64(u),
        ushort u => FromUInt64(u),
        uint u => FromUInt64(u),
        ulong u => FromUInt64(u),
        char c => FromUInt64(c),
        float f => FromSingle(f),
        nint n => FromNativeInt(n),
        nuint u => FromNativeUInt(u),
        string s => FromString(s),
        NativePointer p => FromPointer(p),
        _ => new(FfiValueKind.Object, 0, value),
    };

    /// <summary>
    /// A variadic extra passed as C type <paramref name="type"/> (after C's default promotions), e.g. a 64-bit
    /// integer as <c>long long</c> or a pointer as <c>char*</c>.
    /// </summary>
    public static FfiValue Typed(CType type, FfiValue value)
    {
        ArgumentNullException.ThrowIfNull(type);
        return new(value.Kind, value._bits, new TypedExtra(type, value.Payload), value._high, typed: true);
    }

    /// <summary>The value as a signed integer (integers in range, bools, addresses).</summary>
    /// <exception cref="InvalidCastException">Not an integer, or out of range.</exception>
    public long ToInt64() => Kind switch
    {
        FfiValueKind.Int or FfiValueKind.Bool or FfiValueKind.Pointer => (long)_bits,
        FfiValueKind.UInt when _bits <= long.MaxValue => (long)_bits,
        _ => throw Cast("a signed 64-bit integer"),
    };

    /// <summary>The value as an unsigned integer (non-negative integers, bools, addresses).</summary>
    /// <exception cref="InvalidCastException">Not an integer, or negative.</exception>
    public ulong ToUInt64() => Kind switch
    {
        FfiValueKind.UInt or FfiValueKind.Bool or FfiValueKind.Pointer => _bits,
        FfiValueKind.Int when (long)_bits >= 0 => _bits,
        _ => throw Cast("an unsigned 64-bit integer"),
    };

    /// <summary>The value as a double (floats and integers).</summary>
    /// <exception cref="InvalidCastException">Not a number.</exception>
    public double ToDouble() => Kind switch
    {
        FfiValueKind.Double => BitConverter.UInt64BitsToDouble(_bits),
        FfiValueKind.Float => BitConverter.UInt32BitsToSingle((uint)_bits),
        FfiValueKind.Int => (long)_bits,
        FfiValueKind.UInt => _bits,
        _ => throw Cast("a number"),
    };

    /// <summary>The value as a bool (bools, and the integers 0 and 1).</summary>
    /// <exception cref="InvalidCastException">Not a bool.</exception>
    public bool ToBoolean() => Kind switch
    {
        FfiValueKind.Bool => _bits != 0,
        FfiValueKind.Int or FfiValueKind.UInt when _bits <= 1 => _bits != 0,
        _ => throw Cast("a bool"),
    };

    /// <summary>
    /// The value as a pointer (addresses, null, and pointers to engine memory). An <see cref="FfiValueKind.Aggregate"/> is
    /// copied into new storage owned by its module's memory (the original's semantics, on request).
    /// </summary>
    /// <exception cref="InvalidCastException">Not a pointer.</exception>
    public NativePointer ToPointer() => Kind switch
    {
        FfiValueKind.Pointer or FfiValueKind.Void => new NativePointer((nint)_bits, _typed ? null : PointerInfo.PointeeOf(_ref), PointerTag, null),
        FfiValueKind.Object when Payload is NativePointer p => p,
        FfiValueKind.Object when Payload is StructValue s => s.Pointer,
        FfiValueKind.Aggregate => ToStructValue().Pointer,
        _ => throw Cast("a pointer"),
    };

    /// <summary>The string, or <see langword="null"/> for the null pointer.</summary>
    /// <exception cref="InvalidCastException">Neither a string nor null.</exception>
    public string? AsString() => Kind switch
    {
        FfiValueKind.String => (string)Payload!,
        FfiValueKind.Pointer or FfiValueKind.Void when _bits == 0 => null,
        _ => throw Cast("a string"),
    };

    /// <summary>
    /// The value as the dynamic API's object: long, ulong, float, double, bool, <see cref="NativePointer"/> (nint or nuint
    /// for a value made from one), string, the object, or null.
    /// </summary>
    public object? ToObject() => Kind switch
    {
        FfiValueKind.Void => null,
        FfiValueKind.Int => (long)_bits,
        FfiValueKind.UInt => _bits,
        FfiValueKind.Float => BitConverter.UInt32BitsToSingle((uint)_bits),
        FfiValueKind.Double => BitConverter.UInt64BitsToDouble(_bits),
        FfiValueKind.Bool => _bits != 0,
        FfiValueKind.Pointer when Payload == NativeIntMark => (nint)_bits,
        FfiValueKind.Pointer when Payload == NativeUIntMark => (nuint)_bits,
        FfiValueKind.Pointer => ToPointer(),
        FfiValueKind.Aggregate => ToStructValue(),
        _ => Payload,
    };


    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        FfiValueKind.Void => "void",
        FfiValueKind.String => (string)Payload!,
        FfiValueKind.Aggregate => $"{Origin.Type.DisplayName} (inline)",
        _ => Convert.ToString(ToObject(), CultureInfo.InvariantCulture) ?? "",
    };

    /// <inheritdoc />
    public bool Equals(FfiValue other) => _kind == other._kind && _bits == other._bits && _high == other._high && ExtraType == other.ExtraType
        && (_kind is FfiValueKind.Pointer or FfiValueKind.Void
            ? PointerInfo.Same(Payload, other.Payload) && (Payload == NativeIntMark) == (other.Payload == NativeIntMark) && (Payload == NativeUIntMark) == (other.Payload == NativeUIntMark)
            : Equals(Payload, other.Payload));

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is FfiValue v && Equals(v);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_kind, _bits, _high);

    /// <summary>Same kind and same contents.</summary>
    public static bool operator ==(FfiValue left, FfiValue right) => left.Equals(right);

    /// <summary>Different kind or contents.</summary>
    public static bool operator !=(FfiValue left, FfiValue right) => !left.Equals(right);

#pragma warning disable CS1591 // the conversions are documented by the type: each makes the kind its name says
    public static implicit operator FfiValue(bool value) => FromBoolean(value);
    public static implicit operator FfiValue(sbyte value) => FromInt64(value);
    public static implicit operator FfiValue(byte value) => FromUInt64(value);
    public static implicit operator FfiValue(short value) => FromInt64(value);
    public static implicit operator FfiValue(ushort value) => FromUInt64(value);
    public static implicit operator FfiValue(int value) => FromInt64(value);
    public static implicit operator FfiValue(uint value) => FromUInt64(value);
    public static implicit operator FfiValue(long value) => FromInt64(value);
    public static implicit operator FfiValue(ulong value) => FromUInt64(value);
    public static implicit operator FfiValue(float value) => FromSingle(value);
    public static implicit operator FfiValue(double value) => FromDouble(value);
    public static implicit operator FfiValue(nint value) => FromNativeInt(value);
    public static implicit operator FfiValue(string? value) => FromString(value);
    public static implicit operator FfiValue(NativePointer value) => FromPointer(value);
    public static implicit operator FfiValue(StructValue value) => new(FfiValueKind.Object, 0, value);
#pragma warning restore CS1591

    private InvalidCastException Cast(string what) => new($"the FfiValue holds {Kind} ({this}), not {what}");

    // ---- what the call paths use -------------------------------------------------------------------

    internal ulong Bits => _bits;

    /// <summary>The string, object or pointer information the value holds (a typed extra's, unwrapped).</summary>
    internal object? Reference => Payload;

    /// <summary>A pointer's tag (null for untagged pointers and for other kinds).</summary>
    internal string? PointerTag => TagOf(_ref);

    /// <summary>
    /// The tag of the pointer whose <see cref="_ref"/> is <paramref name="reference"/>: what the emitted invokers call
    /// to check a tagged pointer argument.
    /// </summary>
    internal static string? TagOf(object? reference) => PointerInfo.TagOf(reference is TypedExtra t ? t.Payload : reference);

    private object? Payload => _typed ? ((TypedExtra)_ref!).Payload : _ref;

    private AggregateOrigin Origin => (AggregateOrigin)Payload!;

    /// <summary>The scalar of type <paramref name="type"/> at <paramref name="at"/>, as the dynamic API reads it.</summary>
    internal static unsafe FfiValue ReadScalar(CType type, nint at) => type switch
    {
        IntType { IsBool: true } => FromBoolean(*(byte*)at != 0),
        IntType { IsSigned: true } i => FromInt64(ScalarMemory.SignExtend(ScalarMemory.ReadRaw(i.Bits, at), i.Bits)),
        IntType i => FromUInt64(ScalarMemory.ReadRaw(i.Bits, at)),
        FloatType { Bits: 32 } => FromSingle(*(float*)at),
        FloatType => FromDouble(*(double*)at),
        EnumType e => ReadScalar(e.Base, at),
        PointerType p => new(FfiValueKind.Pointer, (ulong)*(nint*)at, p.Tag is null && p.Pointee is VoidType ? null : p),
        FuncPtrType fp => new(FfiValueKind.Pointer, (ulong)*(nint*)at, fp),
        HandleType { Rep: PointerType } h => new(FfiValueKind.Pointer, (ulong)*(nint*)at, h),
        _ => FromPointer((NativePointer)ScalarMemory.Read(type, at)),
    };
}
