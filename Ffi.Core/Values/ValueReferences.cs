using Ffi.Memory;
using Ffi.Types;

namespace Ffi.Values;

// What an FfiValue's one reference holds besides a string or an object (see FfiValue._ref): a pointer's type and tag,
// an inline aggregate's type and memory, a typed variadic extra's C type. Each is made once where it can be (per
// function for results, per C type for pointers read from C), so that building an FfiValue allocates nothing.

/// <summary>
/// What a pointer points to and its tag, for a pointer made from a <see cref="NativePointer"/> that has a type. A pointer
/// read from C keeps the C type it was read as instead (<see cref="PointerType"/>, <see cref="HandleType"/> or
/// <see cref="FuncPtrType"/>), which needs no allocation.
/// </summary>
internal sealed record PointerInfo(CType Type, string? Tag)
{
    /// <summary>What a pointer with <paramref name="type"/> and <paramref name="tag"/> keeps: the tag alone, or both.</summary>
    public static object? For(CType? type, string? tag) => type is null ? tag : new PointerInfo(type, tag);

    /// <summary>The tag of a pointer value's reference (null for none).</summary>
    public static string? TagOf(object? reference) => reference switch
    {
        string tag => tag,
        PointerType p => p.Tag,
        HandleType h => h.Tag,
        PointerInfo i => i.Tag,
        _ => null,
    };

    /// <summary>What a pointer value points to, as <see cref="NativePointer.Type"/> says it (null for untyped).</summary>
    public static CType? PointeeOf(object? reference) => reference switch
    {
        PointerType p => p.Pointee is VoidType ? null : p.Pointee,
        HandleType h => h,
        FuncPtrType f => f,
        PointerInfo i => i.Type,
        _ => null,
    };

    /// <summary>Whether two pointer references say the same tag and pointee (however each was made).</summary>
    public static bool Same(object? a, object? b) => TagOf(a) == TagOf(b) && PointeeOf(a) == PointeeOf(b);
}

/// <summary>The C type and module memory of an aggregate held inside an <see cref="FfiValue"/>: one per function result.</summary>
internal sealed record AggregateOrigin(CType Type, FfiMemory Memory);

/// <summary>A variadic extra made with <see cref="FfiValue.Typed"/>: its C type, around what the value held.</summary>
internal sealed record TypedExtra(CType Type, object? Payload);
