using System.Diagnostics.CodeAnalysis;
using Ffi.Types;

namespace Ffi.Memory;

/// <summary>
/// Owns many allocations and releases them together on <see cref="BlockOwner.Dispose()"/>. Each allocation
/// can still be freed early with <see cref="FfiMemory.Free"/>. Thread-safe.
/// </summary>
/// <example>
/// <code>
/// using (var arena = mem.CreateArena())
/// {
///     var a = arena.Box("point", new { x = 1, y = 2 });
///     var buf = arena.Malloc(4096);
/// }   // both released here
/// </code>
/// </example>
public sealed class Arena : BlockOwner
{
    private readonly FfiMemory _memory;

    internal Arena(FfiMemory memory) => _memory = memory;

    /// <inheritdoc />
    protected override void Dispose(bool disposing) => _memory.ForgetArena(this);

    /// <inheritdoc cref="FfiMemory.Malloc"/>
    public NativePointer Malloc(long size)
    {
        ThrowIfDisposed();
        return _memory.MallocIn(this, size);
    }

    /// <inheritdoc cref="FfiMemory.Calloc"/>
    public NativePointer Calloc(long count, long size)
    {
        ThrowIfDisposed();
        return _memory.CallocIn(this, count, size);
    }

    /// <inheritdoc cref="FfiMemory.New(CType, long)"/>
    public NativePointer New(string type, long count = 1) => New(_memory.TypeOf(type), count);

    /// <inheritdoc cref="FfiMemory.New(CType, long)"/>
    public NativePointer New(CType type, long count = 1)
    {
        ThrowIfDisposed();
        return _memory.NewIn(this, type, count);
    }

    /// <inheritdoc cref="FfiMemory.Box(CType, object?)"/>
    public NativePointer Box(string type, object? init = null) => Box(_memory.TypeOf(type), init);

    /// <inheritdoc cref="FfiMemory.Box(CType, object?)"/>
    public NativePointer Box(CType type, object? init = null)
    {
        ThrowIfDisposed();
        return _memory.BoxIn(this, type, init);
    }

    /// <inheritdoc cref="FfiMemory.Box{T}(CType, T)"/>
    public NativePointer Box<[DynamicallyAccessedMembers(InitializerMembers.Kept)] T>(string type, T init) => Box(_memory.TypeOf(type), init);

    /// <inheritdoc cref="FfiMemory.Box{T}(CType, T)"/>
    public NativePointer Box<[DynamicallyAccessedMembers(InitializerMembers.Kept)] T>(CType type, T init) =>
        Box(type, InitializerMembers.Typed(init));
}
