using System.Runtime.InteropServices;

namespace Ffi.Native;

/// <summary>
/// An executable 16-byte trampoline that sets <c>%al</c> before jumping to a variadic C function. System V
/// requires <c>%al</c> to bound the number of vector registers a variadic call uses; a plain <c>calli</c> leaves
/// whatever the JIT had there (the low byte of the target address), so doubles are lost when the address ends
/// in 0x00. The thunk is <c>B0 08</c> (mov al, 8 — an upper bound is allowed) <c>FF 25 00 00 00 00</c>
/// (jmp [rip+0]) followed by the 8-byte target, on a page of its own made read+execute once written.
/// </summary>
internal sealed unsafe class VariadicThunk : IDisposable
{
    private const int PageSize = 4096;
    private const int ProtRead = 1, ProtWrite = 2, ProtExec = 4, MapPrivate = 2, MapAnonymous = 0x20;
    private nint _page;

    private VariadicThunk(nint page) => _page = page;

    /// <summary>The address to call instead of the target.</summary>
    /// <exception cref="ObjectDisposedException">The thunk was freed.</exception>
    public nint Address => _page != 0 ? _page : throw new ObjectDisposedException(nameof(VariadicThunk));

    /// <summary>Builds a thunk for <paramref name="target"/>.</summary>
    /// <exception cref="FfiMemoryException">The page could not be mapped or made executable.</exception>
    public static VariadicThunk Create(nint target)
    {
        nint page = Libc.Mmap(0, PageSize, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        if (page == -1 || page == 0) throw new FfiMemoryException($"variadic thunk: mmap failed (errno {Marshal.GetLastSystemError()})");
        byte* p = (byte*)page;
        ReadOnlySpan<byte> code = [0xB0, 0x08, 0xFF, 0x25, 0x00, 0x00, 0x00, 0x00];
        code.CopyTo(new Span<byte>(p, 8));
        *(nint*)(p + 8) = target;
        if (Libc.Mprotect(page, PageSize, ProtRead | ProtExec) != 0)
        {
            Libc.Munmap(page, PageSize);
            throw new FfiMemoryException($"variadic thunk: mprotect failed (errno {Marshal.GetLastSystemError()})");
        }
        return new VariadicThunk(page);
    }

    /// <summary>Unmaps the page. Idempotent.</summary>
    public void Dispose()
    {
        var page = Interlocked.Exchange(ref _page, 0);
        if (page != 0) Libc.Munmap(page, PageSize);
        GC.SuppressFinalize(this);
    }

    /// <summary>Unmaps the page if <see cref="Dispose"/> was not called.</summary>
    ~VariadicThunk() => Dispose();
}
