using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Ffi.Downcalls;

/// <summary>
/// The temporary memory of one dynamic call: argument and return buffers and short UTF-8 strings come from a
/// stack arena; what does not fit is allocated natively; arrays are pinned. Everything is released by
/// <see cref="Dispose"/>. Nothing here allocates on the managed heap for the first few resources.
/// </summary>
internal unsafe ref struct CallScratch
{
    private readonly byte* _arena;
    private readonly int _arenaBytes;
    private int _used;
    private nint _heap0, _heap1;
    private List<nint>? _heapMore;
    private GCHandle _pin0, _pin1;
    private List<GCHandle>? _pinMore;

    /// <param name="arena">Stack memory for the call (its lifetime must cover the call).</param>
    public CallScratch(Span<byte> arena)
    {
        _arena = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(arena));
        _arenaBytes = arena.Length;
    }

    /// <summary><paramref name="bytes"/> bytes aligned to <paramref name="align"/> (a power of two), zeroed when asked.</summary>
    public byte* Allocate(long bytes, int align, bool zero)
    {
        if (bytes <= 0) return _arena + _used; // never dereferenced
        long start = (((long)(nint)_arena + _used + align - 1) & ~(long)(align - 1)) - (long)(nint)_arena;
        byte* p;
        if (start + bytes <= _arenaBytes)
        {
            p = _arena + start;
            _used = (int)(start + bytes);
        }
        else
        {
            p = (byte*)NativeMemory.AlignedAlloc((nuint)bytes, (nuint)align);
            Track((nint)p);
        }
        if (zero) new Span<byte>(p, checked((int)bytes)).Clear();
        return p;
    }

    /// <summary>A NUL-terminated UTF-8 copy of <paramref name="s"/> (embedded NULs copied too).</summary>
    public nint Utf8(string s)
    {
        int n = s.Length <= 256 ? s.Length * 3 : Encoding.UTF8.GetByteCount(s);
        var p = Allocate(n + 1, 1, zero: false);
        int written = Encoding.UTF8.GetBytes(s, new Span<byte>(p, n));
        p[written] = 0;
        return (nint)p;
    }

    /// <summary>Pins <paramref name="array"/> for the call and returns the address of its first element.</summary>
    public nint Pin(Array array)
    {
        var handle = GCHandle.Alloc(array, GCHandleType.Pinned);
        if (!_pin0.IsAllocated) _pin0 = handle;
        else if (!_pin1.IsAllocated) _pin1 = handle;
        else (_pinMore ??= []).Add(handle);
        return handle.AddrOfPinnedObject();
    }

    private void Track(nint p)
    {
        if (_heap0 == 0) _heap0 = p;
        else if (_heap1 == 0) _heap1 = p;
        else (_heapMore ??= []).Add(p);
    }

    /// <summary>Frees what was allocated natively and unpins what was pinned.</summary>
    public void Dispose()
    {
        if (_heap0 != 0) NativeMemory.AlignedFree((void*)_heap0);
        if (_heap1 != 0) NativeMemory.AlignedFree((void*)_heap1);
        if (_heapMore is not null) foreach (var p in _heapMore) NativeMemory.AlignedFree((void*)p);
        if (_pin0.IsAllocated) _pin0.Free();
        if (_pin1.IsAllocated) _pin1.Free();
        if (_pinMore is not null) foreach (var h in _pinMore) h.Free();
        _heap0 = _heap1 = 0;
        _heapMore = null;
        _pinMore = null;
    }
}
