using Ffi.Memory;
using Ffi.Types;
using Ffi.Values;

namespace Ffi.Runtime;

/// <summary>
/// The general dynamic path's arguments: the buffers of one call in its <see cref="CallScratch"/>, and every
/// argument the fast slots do not take (strings, arrays, callbacks, aggregates, unusual conversions, every error)
/// written at its frame offset. On failure the call's scratch memory is released before the exception leaves.
/// </summary>
internal static unsafe class DynamicArguments
{
    // An argument the fast slot did not take: strings, arrays, aggregates, unusual conversions and every error.
    // On failure the call's scratch memory is released before the exception leaves.
    public static void SlowArgument(PreparedCall prepared, int index, byte* argBuffer, in FfiValue v, ref CallScratch scratch)
    {
        var at = (nint)(argBuffer + prepared.Slots[index].Offset);
        if (v.Kind == FfiValueKind.String && IsConstCharPointer(prepared.Types[index]))
        {
            *(nint*)at = scratch.Utf8((string)v.Reference!);
            return;
        }
        // An inline aggregate of the parameter's size: its bytes, with no StructValue made for the general conversion.
        if (v.AggregateType is { } held && prepared.Types[index] is var type && !ScalarMemory.IsScalar(type) && held.Size == type.Size)
        {
            v.CopyInline((byte*)at, type.Size);
            return;
        }
        SlowArgument(prepared, index, argBuffer, v.ToObject(), ref scratch);
    }

    public static void SlowArgument(PreparedCall prepared, int index, byte* argBuffer, object? value, ref CallScratch scratch)
    {
        try
        {
            WriteArgument(prepared, index, (nint)(argBuffer + prepared.Slots[index].Offset), value, ref scratch);
        }
        catch
        {
            scratch.Fail();
            throw;
        }
    }

    public static void Buffers(PreparedCall prepared, ref CallScratch scratch, out byte* args, out byte* ret)
    {
        var frame = prepared.Frame;
        // Zeroed when aggregates are written member by member: padding and a union's unused bytes stay defined.
        args = scratch.Allocate(frame.ArgumentBytes, 16, zero: prepared.HasAggregates);
        // The callee may store a MEMORY-class result with aligned vector moves.
        ret = scratch.Allocate(frame.ReturnBytes, prepared.ReturnAlign, zero: false);
    }

    private static void WriteArgument(PreparedCall prepared, int index, nint at, object? value, ref CallScratch scratch)
    {
        var type = prepared.Types[index];
        switch (value)
        {
            case string s when IsConstCharPointer(type):
                *(nint*)at = scratch.Utf8(s);
                return;
            case Array array when type is PointerType && array.GetType().GetElementType() is { IsPrimitive: true }:
                *(nint*)at = scratch.Pin(array);
                return;
            case Delegate callback when type is FuncPtrType fp:
                *(nint*)at = scratch.Lease(prepared.Callbacks, fp, callback, prepared.Where(index));
                return;
            case CallbackHandle handle when type is FuncPtrType:
                *(nint*)at = handle.IsAlive ? handle.Address
                    : throw new FfiArgumentException(prepared.Where(index), $"{handle} was released");
                return;
        }
        WriteValue(type, at, value, prepared.Where(index));
    }

    /// <summary>
    /// Writes a value that needs no call-scoped resource (not a string for <c>const char *</c>, an array, a callback) as
    /// the C type <paramref name="type"/> at <paramref name="at"/>, with the general path's rules and messages; a
    /// string for a writable <c>char *</c> is refused. Also what <c>ffi batch --compiled</c> converts with, so that
    /// both paths take and refuse the same values with the same words.
    /// </summary>
    /// <exception cref="FfiArgumentException">The value does not fit the type; the message starts with <paramref name="where"/>.</exception>
    internal static void WriteValue(CType type, nint at, object? value, string where)
    {
        if (value is string && IsCharPointer(type) && !IsConstCharPointer(type))
            throw new FfiArgumentException(where, $"String for {type.DisplayName}: {PointerType.WritableStringRefusal}");
        if (ScalarMemory.IsScalar(type)) ScalarMemory.Write(type, at, value, where);
        else FfiMemory.WriteValue(type, at, value, where);
    }

    /// <summary>A pointer to <c>const char</c>, or a handle over one: a string argument is copied for it.</summary>
    public static bool IsConstCharPointer(CType type) => type switch
    {
        PointerType p => p.IsConstCharPointer,
        HandleType h => IsConstCharPointer(h.Rep),
        _ => false,
    };

    public static bool IsCharPointer(CType type) => type switch
    {
        PointerType p => p.IsCharPointer,
        HandleType h => IsCharPointer(h.Rep),
        _ => false,
    };
}
