using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Ffi.Memory;

/// <summary>
/// One region of native memory the engine tracks: its base, its size (when the engine allocated it) and
/// whether it is still live. Pointers into it carry the block, so every access through them is checked
/// against its bounds and its liveness. Released exactly once — by <c>Free</c>, by its owner's
/// <c>Dispose</c>, or, once <see cref="FfiMemory.Gc"/> gave it to the garbage collector, by the .NET
/// finalizer when no pointer to it is reachable any more.
/// </summary>
public sealed class NativeBlock
{
    // Blocks owned by the GC are findable by address (for Free/Realloc of a pointer that lost its block,
    // e.g. one read back from a C struct), without keeping them alive.
    private static readonly ConcurrentDictionary<nint, WeakReference<NativeBlock>> GcOwnedByAddress = new();

    private int _released;
    private BlockOwner? _owner;
    private ResolvedFinalizer? _finalizer;

    internal NativeBlock(nint address, long size, bool engineAllocated, BlockOwner? owner)
    {
        Base = address;
        Size = size;
        EngineAllocated = engineAllocated;
        _owner = owner;
        GC.SuppressFinalize(this);
        owner?.Adopt(this);
    }

    /// <summary>The first byte of the block.</summary>
    public nint Base { get; }

    /// <summary>The block's size in bytes; -1 when unknown (memory the engine did not allocate).</summary>
    public long Size { get; }

    /// <summary>Whether the engine allocated the block with C <c>malloc</c> (so C <c>free</c> releases it).</summary>
    public bool EngineAllocated { get; }

    /// <summary>Whether the block has not been released yet.</summary>
    public bool IsLive => Volatile.Read(ref _released) == 0;

    /// <summary>Whether the garbage collector owns the block (a finalizer was attached with <c>Gc</c>).</summary>
    public bool IsGcOwned { get; private set; }

    internal ResolvedFinalizer? Finalizer => _finalizer;

    internal BlockOwner? Owner => _owner;

    /// <summary>Removes the finalizer without running or disposing it (it moves to a new block).</summary>
    internal ResolvedFinalizer? TakeFinalizer() => Interlocked.Exchange(ref _finalizer, null);

    /// <summary>Finds a block the GC owns by its base address.</summary>
    internal static NativeBlock? FindGcOwned(nint address) =>
        GcOwnedByAddress.TryGetValue(address, out var weak) && weak.TryGetTarget(out var b) && b.IsLive ? b : null;

    /// <summary>Gives the block to the garbage collector with <paramref name="finalizer"/>.</summary>
    internal void GiveToGc(ResolvedFinalizer finalizer)
    {
        var previous = Interlocked.Exchange(ref _finalizer, finalizer);
        previous?.Dispose();
        if (!IsGcOwned)
        {
            IsGcOwned = true;
            Interlocked.Exchange(ref _owner, null)?.Forget(this);
            GcOwnedByAddress[Base] = new WeakReference<NativeBlock>(this);
            GC.ReRegisterForFinalize(this);
        }
    }

    /// <summary>Detaches the finalizer; engine-allocated memory returns to <paramref name="owner"/>.</summary>
    internal void Detach(BlockOwner owner)
    {
        Interlocked.Exchange(ref _finalizer, null)?.Dispose();
        if (IsGcOwned)
        {
            IsGcOwned = false;
            GcOwnedByAddress.TryRemove(Base, out _);
            GC.SuppressFinalize(this);
            if (EngineAllocated)
            {
                _owner = owner;
                owner.Adopt(this);
            }
        }
    }

    /// <summary>Releases the block once: runs its finalizer, or frees engine memory. Returns false if already released.</summary>
    internal bool Release() => Release(runFinalizer: true);

    /// <summary>Marks the block released without freeing (its memory moved, e.g. by realloc). Returns false if already released.</summary>
    internal bool Abandon() => Release(runFinalizer: false);

    private bool Release(bool runFinalizer)
    {
        if (Interlocked.Exchange(ref _released, 1) != 0) return false;
        GC.SuppressFinalize(this);
        Interlocked.Exchange(ref _owner, null)?.Forget(this);
        if (IsGcOwned) GcOwnedByAddress.TryRemove(Base, out _);
        var finalizer = Interlocked.Exchange(ref _finalizer, null);
        if (runFinalizer)
        {
            if (finalizer is not null) finalizer.Run(Base);
            else if (EngineAllocated) FreedBlocks.Release(Base, Size);
        }
        finalizer?.Dispose();
        return true;
    }

    /// <summary>The .NET finalizer: runs only for blocks given to the GC.</summary>
    ~NativeBlock()
    {
        if (IsGcOwned) Release();
    }
}

/// <summary>
/// C's allocator: .NET's <see cref="NativeMemory"/> calls malloc/calloc/realloc/free on Unix, so memory the
/// engine allocates can be freed by C and the other way round. Like C, a failed allocation returns 0
/// (<see cref="NativeMemory"/> throws <see cref="OutOfMemoryException"/>; callers report it as an
/// <see cref="FfiMemoryException"/>).
/// </summary>
internal static unsafe class NativeMemoryApi
{
    public static nint Malloc(nuint size)
    {
        try { return (nint)NativeMemory.Alloc(size); }
        catch (OutOfMemoryException) { return 0; }
    }

    public static nint Calloc(nuint count, nuint size)
    {
        try { return (nint)NativeMemory.AllocZeroed(count, size); }
        catch (OutOfMemoryException) { return 0; }
    }

    public static nint Realloc(nint p, nuint size)
    {
        try { return (nint)NativeMemory.Realloc((void*)p, size); }
        catch (OutOfMemoryException) { return 0; }
    }

    public static void Free(nint p) => NativeMemory.Free((void*)p);
}
