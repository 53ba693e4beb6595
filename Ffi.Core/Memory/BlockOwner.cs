using System.Collections.Concurrent;

namespace Ffi.Memory;

/// <summary>
/// Owns blocks and releases those still live when disposed: an <see cref="FfiMemory"/> (and so a module)
/// or an <see cref="Arena"/>. Thread-safe.
/// </summary>
public abstract class BlockOwner : IDisposable
{
    // Made with the first block: a dictionary keyed by nint is code the JIT compiles, which a module that never
    // allocates should not pay for when it opens (docs/benchmarks.md, cold start).
    private ConcurrentDictionary<nint, NativeBlock>? _blocks;
    private int _disposed;

    /// <summary>How many blocks this owner currently holds.</summary>
    public int LiveBlockCount => _blocks?.Count ?? 0;

    /// <summary>Whether <see cref="Dispose()"/> has run.</summary>
    protected bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    internal void Adopt(NativeBlock block) =>
        (_blocks ?? Interlocked.CompareExchange(ref _blocks, new(), null) ?? _blocks)[block.Base] = block;

    internal void Forget(NativeBlock block) => _blocks?.TryRemove(KeyValuePair.Create(block.Base, block));

    internal NativeBlock? Find(nint address) => _blocks is { } blocks && blocks.TryGetValue(address, out var b) && b.IsLive ? b : null;

    /// <summary>Throws if disposed.</summary>
    /// <exception cref="ObjectDisposedException">The owner was disposed.</exception>
    protected void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(IsDisposed, this);

    /// <summary>Releases every block still owned (running finalizers where attached). Idempotent.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Dispose(true);
        if (Volatile.Read(ref _blocks) is { } blocks)
        {
            foreach (var block in blocks.Values) block.Release();
            blocks.Clear();
        }
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases subclass resources; blocks are released right after.</summary>
    protected virtual void Dispose(bool disposing) { }
}
