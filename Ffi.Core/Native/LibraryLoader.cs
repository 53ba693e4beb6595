using System.Runtime.InteropServices;

namespace Ffi.Native;

/// <summary>Loads libraries and resolves symbols the way dlopen/dlsym do, with errors that name both.</summary>
public static class LibraryLoader
{
    /// <summary>Loads a library by soname, file name or path (relative paths against the current directory).</summary>
    /// <param name="library">The library, e.g. <c>libz.so.1</c>.</param>
    /// <returns>The library handle; free it with <see cref="Free"/>.</returns>
    /// <exception cref="FfiBindException">The library cannot be loaded; the message carries the loader's reason.</exception>
    public static nint Load(string library)
    {
        ArgumentException.ThrowIfNullOrEmpty(library);
        try
        {
            return NativeLibrary.Load(library);
        }
        catch (Exception ex) when (ex is DllNotFoundException or BadImageFormatException)
        {
            throw new FfiBindException(library, null, $"cannot load library \"{library}\" (tried dlopen(\"{library}\")): {ex.Message}", ex);
        }
    }

    /// <summary>Finds an exported symbol.</summary>
    /// <param name="handle">A handle from <see cref="Load"/>.</param>
    /// <param name="library">The library's name, for the message.</param>
    /// <param name="symbol">The symbol.</param>
    /// <returns>The symbol's address.</returns>
    /// <exception cref="FfiBindException">The library has no such symbol.</exception>
    public static nint GetExport(nint handle, string library, string symbol) =>
        NativeLibrary.TryGetExport(handle, symbol, out var address)
            ? address
            : throw new FfiBindException(library, symbol, $"symbol \"{symbol}\" not found in library \"{library}\"");

    /// <summary>Releases a handle from <see cref="Load"/> (dlclose).</summary>
    public static void Free(nint handle) => NativeLibrary.Free(handle);
}
