using System.Runtime.CompilerServices;
using Ffi.Types;

namespace Ffi.Memory;

// Typed views: spans over arrays of unmanaged elements and whole values as unmanaged C# structs.
public sealed partial class FfiMemory
{
    /// <summary>
    /// A span over the array <paramref name="p"/> points to. The length is the array type's length, or for a
    /// flexible array (or a pointer to <typeparamref name="T"/>-sized elements) what the allocation holds.
    /// </summary>
    /// <exception cref="FfiArgumentException">The element size differs from <typeparamref name="T"/>'s, or the length is unknown.</exception>
    /// <exception cref="FfiMemoryException">Null, released, or out of bounds.</exception>
    public unsafe Span<T> AsSpan<T>(NativePointer p) where T : unmanaged
    {
        var element = p.Type is ArrayType a ? a.Element : p.Type;
        CheckElement<T>(element, p);
        long? count = p.Type is ArrayType { Length: long len } ? len : p.Extent / sizeof(T);
        if (count is null)
            throw new FfiArgumentException($"AsSpan<{typeof(T).Name}>({p})", "the length is unknown (memory from C); use AsSpan<T>(p, count)");
        if (count > int.MaxValue)
            throw new FfiMemoryException($"AsSpan<{typeof(T).Name}>({p}): {count} elements are more than a span can hold ({int.MaxValue}); use AsSpan<T>(p, count) over a part");
        return AsSpan<T>(p, (int)count.Value);
    }

    /// <summary>A span of <paramref name="count"/> elements at <paramref name="p"/> (bounds-checked when the engine allocated the memory).</summary>
    /// <exception cref="FfiMemoryException">Null, released, or out of bounds.</exception>
    public unsafe Span<T> AsSpan<T>(NativePointer p, int count) where T : unmanaged
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        CheckElement<T>(p.Type is ArrayType a ? a.Element : p.Type, p);
        CheckAccess(p, 0, (long)count * sizeof(T), $"AsSpan<{typeof(T).Name}>");
        return new Span<T>((void*)p.Address, count);
    }

    /// <summary>Reads the whole value at <paramref name="p"/> as <typeparamref name="T"/>, which must have the C type's size.</summary>
    /// <exception cref="FfiArgumentException">The sizes differ.</exception>
    /// <exception cref="FfiMemoryException">Null, released, or out of bounds.</exception>
    public unsafe T Read<T>(NativePointer p) where T : unmanaged
    {
        CheckSize<T>(p, "Read");
        return Unsafe.ReadUnaligned<T>((void*)p.Address);
    }

    /// <summary>Writes <paramref name="value"/> over the whole value at <paramref name="p"/>.</summary>
    /// <exception cref="FfiArgumentException">The sizes differ.</exception>
    /// <exception cref="FfiMemoryException">Null, released, or out of bounds.</exception>
    public unsafe void Write<T>(NativePointer p, T value) where T : unmanaged
    {
        CheckSize<T>(p, "Write");
        Unsafe.WriteUnaligned((void*)p.Address, value);
    }

    private static unsafe void CheckSize<T>(NativePointer p, string op) where T : unmanaged
    {
        if (p.Type is { } t && t.Size != sizeof(T))
            throw new FfiArgumentException($"{op}<{typeof(T).Name}>({p})", $"{typeof(T).Name} is {sizeof(T)} bytes but {t.DisplayName} is {t.Size}");
        CheckAccess(p, 0, sizeof(T), $"{op}<{typeof(T).Name}>");
    }

    private static unsafe void CheckElement<T>(CType? element, NativePointer p) where T : unmanaged
    {
        if (element is not null && element.Size != sizeof(T))
            throw new FfiArgumentException($"AsSpan<{typeof(T).Name}>({p})", $"{typeof(T).Name} is {sizeof(T)} bytes but the elements ({element.DisplayName}) are {element.Size}");
    }
}
