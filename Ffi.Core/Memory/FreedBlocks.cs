namespace Ffi.Memory;

/// <summary>
/// A quarantine for memory the engine allocated and released: the most recently released blocks (up to
/// <see cref="MaxBlocks"/> of them and <see cref="MaxBytes"/> in all) are handed to C's <c>free</c> only when they
/// leave it. While a block is here no allocator can give its address to anyone else, so a raw address that matches
/// one is known to be dead: freeing it again, or reallocating it, is refused instead of corrupting the heap
/// (<c>free(): double free detected</c>, exit 134).
/// </summary>
/// <remarks>
/// Pointers that carry their block are refused after release whatever their age; the quarantine covers the raw
/// addresses (a pointer read back from C, or made with <see cref="NativePointer.FromAddress"/>). Past the bounds, an
/// old address may have been reused by C and is passed to <c>free</c> as C would. Blocks larger than
/// <see cref="MaxBlockBytes"/> are freed at once. Thread-safe.
/// </remarks>
internal static class FreedBlocks
{
    /// <summary>How many released blocks are held at most.</summary>
    public const int MaxBlocks = 1024;

    /// <summary>How many bytes of released blocks are held at most (a loop that allocates and frees stays flat).</summary>
    public const long MaxBytes = 1L << 20;

    /// <summary>Blocks larger than this are freed at once (they are mapped by malloc and unmapped by free).</summary>
    public const long MaxBlockBytes = 64L << 10;

    private static readonly Queue<(nint Base, long Size)> Order = new();
    private static readonly HashSet<nint> Held = [];
    private static readonly Lock Gate = new();
    private static long _bytes;

    /// <summary>Takes a released engine block; frees the oldest ones (or this one, when too large) with C's free.</summary>
    public static void Release(nint address, long size)
    {
        long bytes = Math.Max(size, 1);
        if (bytes > MaxBlockBytes)
        {
            NativeMemoryApi.Free(address);
            return;
        }
        List<nint>? evicted = null;
        lock (Gate)
        {
            if (!Held.Add(address)) return; // already held: a block is released once, so this is not reached
            Order.Enqueue((address, bytes));
            _bytes += bytes;
            while (Order.Count > MaxBlocks || _bytes > MaxBytes)
            {
                var (old, oldBytes) = Order.Dequeue();
                Held.Remove(old);
                _bytes -= oldBytes;
                (evicted ??= []).Add(old);
            }
        }
        if (evicted is not null)
            foreach (var old in evicted) NativeMemoryApi.Free(old);
    }

    /// <summary>Frees every held block with C's free (tests that measure malloc's bytes in use call it first).</summary>
    internal static void Flush()
    {
        List<nint> all;
        lock (Gate)
        {
            all = Held.ToList();
            Held.Clear();
            Order.Clear();
            _bytes = 0;
        }
        foreach (var address in all) NativeMemoryApi.Free(address);
    }

    /// <summary>Whether <paramref name="address"/> is the start of a block the engine released and still holds.</summary>
    public static bool Contains(nint address)
    {
        lock (Gate) return Held.Contains(address);
    }
}
