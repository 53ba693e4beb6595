using System.Runtime.InteropServices;

namespace Ffi.Native;

/// <summary>Loads libraries and resolves symbols the way dlopen/dlsym do, with errors that name both.</summary>
internal static class LibraryLoader
{
    /// <summary>Loads a library by soname, file name or path (relative paths against the current directory).</summary>
    /// <param name="library">The library, e.g. <c>libz.so.1</c>.</param>
    /// <returns>The library handle; free it with <see cref="Free"/>.</returns>
    /// <exception cref="FfiBindException">
    /// The library cannot be loaded; the message carries the loader's reason. Refused before <c>dlopen</c>: a name with a
    /// NUL character, a path that is not a regular file, a file that is not an x86-64 ELF shared object, or a truncated
    /// one (see <see cref="LibraryFileCheck"/>).
    /// </exception>
    public static nint Load(string library)
    {
        ArgumentException.ThrowIfNullOrEmpty(library);
        LibraryFileCheck.Check(library);
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
    /// <exception cref="FfiBindException">The library has no such symbol, or the name has a NUL character.</exception>
    public static nint GetExport(nint handle, string library, string symbol) =>
        symbol.Contains('\0')
            ? throw new FfiBindException(library, symbol, $"symbol \"{symbol.Replace("\0", "\\x00", StringComparison.Ordinal)}\" contains a NUL character (dlsym would look up the part before it)")
            : NativeLibrary.TryGetExport(handle, symbol, out var address)
            ? address
            : throw new FfiBindException(library, symbol, $"symbol \"{symbol}\" not found in library \"{library}\"");

    /// <summary>Finds an exported function: a symbol whose address lies in executable memory.</summary>
    /// <param name="handle">A handle from <see cref="Load"/>.</param>
    /// <param name="library">The library's name, for the message.</param>
    /// <param name="symbol">The function's symbol.</param>
    /// <returns>The function's address.</returns>
    /// <exception cref="FfiBindException">The library has no such symbol, or the symbol is data, not code.</exception>
    public static nint GetFunctionExport(nint handle, string library, string symbol)
    {
        var address = GetExport(handle, library, symbol);
        return ExecutableMappings.IsExecutable(address)
            ? address
            : throw new FfiBindException(library, symbol,
                $"symbol \"{symbol}\" in library \"{library}\" is not a function: its address 0x{(ulong)address:x} is not in executable memory (a variable declared as a function?)");
    }

    /// <summary>Releases a handle from <see cref="Load"/> (dlclose).</summary>
    public static void Free(nint handle) => NativeLibrary.Free(handle);
}
