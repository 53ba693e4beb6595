using System.Runtime.InteropServices;
using System.Text;
using Ffi.Types;

namespace Ffi.Runtime;

/// <summary>
/// The temporary memory of one dynamic call: argument and return buffers and short UTF-8 strings come from a
/// stack arena; what does not fit is allocated natively; arrays are pinned; delegates lease transient callbacks.
/// <see cref="Dispose"/> releases it all. Nothing is allocated on the managed heap unless native memory, pins or
/// callbacks are needed. The call's callback frame (see <see cref="CallbackFrames"/>) ends with <see cref="Finish"/>
/// (which throws what a callback threw) or <see cref="Fail"/>.
/// </summary>
internal unsafe ref struct CallScratch
{
    private readonly byte* _arena;
    private readonly int _arenaBytes;
    private readonly CallbackFrame _frame;
    private int _used;
    private Resources? _resources;

    // What must be released: native blocks, pinned handles and transient callbacks (rare: long strings, big frames,
    // arrays, delegates).
    private sealed class Resources
    {
        public readonly List<nint> Blocks = [];
        public readonly List<GCHandle> Pins = [];
        public readonly List<CallbackSlot> Callbacks = [];

        public void Release()
        {
            foreach (var p in Blocks) NativeMemory.AlignedFree((void*)p);
            foreach (var h in Pins) h.Free();
            foreach (var slot in Callbacks) CallbackSlot.ReleaseTransient(slot);
            Blocks.Clear();
            Pins.Clear();
            Callbacks.Clear();
        }
    }

    /// <param name="arena">Stack memory for the call, 16-byte aligned (its lifetime must cover the call).</param>
    /// <param name="bytes">Its size.</param>
    /// <param name="frame">The call's callback frame, from <see cref="CallbackFrames.Enter"/>.</param>
    public CallScratch(byte* arena, int bytes, CallbackFrame frame)
    {
        _arena = arena;
        _arenaBytes = bytes;
        _frame = frame;
    }

    /// <summary>A transient callback for this call: the delegate as a C function pointer of <paramref name="type"/>.</summary>
    public nint Lease(ICallbackHost callbacks, FuncPtrType type, Delegate callback, string where)
    {
        var slot = callbacks.PoolFor(type, callback, where).Acquire(callback, type, callbacks, _frame);
        (_resources ??= new Resources()).Callbacks.Add(slot);
        return slot.Address;
    }

    /// <summary>After the call: releases everything and throws what a callback threw during it.</summary>
    public readonly void Finish(string function)
    {
        Dispose();
        CallbackFrames.Exit(_frame, function);
    }

    /// <summary>On a failure before the call: releases everything and ends the frame without throwing.</summary>
    public readonly void Fail()
    {
        Dispose();
        CallbackFrames.Abandon(_frame);
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
