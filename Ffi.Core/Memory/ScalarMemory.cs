using Ffi.Types;

namespace Ffi.Memory;

/// <summary>
/// Reads and writes one C scalar (integer, bool, float, enum, pointer, function pointer, handle) at an
/// address. Reads give the natural CLR value: <c>int32</c> → <see cref="int"/>, <c>uint64</c> →
/// <see cref="ulong"/>, <c>bool</c> → <see cref="bool"/>, enums → their base's CLR type, pointers and
/// handles → <see cref="NativePointer"/>. Writes apply <see cref="ValueConverter"/>'s rules.
/// The caller checks the address range.
/// </summary>
internal static unsafe class ScalarMemory
{
    /// <summary>Whether <paramref name="type"/> is a scalar these methods handle.</summary>
    public static bool IsScalar(CType type) =>
        type.Kind is CTypeKind.Int or CTypeKind.Float or CTypeKind.Enum or CTypeKind.Pointer or CTypeKind.FuncPtr or CTypeKind.Handle;

    /// <summary>Reads the scalar of type <paramref name="type"/> at <paramref name="address"/>.</summary>
    public static object Read(CType type, nint address)
    {
        switch (type)
        {
            case IntType i:
                return ReadInt(i, address);
            case FloatType f:
                // Boxed separately: `cond ? float : double` would unify to double.
                return f.Bits == 32 ? (object)*(float*)address : (object)*(double*)address;
            case EnumType e:
                return Read(e.Base, address);
            case PointerType p:
                return new NativePointer(*(nint*)address, p.Pointee is VoidType ? null : p.Pointee, p.Tag, null);
            case FuncPtrType fp:
                return new NativePointer(*(nint*)address, fp, null, null);
            case HandleType h:
                return new NativePointer(ReadRepAddress(h.Rep, address), h, h.Tag, null);
            default:
                throw new ArgumentException($"{type.DisplayName} is not a scalar", nameof(type));
        }
    }

    private static object ReadInt(IntType i, nint address) => (i.Bits, i.IsSigned) switch
    {
        (8, _) when i.IsBool => *(byte*)address != 0,
        (8, true) => *(sbyte*)address,
        (8, false) => *(byte*)address,
        (16, true) => *(short*)address,
        (16, false) => *(ushort*)address,
        (32, true) => *(int*)address,
        (32, false) => *(uint*)address,
        (64, true) => *(long*)address,
        _ => *(ulong*)address,
    };

    // A handle's value as an address-sized number: pointers as they are, integers sign- or zero-extended.
    private static nint ReadRepAddress(CType rep, nint address) => rep switch
    {
        IntType { IsSigned: true } i => (nint)SignExtend(ReadRaw(i.Bits, address), i.Bits),
        IntType i => (nint)ReadRaw(i.Bits, address),
        EnumType e => ReadRepAddress(e.Base, address),
        HandleType h => ReadRepAddress(h.Rep, address),
        _ => *(nint*)address,
    };

    /// <summary>Writes <paramref name="value"/> as a <paramref name="type"/> at <paramref name="address"/>.</summary>
    /// <param name="type">A scalar type.</param>
    /// <param name="address">Where to write (checked by the caller).</param>
    /// <param name="value">The managed value (see <see cref="ValueConverter"/>; pointers: null, <see cref="NativePointer"/>, <see cref="nint"/>).</param>
    /// <param name="where">The place, for errors.</param>
    /// <exception cref="FfiArgumentException">The value does not convert.</exception>
    public static void Write(CType type, nint address, object? value, string where)
    {
        switch (type)
        {
            case IntType i:
                WriteBits(address, i.Bits, ValueConverter.ToIntegerBits(value, i, where));
                break;
            case FloatType { Bits: 32 } when value is float single:
                *(float*)address = single; // directly: a float widened to double and back loses a signalling NaN's bit
                break;
            case FloatType f:
                double d = ValueConverter.ToDouble(value, f.DisplayName, where);
                if (f.Bits == 32) *(float*)address = (float)d;
                else *(double*)address = d;
                break;
            case EnumType e:
                Write(e.Base, address, value, where);
                break;
            case PointerType p:
                *(nint*)address = ToAddress(value, p.Tag, p.DisplayName, where);
                break;
            case FuncPtrType fp:
                *(nint*)address = ToAddress(value, null, fp.DisplayName, where);
                break;
            case HandleType h:
            {
                var raw = ToAddress(value, h.Tag, h.DisplayName, where);
                WriteRep(h.Rep, address, raw, where);
                break;
            }
            default:
                throw new ArgumentException($"{type.DisplayName} is not a scalar", nameof(type));
        }
    }

