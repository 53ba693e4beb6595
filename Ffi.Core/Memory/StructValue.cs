using Ffi.Types;

namespace Ffi.Memory;

/// <summary>
/// A struct, union or array value in native storage owned by a module's memory — what a C function
/// returning an aggregate by value gives back. Members are read and written by name or path; the value can be
/// passed back to any function taking the same type by value.
/// </summary>
/// <example>
/// <code>
/// var d = (StructValue)libc.Invoke("div", 17, 5)!;
/// int quot = (int)d["quot"]!;        // 3
/// d["rem"] = 0;                      // writes the native storage
/// NativePointer p = d.Pointer;       // typed, bounds-checked pointer to the storage
/// </code>
/// </example>
public sealed class StructValue
{
    private readonly FfiMemory _memory;

    /// <summary>A copy of the <paramref name="type"/> value at <paramref name="from"/> in new storage of <paramref name="memory"/>.</summary>
    internal static unsafe StructValue CopyOf(FfiMemory memory, CType type, nint from)
    {
        var storage = memory.New(type);
        Buffer.MemoryCopy((void*)from, (void*)storage.Address, type.Size, type.Size);
        return new StructValue(memory, storage);
    }

    internal StructValue(FfiMemory memory, NativePointer pointer)
    {
        _memory = memory;
        Pointer = pointer;
        Type = pointer.Type ?? throw new ArgumentException("a struct value needs a typed pointer", nameof(pointer));
    }

    /// <summary>The C type of the value.</summary>
    public CType Type { get; }

    /// <summary>A typed, bounds-checked pointer to the storage (valid until freed or the module is disposed).</summary>
    public NativePointer Pointer { get; }

    /// <summary>A member by name or path (<c>"quot"</c>, <c>"hdr.items[3].len"</c>): scalars by value, nested aggregates as pointers.</summary>
    /// <exception cref="FfiArgumentException">No such member, or a value that does not convert.</exception>
    /// <exception cref="FfiMemoryException">The storage was freed.</exception>
    public object? this[string path]
    {
        get => _memory.Get(Type, Pointer, path);
        set => _memory.Set(Type, Pointer, path, value);
    }

    /// <summary>The pointer to the storage.</summary>
    public static implicit operator NativePointer(StructValue value) => (value ?? throw new ArgumentNullException(nameof(value))).Pointer;

    /// <summary>The type and address, e.g. <c>div_t at 0x55d0c0a1b2c0</c>.</summary>
    public override string ToString() => $"{Type.DisplayName} at {Pointer}";
}
