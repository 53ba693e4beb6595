using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.InteropServices.Marshalling;

namespace Ffi.Native;

/// <summary>
/// The libc functions the engine calls for itself: <c>open</c>, <c>fstat</c>, <c>pread</c> and <c>close</c> for
/// <see cref="LibraryFileCheck"/>, <c>mmap</c>, <c>mprotect</c> and <c>munmap</c> for <see cref="VariadicThunk"/>.
/// Each sets C's <c>errno</c> as the function left it (read it with <c>Marshal.GetLastSystemError</c>).
/// </summary>
/// <remarks>
/// Under the JIT they are <c>[LibraryImport("libc.so.6")]</c>s. Under NativeAOT they are called through function
/// pointers from <c>dlsym</c> on <c>NativeLibrary.Load("libc.so.6")</c>, a plain <c>dlopen</c>: NativeAOT resolves a
/// P/Invoke's library name in managed code, whose <c>string.IndexOf(".so", OrdinalIgnoreCase)</c> initializes
/// globalization and so loads ICU (<c>libicuuc</c>, <c>libicui18n</c>), tens of milliseconds on the first call of
/// compiled bindings that name their library by path (docs/benchmarks.md, NativeAOT start-up). Under the JIT the
/// imports stay: the cold-start work measured <c>NativeLibrary.Load</c> slower there.
/// </remarks>
internal static unsafe partial class Libc
{
    private const string Library = "libc.so.6";

    // Resolved on first use; 0 until then. Threads that race resolve the same address (and dlopen libc once more, a
    // reference count on a library that is never unloaded); a failure throws and caches nothing.
    private static nint _handle, _open, _close, _fstat, _fxstat64, _pread, _mmap, _mprotect, _munmap;

    /// <summary><c>int open(const char *path, int flags)</c>; <paramref name="path"/> is passed as UTF-8.</summary>
    public static int Open(string path, int flags)
    {
        if (RuntimeFeature.IsDynamicCodeSupported) return Imports.Open(path, flags);
        byte* p = Utf8StringMarshaller.ConvertToUnmanaged(path);
        try
        {
            var open = (delegate* unmanaged<byte*, int, int>)Export(ref _open, "open");
            Marshal.SetLastSystemError(0);
            return open(p, flags);
        }
        finally
        {
            Utf8StringMarshaller.Free(p);
        }
    }

    /// <summary><c>int close(int fd)</c>.</summary>
    public static int Close(int fd) =>
        RuntimeFeature.IsDynamicCodeSupported ? Imports.Close(fd) : ((delegate* unmanaged<int, int>)Export(ref _close, "close"))(fd);

    /// <summary>
    /// <c>int fstat(int fd, struct stat *st)</c>, or <c>__fxstat64(1, fd, st)</c> on a glibc older than 2.33, which
    /// exports <c>fstat</c> only under that name (<c>_STAT_VER</c> is 1 on x86-64).
    /// </summary>
    public static int Fstat(int fd, void* st)
    {
        if (RuntimeFeature.IsDynamicCodeSupported)
        {
            try
            {
                return Imports.Fstat(fd, st);
            }
            catch (EntryPointNotFoundException)
            {
                return Imports.Fxstat64(1, fd, st);
            }
        }
        nint fstat = TryExport(ref _fstat, "fstat"), fxstat64 = fstat == 0 ? Export(ref _fxstat64, "__fxstat64") : 0;
        Marshal.SetLastSystemError(0); // after the lookups, which may set errno themselves
        return fstat != 0 ? ((delegate* unmanaged<int, void*, int>)fstat)(fd, st)
            : ((delegate* unmanaged<int, int, void*, int>)fxstat64)(1, fd, st);
    }

