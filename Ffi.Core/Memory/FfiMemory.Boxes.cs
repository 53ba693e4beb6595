using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using Ffi.Types;

namespace Ffi.Memory;

// Boxes: typed storage for aggregates, initialised from managed values (the original's box, extended
// to nested aggregates).
public sealed partial class FfiMemory
{
    /// <summary>
    /// Allocates zeroed storage for a struct, union or array and initialises it from <paramref name="init"/>:
    /// for a struct, a dictionary or an object whose properties name fields; for a union, exactly one member;
    /// for an array, a list (a string for a char array). Nested aggregates take nested values, or a
    /// <see cref="NativePointer"/> to storage to copy.
    /// </summary>
    /// <returns>A pointer to the new storage, typed <paramref name="type"/>, bounds-checked.</returns>
    /// <exception cref="FfiMemoryException">Not an aggregate, a flexible array, or a zero-size type.</exception>
    /// <exception cref="FfiArgumentException">An initial value does not fit (unknown field, range, kind).</exception>
    public NativePointer Box(string type, object? init = null) => Box(TypeOf(type), init);

    /// <inheritdoc cref="Box(string, object?)"/>
    public NativePointer Box(CType type, object? init = null) => BoxIn(this, type, init);

    /// <summary>
    /// <see cref="Box(string, object?)"/> with an initializer of static type <typeparamref name="T"/> (C# picks this
    /// overload for anonymous objects): its public properties and fields are read through <typeparamref name="T"/>, which
    /// keeps them under trimming (PublishTrimmed, NativeAOT; docs/aot.md).
    /// </summary>
    /// <inheritdoc cref="Box(string, object?)"/>
    public NativePointer Box<[DynamicallyAccessedMembers(InitializerMembers.Kept)] T>(string type, T init) => Box(TypeOf(type), init);

    /// <inheritdoc cref="Box{T}(string, T)"/>
    public NativePointer Box<[DynamicallyAccessedMembers(InitializerMembers.Kept)] T>(CType type, T init) =>
        BoxIn(this, type, InitializerMembers.Typed(init));

