using System.Runtime.InteropServices;
using System.Text;
using Ffi.Types;

namespace Ffi.Memory;

// Raw memory: the original's malloc, calloc, realloc, free, new, copy, fill, string, cast and errno.
public sealed partial class FfiMemory
{
    /// <summary>Allocates <paramref name="size"/> uninitialised bytes with C <c>malloc</c>; owned by this toolbox until freed.</summary>
    /// <returns>An untagged <c>void*</c> to the block.</returns>
    /// <exception cref="FfiMemoryException"><c>malloc: size &lt; 0</c>, or out of memory.</exception>
    public NativePointer Malloc(long size) => MallocIn(this, size);

    internal NativePointer MallocIn(BlockOwner owner, long size)
    {
        ThrowIfDisposed();
        if (size < 0) throw new FfiMemoryException("malloc: size < 0");
        var b = Allocate(owner, size, zero: false, "malloc");
        return new NativePointer(b.Base, null, null, b);
    }

    /// <summary>Allocates <paramref name="count"/> × <paramref name="size"/> zeroed bytes with C <c>calloc</c>.</summary>
    /// <exception cref="FfiMemoryException"><c>calloc: negative</c>, an overflowing size, or out of memory.</exception>
    public NativePointer Calloc(long count, long size) => CallocIn(this, count, size);

    internal NativePointer CallocIn(BlockOwner owner, long count, long size)
    {
        ThrowIfDisposed();
        if (count < 0 || size < 0) throw new FfiMemoryException("calloc: negative");
        long total;
        try { total = checked(count * size); }
        catch (OverflowException) { throw new FfiMemoryException($"calloc: {count} × {size} bytes overflows"); }
        var b = Allocate(owner, total, zero: true, "calloc");
        return new NativePointer(b.Base, null, null, b);
    }

    /// <summary>
    /// Resizes memory with C <c>realloc</c>. A finalizer registered for the old block moves to the new one;
    /// the old pointer is dead afterwards (using it is refused as a use after free).
    /// </summary>
    /// <returns>
    /// The new pointer (same type and tag). Size 0 frees the memory (a registered finalizer is detached, not run,
    /// as the original does) and returns null.
    /// </returns>
    /// <exception cref="FfiMemoryException"><c>realloc: negative</c>, a released block, or out of memory.</exception>
    public unsafe NativePointer Realloc(NativePointer p, long size)
    {
        ThrowIfDisposed();
        if (size < 0) throw new FfiMemoryException("realloc: negative");
        var block = FindBlock(p);
        if (block is null && FreedBlocks.Contains(p.Address))
            throw new FfiMemoryException($"realloc: use after free: the engine already released the block at {p}");
        if (block is not null)
        {
            if (!block.IsLive) throw new FfiMemoryException($"realloc: use after free: the block at {p} was released");
            if (block.Base != p.Address) throw new FfiMemoryException($"realloc: {p} is inside a block, not its start (0x{(ulong)block.Base:x})");
            if (!block.EngineAllocated) throw new FfiMemoryException($"realloc: {p} was not allocated with malloc by the engine");
        }
        if (size == 0)
        {
            if (block is null)
            {
                NativeMemoryApi.Free(p.Address);
                return NativePointer.Null;
            }
            block.TakeFinalizer()?.Dispose();
            if (block.Abandon()) FreedBlocks.Release(p.Address, block.Size);
            return NativePointer.Null;
        }
        if (block is null)
        {
            nint r = NativeMemoryApi.Realloc(p.Address, (nuint)size);
            if (r == 0) throw new FfiMemoryException($"realloc: out of memory ({size} bytes)");
            return new NativePointer(r, p.Type, p.Tag, null);
        }

        // An engine block moves to new memory and the old one goes to the quarantine (C's realloc would free it at
        // once, and a second free of the old address would then reach C). The old block dies without running
        // anything; the finalizer follows the memory.
        nint q = NativeMemoryApi.Malloc((nuint)size);
        if (q == 0) throw new FfiMemoryException($"realloc: out of memory ({size} bytes)");
        Buffer.MemoryCopy((void*)p.Address, (void*)q, size, Math.Min(size, block.Size));
        var finalizer = block.TakeFinalizer();
        bool gcOwned = block.IsGcOwned;
        var owner = block.Owner ?? this;
        if (block.Abandon()) FreedBlocks.Release(p.Address, block.Size);
        var moved = new NativeBlock(q, size, engineAllocated: true, gcOwned ? null : owner);
        if (finalizer is not null) moved.GiveToGc(finalizer);
        return new NativePointer(q, p.Type, p.Tag, moved);
    }