    private static void WriteRep(CType rep, nint address, nint raw, string where)
    {
        switch (rep)
        {
            case IntType i: Write(i, address, (long)raw, where); break;
            case EnumType e: WriteRep(e.Base, address, raw, where); break;
            case HandleType h: WriteRep(h.Rep, address, raw, where); break;
            default: *(nint*)address = raw; break;
        }
    }

    /// <summary>The <paramref name="bits"/>-wide integer at <paramref name="address"/>, zero-extended.</summary>
    internal static ulong ReadRaw(int bits, nint address) => bits switch
    {
        8 => *(byte*)address,
        16 => *(ushort*)address,
        32 => *(uint*)address,
        _ => *(ulong*)address,
    };

    /// <summary>Sign-extends the low <paramref name="bits"/> of <paramref name="value"/>.</summary>
    internal static long SignExtend(ulong value, int bits) => bits == 64 ? (long)value : (long)(value << (64 - bits)) >> (64 - bits);

    internal static void WriteBits(nint address, int bits, ulong value)
    {
        switch (bits)
        {
            case 8: *(byte*)address = (byte)value; break;
            case 16: *(ushort*)address = (ushort)value; break;
            case 32: *(uint*)address = (uint)value; break;
            default: *(ulong*)address = value; break;
        }
    }

    /// <summary>The tag a pointer-like C type expects of the pointers passed for it (null: any).</summary>
    internal static string? ExpectedTag(CType type) => type switch
    {
        PointerType p => p.Tag,
        HandleType h => h.Tag,
        _ => null,
    };

    /// <summary>
    /// The address of <paramref name="p"/>, refused when it is tagged for another type than <paramref name="expectedTag"/>,
    /// or when it points into engine memory that was released (C would use freed memory).
    /// </summary>
    internal static nint TagChecked(NativePointer p, string? expectedTag, string typeName, string where) =>
        expectedTag is not null && p.Tag is not null && p.Tag != expectedTag
            ? throw new FfiArgumentException(where, $"pointer tagged \"{p.Tag}\" where \"{expectedTag}\" ({typeName}) is expected")
            : p.Block is { IsLive: false }
            ? throw new FfiMemoryException($"{where}: use after free: the block at {p} was released")
            : p.Address;

    /// <summary>
    /// The address a pointer-like value stands for: null → 0, <see cref="NativePointer"/> (tag-checked against
    /// <paramref name="expectedTag"/>: a pointer tagged for another handle type is refused), <see cref="nint"/>.
    /// </summary>
    public static nint ToAddress(object? value, string? expectedTag, string typeName, string where) => value switch
    {
        null => 0,
        NativePointer p => TagChecked(p, expectedTag, typeName, where),
        nint n => n,
        nuint u => (nint)u,
        Delegate => throw new FfiArgumentException(where,
            $"a delegate cannot be stored as {typeName} here: memory keeps the pointer, so register the callback (module.Callbacks.Register) and store its Pointer"),
        _ => throw new FfiArgumentException(where, $"expected a pointer (NativePointer, nint or null) for {typeName}, got {ValueConverter.Describe(value)}"),
    };
}
