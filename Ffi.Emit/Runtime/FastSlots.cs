using System.Runtime.CompilerServices;
using Ffi.Types;
using Ffi.Values;

namespace Ffi.Runtime;

/// <summary>What a dynamic call does with one argument or its result, decided once per call shape.</summary>
internal enum SlotKind : byte
{
    /// <summary>Anything else: the general conversion (aggregates, handles with integer reps, …).</summary>
    General,
    /// <summary>An integer of <see cref="FastSlot.Bits"/> bits in [<see cref="FastSlot.Min"/>, <see cref="FastSlot.Max"/>].</summary>
    Integer,
    /// <summary>C <c>bool</c>.</summary>
    Bool,
    /// <summary>C <c>float</c>.</summary>
    Float32,
    /// <summary>C <c>double</c>.</summary>
    Float64,
    /// <summary>A pointer, function pointer or pointer-represented handle; <see cref="FastSlot.Tag"/> is checked.</summary>
    Pointer,
    /// <summary>A <c>const char*</c>: strings are copied, pointers pass (a writable <c>char*</c> is a <see cref="Pointer"/>).</summary>
    CharPointer,
    /// <summary>A void result.</summary>
    Void,
    /// <summary>A struct, union or array by value (an inline aggregate, a <see cref="Memory.StructValue"/> or a pointer to storage).</summary>
    Aggregate,
}

