namespace Ffi.Memory;

// Lifetime: finalizers handed to the garbage collector (the original's gc) and arenas.
public sealed partial class FfiMemory
{
    /// <summary>
    /// Attaches a finalizer to the memory <paramref name="p"/> starts: it runs exactly once — on
    /// <see cref="Free"/>, or when the garbage collector finds no pointer to the block reachable any more
    /// (keep the returned pointer, or copies of it, while the memory is in use). The block is then no longer
    /// released by this toolbox's <see cref="BlockOwner.Dispose()"/>. <see cref="Finalizer.None"/> detaches:
    /// engine memory returns to this toolbox's ownership; memory from C is no longer tracked.
    /// </summary>
    /// <param name="p">The start of the memory: engine-allocated, or any pointer from C (e.g. a <c>FILE*</c>).</param>
    /// <param name="finalizer"><see cref="Finalizer.None"/>, <see cref="Finalizer.Free"/>, or <see cref="Finalizer.Function"/>.</param>
    /// <returns>The pointer, carrying the tracked block.</returns>
    /// <exception cref="FfiMemoryException">A null or released pointer, or one inside a block.</exception>
    /// <exception cref="FfiBindException">The finalizer's library or symbol cannot be found.</exception>
    public NativePointer Gc(NativePointer p, Finalizer finalizer)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(finalizer);
        if (p.IsNull) throw new FfiMemoryException("gc: null pointer");
        var block = FindBlock(p);
        if (block is null && FreedBlocks.Contains(p.Address))
            throw new FfiMemoryException($"gc: use after free: the engine already released the block at {p}");
        if (block is not null)
        {
            if (!block.IsLive) throw new FfiMemoryException($"gc: use after free: the block at {p} was released");
            if (block.Base != p.Address) throw new FfiMemoryException($"gc: {p} is inside a block, not its start (0x{(ulong)block.Base:x})");
        }
        if (finalizer.Kind == FinalizerKind.None)
        {
            block?.Detach(this);
            return block is null || !block.EngineAllocated ? new NativePointer(p.Address, p.Type, p.Tag, null) : new NativePointer(p.Address, p.Type, p.Tag, block);
        }
        var resolved = ResolvedFinalizer.Resolve(finalizer, DefaultLibrary);
        block ??= new NativeBlock(p.Address, -1, engineAllocated: false, owner: null);
        block.GiveToGc(resolved);
        return new NativePointer(p.Address, p.Type, p.Tag, block);
    }

    /// <summary>Creates an arena: allocations made through it are all released together when it is disposed.</summary>
    public Arena CreateArena()
    {
        ThrowIfDisposed();
        var arena = new Arena(this);
        (_arenas ?? Interlocked.CompareExchange(ref _arenas, new(), null) ?? _arenas)[arena] = 0;
        return arena;
    }

    // Live arenas, so that a pointer without its block (e.g. read back from C memory) still finds an arena's block.
    // Made with the first arena, not when a module opens (docs/benchmarks.md, cold start).
    private System.Collections.Concurrent.ConcurrentDictionary<Arena, byte>? _arenas;

    internal void ForgetArena(Arena arena) => _arenas?.TryRemove(arena, out _);

    private NativeBlock? FindInArenas(nint address)
    {
        if (_arenas is null) return null;
        foreach (var arena in _arenas.Keys)
            if (arena.Find(address) is { } block) return block;
        return null;
    }
}
