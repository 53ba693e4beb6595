using Ffi.Memory;
using Ffi.Types;

namespace Ffi.Values;

/// <summary>
/// Field access on an <see cref="FfiValue"/> through a module's <see cref="FfiMemory"/>: <c>module.Memory.Get(value, "field")</c>.
/// An extension, so that the memory toolbox does not depend on the dynamic API's value type.
/// </summary>
public static class FfiValueMemory
{
    /// <summary>
    /// Reads the member at <paramref name="path"/> of a value returned by the dynamic API: an aggregate held inline
    /// (<see cref="FfiValueKind.Aggregate"/>: scalars by value with no allocation, a nested aggregate as a
    /// <see cref="StructValue"/> copy), a <see cref="StructValue"/>, or a pointer to typed storage.
    /// </summary>
    /// <param name="memory">The module's memory.</param>
    /// <param name="value">The value.</param>
    /// <param name="path">The member's path (<c>"a.b[2]"</c>); empty for the value itself.</param>
    /// <example>
    /// <code>
    /// FfiValue d = libc.Function("div").Invoke([17, 5]);   // an inline div_t
    /// long quot = (int)libc.Memory.Get(d, "quot")!;          // 3
    /// </code>
    /// </example>
    /// <exception cref="FfiArgumentException">No such member, or the value is not an aggregate or a typed pointer.</exception>
    /// <exception cref="FfiMemoryException">Storage that is null, released, or out of bounds.</exception>
    public static unsafe object? Get(this FfiMemory memory, FfiValue value, string path = "")
    {
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(path);
        if (value.Kind == FfiValueKind.Object && value.Reference is StructValue s) return s[path];
        if (value.AggregateType is not { } type)
        {
            if (value.Kind == FfiValueKind.Pointer || value.Reference is NativePointer) return memory.Get(value.ToPointer(), path);
            throw new FfiArgumentException($"Get({value}, \"{path}\")", $"{ValueConverter.Describe(value.ToObject())} has no members (an aggregate or a typed pointer has)");
        }
        // The bytes on the stack for the read; nothing that points into them leaves this method.
        ulong* bytes = stackalloc ulong[2];
        value.CopyInline((byte*)bytes, type.Size);
        var at = NativePointer.FromAddress((nint)bytes, type);
        var loc = FieldPath.Locate(type, path, $"Get({value}, \"{path}\")");
        if (loc.BitWidth is not null || ScalarMemory.IsScalar(loc.Type) || loc.Type is VoidType) return memory.Get(type, at, path);
        return new StructValue(memory, loc.Type, new ReadOnlySpan<byte>((byte*)bytes + loc.Offset, checked((int)loc.Type.Size)));
    }
}