/// <summary>
/// One argument (or the result) of a dynamic call, precomputed from its C type so that the common conversions
/// are a switch on a byte and a range check — no type tests, no interface calls.
/// </summary>
internal readonly struct FastSlot
{
    public readonly SlotKind Kind;
    public readonly bool Signed;
    public readonly int Bits;
    public readonly int Offset;
    public readonly long Min;
    public readonly ulong Max;
    public readonly string? Tag;
    public readonly CType Type;

    public FastSlot(CType type, long offset)
    {
        Type = type;
        Offset = checked((int)offset);
        var t = type is EnumType e ? e.Base : type;
        switch (t)
        {
            case IntType { IsBool: true }:
                Kind = SlotKind.Bool;
                break;
            case IntType i:
                Kind = SlotKind.Integer;
                Signed = i.IsSigned;
                Bits = i.Bits;
                Min = i.MinValue;
                Max = i.MaxValue;
                break;
            case FloatType f:
                Kind = f.Bits == 32 ? SlotKind.Float32 : SlotKind.Float64;
                break;
            case PointerType p:
                Kind = p.IsConstCharPointer ? SlotKind.CharPointer : SlotKind.Pointer;
                Tag = p.Tag;
                break;
            case FuncPtrType:
                Kind = SlotKind.Pointer;
                break;
            case HandleType { Rep: PointerType } h:
                Kind = SlotKind.Pointer;
                Tag = h.Tag;
                break;
            case VoidType:
                Kind = SlotKind.Void;
                break;
            case AggregateType or ArrayType when type.Size > 0:
                Kind = SlotKind.Aggregate;
                break;
            default:
                Kind = SlotKind.General;
                break;
        }
    }

    /// <summary>
    /// Writes <paramref name="v"/> when it converts without question; false when the general conversion must decide
    /// (including every error, whose message it produces).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe bool TryWrite(in FfiValue v, byte* frame)
    {
        byte* at = frame + Offset;
        switch (Kind)
        {
            case SlotKind.Integer:
            {
                ulong bits = v.Bits;
                bool ok = v.Kind switch
                {
                    // An nint converts like a signed integer (an nuint is range-checked by the general conversion); a
                    // pointer or null never does (the general conversion words that error).
                    FfiValueKind.Int or FfiValueKind.Pointer when v.Kind == FfiValueKind.Int || v.IsSignedNativeInteger =>
                        Signed ? (long)bits >= Min && (long)bits <= (long)Max : (long)bits >= 0 && bits <= Max,
                    FfiValueKind.UInt => bits <= Max,
                    FfiValueKind.Bool => true,
                    _ => false,
                };
                if (!ok) return false;
                switch (Bits)
                {
                    case 8: *at = (byte)bits; break;
                    case 16: *(ushort*)at = (ushort)bits; break;
                    case 32: *(uint*)at = (uint)bits; break;
                    default: *(ulong*)at = bits; break;
                }
                return true;
            }
            case SlotKind.Float64:
                switch (v.Kind)
                {
                    case FfiValueKind.Double: *(ulong*)at = v.Bits; return true;
                    case FfiValueKind.Int: *(double*)at = (long)v.Bits; return true;
                    default: return false;
                }
            case SlotKind.Float32:
                switch (v.Kind)
                {
                    case FfiValueKind.Float: *(uint*)at = (uint)v.Bits; return true;
                    case FfiValueKind.Double: *(float*)at = (float)BitConverter.UInt64BitsToDouble(v.Bits); return true;
                    case FfiValueKind.Int: *(float*)at = (long)v.Bits; return true;
                    default: return false;
                }
            case SlotKind.Bool:
                if (v.Kind is FfiValueKind.Bool || (v.Kind is FfiValueKind.Int or FfiValueKind.UInt && v.Bits <= 1))
                {
                    *at = (byte)v.Bits;
                    return true;
                }
                return false;
            case SlotKind.Pointer or SlotKind.CharPointer:
                if (v.Kind is not (FfiValueKind.Pointer or FfiValueKind.Void)) return false;
                if (Tag is not null && v.PointerTag is { } tag && tag != Tag) return false;
                *(nint*)at = (nint)v.Bits;
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// The address an object argument stands for when it converts without question: null, an <see cref="nint"/> or
    /// <see cref="nuint"/>, or a <see cref="Memory.NativePointer"/> without a tag or with <paramref name="tag"/>.
    /// </summary>
    public static nint ObjectAddress(object? value, string? tag, out bool ok)
    {
        ok = true;
        switch (value)
        {
            case null: return 0;
            case nint n: return n;
            case nuint u: return (nint)u;
            // A pointer into a released block goes to the general path, which refuses it (use after free).
            case Memory.NativePointer p when (tag is null || p.Tag is null || p.Tag == tag) && p.Block is not { IsLive: false }: return p.Address;
            default:
                ok = false;
                return 0;
        }
    }

    /// <summary>
    /// Where an aggregate argument of <paramref name="size"/> bytes can be copied from by the call, when it converts
    /// without question: live storage (a <see cref="Memory.StructValue"/> in storage, a boxed pointer) is used where it is;
    /// an inline aggregate (<see cref="FfiValueKind.Aggregate"/>) or a managed <see cref="Memory.StructValue"/> copy (which
    /// the GC may move) is first copied to <paramref name="scratch"/>, <paramref name="size"/> bytes of the invoker's frame.
    /// 0 sends the argument to the general path, which words the error.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe nint AggregateSource(in FfiValue value, long size, byte* scratch)
    {
        if (value.Kind == FfiValueKind.Aggregate)
        {
            if (value.AggregateType!.Size != size) return 0;
            value.CopyInline(scratch, size);
            return (nint)scratch;
        }
        return value.Kind == FfiValueKind.Object ? AggregateSource(value.Reference, size, scratch) : 0;
    }

    /// <summary>The same for an object: a <see cref="Memory.StructValue"/>, or a boxed pointer to live storage of <paramref name="size"/> bytes.</summary>
    public static unsafe nint AggregateSource(object? value, long size, byte* scratch)
    {
        Memory.NativePointer p;
        if (value is Memory.StructValue s)
        {
            if (!s.InStorage) return s.TryWriteTo(size, scratch) ? (nint)scratch : 0;
            p = s.Pointer;
        }
        else if (value is Memory.NativePointer np) p = np;
        else return 0;
        if (p.Type is not null && p.Type.Size != size) return 0;
        return Memory.FfiMemory.CanAccess(p, size) ? p.Address : 0;
    }

    /// <summary>The result at <paramref name="ret"/> as an <see cref="FfiValue"/> (scalars only).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe FfiValue Read(byte* ret) => Kind switch
    {
        SlotKind.Integer when Signed => FfiValue.FromInt64(Bits switch
        {
            8 => *(sbyte*)ret,
            16 => *(short*)ret,
            32 => *(int*)ret,
            _ => *(long*)ret,
        }),
        SlotKind.Integer => FfiValue.FromUInt64(Bits switch
        {
            8 => *ret,
            16 => *(ushort*)ret,
            32 => *(uint*)ret,
            _ => *(ulong*)ret,
        }),
        SlotKind.Float64 => FfiValue.FromDouble(*(double*)ret),
        SlotKind.Float32 => FfiValue.FromSingle(*(float*)ret),
        SlotKind.Bool => FfiValue.FromBoolean(*ret != 0),
        _ => FfiValue.ReadScalar(Type, (nint)ret),
    };
}
