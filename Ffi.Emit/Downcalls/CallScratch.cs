using System.Runtime.InteropServices;
using System.Text;

namespace Ffi.Downcalls;

/// <summary>
/// The temporary memory of one dynamic call: argument and return buffers and short UTF-8 strings come from a
/// stack arena; what does not fit is allocated natively; arrays are pinned. <see cref="Dispose"/> releases it all.
/// Nothing is allocated on the managed heap unless native memory or pins are needed.
/// </summary>
internal unsafe ref struct CallScratch
{
    private readonly byte* _arena;
    private readonly int _arenaBytes;
    private int _used;
    private Resources? _resources;

    // What must be released: native blocks and pinned handles (rare: long strings, big frames, arrays).
    private sealed class Resources
    {
        public readonly List<nint> Blocks = [];
        public readonly List<GCHandle> Pins = [];

        public void Release()
        {
            foreach (var p in Blocks) NativeMemory.AlignedFree((void*)p);
            foreach (var h in Pins) h.Free();
            Blocks.Clear();
            Pins.Clear();
        }
    }

    /// <param name="arena">Stack memory for the call, 16-byte aligned (its lifetime must cover the call).</param>
    /// <param name="bytes">Its size.</param>
    public CallScratch(byte* arena, int bytes)
    {
        _arena = arena;
        _arenaBytes = bytes;
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
            (_resources ??= new Resources()).Blocks.Add((nint)p);
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
        (_resources ??= new Resources()).Pins.Add(handle);
        return handle.AddrOfPinnedObject();
    }

    /// <summary>Frees what was allocated natively and unpins what was pinned.</summary>
    public readonly void Dispose() => _resources?.Release();
}
