using System.Runtime.CompilerServices;
using Ffi.Memory;
using Ffi.Types;

namespace Ffi.Values;

// Aggregates held inside the value: a struct, union or array of at most 16 bytes (every aggregate SysV returns in
// registers, rax:rdx / xmm0:xmm1) kept in _bits (bytes 0–7) and _high (bytes 8–15), with its AggregateOrigin (type and
// module memory it came from) — a by-value result with nothing allocated and nothing to free.
public readonly partial struct FfiValue
{
    /// <summary>The largest aggregate held inline (<see cref="FfiValueKind.Aggregate"/>): 16 bytes, two eightbytes.</summary>
    public const int MaxInlineAggregate = 16;

    /// <summary>For an <see cref="FfiValueKind.Aggregate"/>: its C type; otherwise <see langword="null"/>.</summary>
    public CType? AggregateType => _kind == FfiValueKind.Aggregate ? Origin.Type : null;

    /// <summary>
    /// The aggregate as the unmanaged CLR struct <typeparamref name="T"/> of the same size (its fields laid out as C lays
    /// them out, as for typed delegates): an <see cref="FfiValueKind.Aggregate"/>, or an object holding a <see cref="StructValue"/>.
    /// </summary>
    /// <exception cref="InvalidCastException">Not an aggregate, or <typeparamref name="T"/> is not the aggregate's size.</exception>
    public unsafe T ToStruct<T>() where T : unmanaged
    {
        var type = _kind == FfiValueKind.Aggregate ? Origin.Type : (Payload as StructValue)?.Type;
        if (type is null || (_kind != FfiValueKind.Aggregate && _kind != FfiValueKind.Object)) throw Cast($"a {typeof(T).Name}");
        if (type.Size != sizeof(T)) throw new InvalidCastException($"the FfiValue holds {type.DisplayName} ({type.Size} bytes), not a {typeof(T).Name} ({sizeof(T)} bytes)");
        T result;
        if (_kind == FfiValueKind.Aggregate) CopyInline((byte*)&result, sizeof(T));
        else ((StructValue)Payload!).CopyTo(new Span<byte>(&result, sizeof(T)));
        return result;
    }
    /// <summary>
    /// An <see cref="FfiValueKind.Aggregate"/> holding the value of <paramref name="origin"/>'s type (at most 16 bytes) at
    /// <paramref name="at"/>; the origin's memory is the module's, where <see cref="ToPointer"/> would copy it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe FfiValue InlineAggregate(AggregateOrigin origin, byte* at)
    {
        long size = origin.Type.Size;
        ulong low = 0, high = 0;
        if (size == 16)
        {
            low = *(ulong*)at;
            high = *(ulong*)(at + 8);
        }
        else if (size > 8)
        {
            low = *(ulong*)at;
            Buffer.MemoryCopy(at + 8, &high, 8, size - 8);
        }
        else
        {
            Buffer.MemoryCopy(at, &low, 8, size);
        }
        return new(FfiValueKind.Aggregate, low, origin, high);
    }

    /// <summary>Copies the first <paramref name="size"/> bytes (at most 16) of an inline aggregate to <paramref name="into"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal unsafe void CopyInline(byte* into, long size)
    {
        if (size == 16)
        {
            *(ulong*)into = _bits;
            *(ulong*)(into + 8) = _high;
            return;
        }
        ulong low = _bits, high = _high;
        Buffer.MemoryCopy(&low, into, size, Math.Min(size, 8));
        if (size > 8) Buffer.MemoryCopy(&high, into + 8, size - 8, size - 8);
    }

    /// <summary>An inline aggregate as a managed <see cref="StructValue"/> copy.</summary>
    private unsafe StructValue ToStructValue()
    {
        ulong* bytes = stackalloc ulong[2];
        var origin = Origin;
        CopyInline((byte*)bytes, origin.Type.Size);
        return new StructValue(origin.Memory, origin.Type, new ReadOnlySpan<byte>(bytes, checked((int)origin.Type.Size)));
    }
}