    /// <summary>
    /// Frees memory: a block with a finalizer runs it exactly once instead of <c>free</c>; an engine block
    /// is released once (a second free is refused); a pointer the engine never saw is passed to C <c>free</c>.
    /// </summary>
    /// <exception cref="FfiMemoryException">Double free, a block released when this toolbox (its module) was disposed, or a pointer inside a block rather than at its start.</exception>
    public void Free(NativePointer p)
    {
        if (p.IsNull) return;
        var block = FindBlock(p);
        if (block is null)
        {
            if (FreedBlocks.Contains(p.Address))
                throw new FfiMemoryException($"free: double free of {p} (the engine already released the block at this address)");
            NativeMemoryApi.Free(p.Address);
            return;
        }
        if (block.Base != p.Address) throw new FfiMemoryException($"free: {p} is inside a block, not its start (0x{(ulong)block.Base:x})");
        if (block.Release()) return;
        if (IsDisposed) // released with this toolbox (its module was disposed, perhaps while this call ran)
            throw new FfiMemoryException($"free: use after free: the block at {p} was released when its memory toolbox (module) was disposed");
        throw new FfiMemoryException($"free: double free of {p} (the block was already released)");
    }

    /// <summary>
    /// Allocates zeroed storage for <paramref name="count"/> values of <paramref name="type"/>; for a flexible
    /// array type, <paramref name="count"/> elements. A count below 1 means 1.
    /// </summary>
    /// <returns>A pointer to <paramref name="type"/>, bounds-checked over the whole allocation.</returns>
    public NativePointer New(string type, long count = 1) => New(TypeOf(type), count);

    /// <inheritdoc cref="New(string, long)"/>
    public NativePointer New(CType type, long count = 1) => NewIn(this, type, count);