    internal NativePointer BoxIn(BlockOwner owner, CType type, object? init)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(type);
        if (!type.IsAggregate) throw new FfiMemoryException($"box: aggregate type required (struct/union/array), not {type.DisplayName}");
        if (type is ArrayType { IsFlexible: true }) throw new FfiMemoryException("box: flexible arrays require explicit size; use New with count");
        if (type.Size == 0) throw new FfiMemoryException($"box: type has zero size ({type.DisplayName})");
        var block = Allocate(owner, type.Size, zero: true, "box");
        var p = new NativePointer(block.Base, type, null, block);
        try
        {
            if (init is not null) WriteValue(type, p.Address, init, $"Box({type.DisplayName})");
        }
        catch
        {
            block.Release();
            throw;
        }
        return p;
    }

    /// <summary>
    /// Writes a managed value as <paramref name="type"/> at <paramref name="address"/> (the caller checked
    /// the range): scalars by conversion, aggregates member by member or copied from storage.
    /// </summary>
    internal static unsafe void WriteValue(CType type, nint address, object? value, string where)
    {
        // A typed initializer is read member by member for a struct or union; for anything else it is the value it wraps.
        if (value is TypedInitializer typed && type is not AggregateType) value = typed.Value;
        if (ScalarMemory.IsScalar(type))
        {
            ScalarMemory.Write(type, address, value, where);
            return;
        }
        if (value is StructValue sv)
        {
            sv.WriteTo(type, address, where); // a managed copy stays one: no storage for it
            return;
        }
        if (value is NativePointer p)
        {
            CopyAggregate(type, address, p, where);
            return;
        }
        if (value is null)
            throw new FfiArgumentException(where, $"{type.DisplayName} needs a value (a map, a list, or a pointer to storage), not null");
        switch (type)
        {
            case StructType s:
                foreach (var (name, v) in Members(value, s, where))
                {
                    var f = s.TryGetField(name, out var field) ? field
                        : throw new FfiArgumentException(where, $"unknown struct field: {name} ({s.DisplayName} has: {string.Join(", ", s.Fields.Where(x => !x.IsUnnamed).Select(x => x.Name))})");
                    WriteMember(f, address, v, $"{where}.{name}");
                }
                break;
            case UnionType u:
            {
                var members = Members(value, u, where).ToList();
                if (members.Count != 1 || !u.TryGetField(members[0].Key, out var f))
                    throw new FfiArgumentException(where, $"union init must specify exactly one known field (got {string.Join(", ", members.Select(m => m.Key))})");
                WriteMember(f, address, members[0].Value, $"{where}.{f.Name}");
                break;
            }
            case ArrayType { Length: long len } a:
                if (value is string text && a.Element is IntType { Bits: 8, IsBool: false })
                {
                    var bytes = Encoding.UTF8.GetBytes(text);
                    if (bytes.Length > len) throw new FfiArgumentException(where, $"string of {bytes.Length} bytes does not fit {a.DisplayName}");
                    bytes.CopyTo(new Span<byte>((void*)address, bytes.Length));
                    break;
                }
                if (value is not IEnumerable items || value is string)
                    throw new FfiArgumentException(where, $"array init must be a list, not {ValueConverter.Describe(value)}");
                long i = 0;
                foreach (var item in items)
                {
                    if (i >= len) throw new FfiArgumentException(where, $"too many elements for {a.DisplayName} (length {len})");
                    WriteValue(a.Element, address + (nint)(i * a.Element.Size), item, $"{where}[{i}]");
                    i++;
                }
                break;
            default:
                throw new FfiArgumentException(where, $"cannot write a value of type {type.DisplayName}");
        }
    }

    private static void WriteMember(CField f, nint address, object? value, string where)
    {
        if (f.BitWidth is int width)
            WriteBitfield(f.Type, address, f.BitOffset, width, value, where);
        else
            WriteValue(f.Type, address + (nint)f.Offset, value, where);
    }

    /// <summary>Writes a bitfield with the range of its width (signed types admit negative values).</summary>
    internal static void WriteBitfield(CType type, nint address, long bitOffset, int width, object? value, string where)
    {
        if (width == 0) throw new FfiArgumentException(where, "a zero-width bitfield holds no value");
        var storage = type as IntType ?? ((EnumType)type).Base;
        // Convert with the declared type's rules first, then check the width.
        long n = storage.IsSigned
            ? ScalarMemory.SignExtend(ValueConverter.ToIntegerBits(value, storage, where), storage.Bits)
            : (long)ValueConverter.ToIntegerBits(value, storage, where);
        ulong bits = (ulong)n;
        if (storage.IsSigned ? (width < 64 && (n < -(1L << (width - 1)) || n > (1L << (width - 1)) - 1))
                             : (width < 64 && bits > BitAccess.Mask(width)))
        {
            var range = storage.IsSigned ? $"{-(1L << (width - 1))}..{(1L << (width - 1)) - 1}" : $"0..{BitAccess.Mask(width)}";
            throw new FfiArgumentException(where, $"integer out of range: {(storage.IsSigned ? n.ToString(System.Globalization.CultureInfo.InvariantCulture) : bits.ToString(System.Globalization.CultureInfo.InvariantCulture))} does not fit a {width}-bit field ({range})");
        }
        BitAccess.Write(address, bitOffset, width, bits);
    }

    /// <summary>Reads a bitfield, sign-extended for signed declared types, as the declared type's CLR value.</summary>
    internal static object ReadBitfield(CType type, nint address, long bitOffset, int width)
    {
        var storage = type as IntType ?? ((EnumType)type).Base;
        ulong raw = width == 0 ? 0 : BitAccess.Read(address, bitOffset, width);
        long value = storage.IsSigned && width > 0 ? ScalarMemory.SignExtend(raw, width) : (long)raw;
        return (storage.Bits, storage.IsSigned) switch
        {
            (8, _) when storage.IsBool => raw != 0,
            (8, true) => (sbyte)value,
            (8, false) => (byte)raw,
            (16, true) => (short)value,
            (16, false) => (ushort)raw,
            (32, true) => (int)value,
            (32, false) => (uint)raw,
            (64, true) => value,
            _ => raw,
        };
    }

    internal static unsafe void CopyAggregate(CType type, nint address, NativePointer src, string where)
    {
        if (src.Type is not null && src.Type != type && src.Type.Size != type.Size)
            throw new FfiArgumentException(where, $"aggregate requires a pointer to compatible storage ({type.DisplayName}, {type.Size} bytes), not to {src.Type.DisplayName} ({src.Type.Size} bytes)");
        CheckAccess(src, 0, type.Size, where);
        Buffer.MemoryCopy((void*)src.Address, (void*)address, type.Size, type.Size);
    }

    // The (name, value) pairs of a dictionary or of an object's public properties (anonymous objects, records).
    private static IEnumerable<KeyValuePair<string, object?>> Members(object value, AggregateType type, string where)
    {
        switch (value)
        {
            case TypedInitializer typed:
                return typed.Members(where);
            case IEnumerable<KeyValuePair<string, object?>> pairs:
                return pairs;
            case IDictionary dict:
                return dict.Keys.Cast<object>().Select(k => KeyValuePair.Create(k as string
                    ?? throw new FfiArgumentException(where, $"dictionary keys must be field names (strings), not {ValueConverter.Describe(k)}"), dict[k]));
            case var _ when !InitializerMembers.IsMemberObject(value):
                throw new FfiArgumentException(where, $"{(type is UnionType ? "union" : "struct")} init must be a map (dictionary or object with properties) or null, not {ValueConverter.Describe(value)}");
            default:
                // Anonymous objects, records, classes and structs given as object: public properties and fields by name.
                return InitializerMembers.Reflected(value, where);
        }
    }
}