    /// <summary><c>ssize_t pread(int fd, void *buffer, size_t count, off_t offset)</c>.</summary>
    public static nint Pread(int fd, byte* buffer, nuint count, long offset)
    {
        if (RuntimeFeature.IsDynamicCodeSupported) return Imports.Pread(fd, buffer, count, offset);
        var pread = (delegate* unmanaged<int, byte*, nuint, long, nint>)Export(ref _pread, "pread");
        Marshal.SetLastSystemError(0);
        return pread(fd, buffer, count, offset);
    }

    /// <summary><c>void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset)</c>.</summary>
    public static nint Mmap(nint addr, nuint length, int prot, int flags, int fd, nint offset)
    {
        if (RuntimeFeature.IsDynamicCodeSupported) return Imports.Mmap(addr, length, prot, flags, fd, offset);
        var mmap = (delegate* unmanaged<nint, nuint, int, int, int, nint, nint>)Export(ref _mmap, "mmap");
        Marshal.SetLastSystemError(0);
        return mmap(addr, length, prot, flags, fd, offset);
    }

    /// <summary><c>int mprotect(void *addr, size_t length, int prot)</c>.</summary>
    public static int Mprotect(nint addr, nuint length, int prot)
    {
        if (RuntimeFeature.IsDynamicCodeSupported) return Imports.Mprotect(addr, length, prot);
        var mprotect = (delegate* unmanaged<nint, nuint, int, int>)Export(ref _mprotect, "mprotect");
        Marshal.SetLastSystemError(0);
        return mprotect(addr, length, prot);
    }

    /// <summary><c>int munmap(void *addr, size_t length)</c>.</summary>
    public static int Munmap(nint addr, nuint length) =>
        RuntimeFeature.IsDynamicCodeSupported ? Imports.Munmap(addr, length)
            : ((delegate* unmanaged<nint, nuint, int>)Export(ref _munmap, "munmap"))(addr, length);

    // The address of libc's `name`, resolved once into `slot`; throws EntryPointNotFoundException when libc has none.
    private static nint Export(ref nint slot, string name) =>
        TryExport(ref slot, name) is var address and not 0
            ? address
            : throw new EntryPointNotFoundException($"libc ({Library}) exports no function \"{name}\"");

    private static nint TryExport(ref nint slot, string name)
    {
        nint address = Volatile.Read(ref slot);
        if (address != 0) return address;
        if (!NativeLibrary.TryGetExport(Handle(), name, out address)) return 0;
        Volatile.Write(ref slot, address);
        return address;
    }

    // NativeLibrary.Load of a name with no '/' is dlopen of that name as given (no name variations); throws
    // DllNotFoundException as a failed P/Invoke to it would.
    private static nint Handle()
    {
        nint handle = Volatile.Read(ref _handle);
        if (handle != 0) return handle;
        handle = NativeLibrary.Load(Library);
        Volatile.Write(ref _handle, handle);
        return handle;
    }

    // The JIT's path: the P/Invokes as they were, resolved by the runtime on first call.
    private static partial class Imports
    {
        [LibraryImport(Library, EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int Open(string path, int flags);

        [LibraryImport(Library, EntryPoint = "close")]
        internal static partial int Close(int fd);

        [LibraryImport(Library, EntryPoint = "fstat", SetLastError = true)]
        internal static partial int Fstat(int fd, void* st);

        [LibraryImport(Library, EntryPoint = "__fxstat64", SetLastError = true)]
        internal static partial int Fxstat64(int version, int fd, void* st);

        [LibraryImport(Library, EntryPoint = "pread", SetLastError = true)]
        internal static partial nint Pread(int fd, byte* buffer, nuint count, long offset);

        [LibraryImport(Library, EntryPoint = "mmap", SetLastError = true)]
        internal static partial nint Mmap(nint addr, nuint length, int prot, int flags, int fd, nint offset);

        [LibraryImport(Library, EntryPoint = "mprotect", SetLastError = true)]
        internal static partial int Mprotect(nint addr, nuint length, int prot);

        [LibraryImport(Library, EntryPoint = "munmap")]
        internal static partial int Munmap(nint addr, nuint length);
    }
}