    internal NativePointer NewIn(BlockOwner owner, CType type, long count)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(type);
        if (count < 1) count = 1;
        long unit = type is ArrayType { IsFlexible: true } a ? a.Element.Size : type.Size;
        long total;
        try { total = checked(unit * count); }
        catch (OverflowException) { throw new FfiMemoryException($"new: {count} × {type.DisplayName} overflows"); }
        var b = Allocate(owner, total, zero: true, "new");
        return new NativePointer(b.Base, type, TagOf(type), b);
    }

    /// <summary>Copies <paramref name="length"/> bytes from <paramref name="source"/> to <paramref name="destination"/>.</summary>
    /// <param name="destination">Where to copy to.</param>
    /// <param name="source">A <see cref="NativePointer"/>, a <see cref="string"/> (its UTF-8 bytes then a NUL) or a <see cref="byte"/> array.</param>
    /// <param name="length">How many bytes; at most the source's length for strings (+1 for the NUL) and arrays.</param>
    /// <exception cref="FfiMemoryException"><c>copy: n &lt; 0</c>, a source too short, or an out-of-bounds destination.</exception>
    public unsafe void Copy(NativePointer destination, object source, long length)
    {
        if (length < 0) throw new FfiMemoryException("copy: n < 0");
        CheckAccess(destination, 0, length, "copy");
        switch (source)
        {
            case NativePointer src:
                CheckAccess(src, 0, length, "copy (source)");
                Buffer.MemoryCopy((void*)src.Address, (void*)destination.Address, length, length);
                break;
            case string s:
            {
                var bytes = new byte[Encoding.UTF8.GetByteCount(s) + 1];
                Encoding.UTF8.GetBytes(s, bytes);
                CopyBytes(destination, bytes, length);
                break;
            }
            case byte[] bytes:
                CopyBytes(destination, bytes, length);
                break;
            default:
                throw new FfiArgumentException("copy", $"source must be a NativePointer, string or byte[], not {ValueConverter.Describe(source)}");
        }
    }

    private static unsafe void CopyBytes(NativePointer destination, byte[] bytes, long length)
    {
        if (length > bytes.Length) throw new FfiMemoryException($"copy: {length} bytes requested but the source has {bytes.Length}");
        fixed (byte* b = bytes) Buffer.MemoryCopy(b, (void*)destination.Address, length, length);
    }

    /// <summary>Sets <paramref name="length"/> bytes at <paramref name="destination"/> to <paramref name="value"/> (memset).</summary>
    /// <exception cref="FfiMemoryException"><c>fill: invalid arguments</c> (negative length, value outside 0..255) or out of bounds.</exception>
    public unsafe void Fill(NativePointer destination, int value, long length)
    {
        if (length < 0 || value is < 0 or > 255) throw new FfiMemoryException($"fill: invalid arguments (value {value}, length {length})");
        CheckAccess(destination, 0, length, "fill");
        NativeMemory.Fill((void*)destination.Address, (nuint)length, (byte)value); // any length: a span stops at 2 GiB
    }

    /// <summary>Reads UTF-8 text: up to the first NUL, or exactly <paramref name="length"/> bytes (NULs included).</summary>
    /// <exception cref="FfiMemoryException"><c>string: len &lt; 0</c>, a null pointer, or no NUL within the allocation.</exception>
    public unsafe string String(NativePointer p, long? length = null)
    {
        if (length < 0) throw new FfiMemoryException("string: len < 0");
        if (length is long n)
        {
            CheckAccess(p, 0, n, "string");
            return Decode(p, n);
        }
        CheckAccess(p, 0, 0, "string");
        long limit = p.Extent ?? long.MaxValue;
        byte* s = (byte*)p.Address;
        long len = 0;
        while (len < limit && s[len] != 0) len++;
        if (len == limit) throw new FfiMemoryException($"string: no NUL terminator within the {limit} byte(s) of the allocation at {p}");
        return Decode(p, len);
    }

    // A .NET string holds at most about 2^30 characters: longer text is refused, not an OverflowException.
    private static unsafe string Decode(NativePointer p, long length)
    {
        const long MaxBytes = 1 << 30;
        if (length > MaxBytes)
            throw new FfiMemoryException($"string: {length} bytes at {p} are more than a .NET string can hold (at most {MaxBytes} bytes are read as text)");
        try
        {
            return Encoding.UTF8.GetString((byte*)p.Address, (int)length);
        }
        catch (OutOfMemoryException)
        {
            throw new FfiMemoryException($"string: out of memory decoding {length} bytes at {p}");
        }
    }

    /// <summary>
    /// Retags a pointer as pointing to <paramref name="type"/> (for a pointer type: to its pointee, with its tag;
    /// for a handle type: as that handle). Casting between two different tags is refused unless one side is
    /// untagged: cast to <c>"pointer"</c> (<c>void*</c>) first to do it on purpose.
    /// </summary>
    /// <exception cref="FfiArgumentException">The tags conflict.</exception>
    public NativePointer Cast(string type, NativePointer p) => Cast(TypeOf(type), p);

    /// <inheritdoc cref="Cast(string, NativePointer)"/>
    public NativePointer Cast(CType type, NativePointer p)
    {
        ArgumentNullException.ThrowIfNull(type);
        var (target, tag) = type switch
        {
            PointerType pt => (pt.Pointee is VoidType ? null : pt.Pointee, pt.Tag),
            HandleType h => ((CType?)h, (string?)h.Tag),
            VoidType => (null, null),
            _ => (type, null),
        };
        if (p.Tag is not null && tag is not null && p.Tag != tag)
            throw new FfiArgumentException("cast", $"cannot cast a pointer tagged \"{p.Tag}\" to \"{tag}\"; cast to \"pointer\" (void*) first to do it on purpose");
        return new NativePointer(p.Address, target, tag, p.Block);
    }

    /// <summary>The calling thread's C errno (the original's <c>errno(v)</c>).</summary>
    public int Errno
    {
        get => Native.Errno.Value;
        set => Native.Errno.Value = value;
    }

    // Allocates (at least one byte, so every block has its own address) and registers the block with `owner`.
    private static NativeBlock Allocate(BlockOwner owner, long size, bool zero, string op)
    {
        nint p = zero ? NativeMemoryApi.Calloc((nuint)Math.Max(size, 1), 1) : NativeMemoryApi.Malloc((nuint)Math.Max(size, 1));
        if (p == 0) throw new FfiMemoryException($"{op}: out of memory ({size} bytes)");
        return new NativeBlock(p, size, engineAllocated: true, owner);
    }

    /// <summary>The tag a pointer to <paramref name="type"/> carries: a handle's tag, otherwise none.</summary>
    internal static string? TagOf(CType type) => type is HandleType h ? h.Tag : null;

    private NativeBlock? FindBlock(NativePointer p) => p.Block ?? Find(p.Address) ?? FindInArenas(p.Address) ?? NativeBlock.FindGcOwned(p.Address);
}
