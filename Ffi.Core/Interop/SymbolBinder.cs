using System.Collections.Concurrent;
using System.ComponentModel;
using Ffi.Native;

namespace Ffi.Interop;

/// <summary>
/// Resolves a function or variable of compiled bindings on its first use: loads its library (once per name, by the loader the
/// run-time <c>NativeModule.Open</c> uses: the same names tried, the same checks, the same errors) and finds the symbol.
/// Public for generated code, which may call only public API; not meant for user code. Libraries loaded here stay
/// loaded for the life of the process, as a P/Invoke's library does.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SymbolBinder
{
    // A handle is published only once loaded: a library that fails to load is tried again by the next first call.
    private static readonly ConcurrentDictionary<string, nint> Libraries = new(StringComparer.Ordinal);

    // One %al thunk per variadic function address, kept for the process as its library is (compiled code may run it at any time).
    private static readonly ConcurrentDictionary<nint, VariadicThunk> Thunks = new();

    /// <summary>The address of the function <paramref name="symbol"/> in <paramref name="library"/>.</summary>
    /// <param name="library">The library, as dlopen takes it (the spec's <c>lib</c>, or the function's own).</param>
    /// <param name="symbol">The function's symbol.</param>
    /// <exception cref="FfiBindException">
    /// The library cannot be loaded, it has no such symbol, or the symbol is not code; the message names library and symbol.
    /// </exception>
    public static nint Function(string library, string symbol) => LibraryLoader.GetFunctionExport(Library(library, symbol), library, symbol);

    /// <summary>
    /// The address to call a variadic function <paramref name="symbol"/> of <paramref name="library"/> through: its
    /// <c>%al</c> thunk (<c>mov al, 8; jmp target</c>, machine code on a page of its own: no run-time code generation by
    /// the CLR, so NativeAOT-safe), made once per function address and kept for the process.
    /// </summary>
    /// <param name="library">The library, as dlopen takes it.</param>
    /// <param name="symbol">The function's symbol.</param>
    /// <exception cref="FfiBindException">As <see cref="Function"/>.</exception>
    /// <exception cref="FfiMemoryException">The thunk's page could not be mapped.</exception>
    public static nint VariadicFunction(string library, string symbol) => Thunks.GetOrAdd(Function(library, symbol), VariadicThunk.Create).Address;

    /// <summary>The address of the variable <paramref name="symbol"/> in <paramref name="library"/>.</summary>
    /// <param name="library">The library, as dlopen takes it (the spec's <c>lib</c>, or the variable's own).</param>
    /// <param name="symbol">The variable's symbol.</param>
    /// <exception cref="FfiBindException">The library cannot be loaded or has no such symbol; the message names library and symbol.</exception>
    public static nint Variable(string library, string symbol) => LibraryLoader.GetExport(Library(library, symbol), library, symbol);

    private static nint Library(string library, string symbol)
    {
        ArgumentNullException.ThrowIfNull(library);
        ArgumentNullException.ThrowIfNull(symbol);
        if (Libraries.TryGetValue(library, out var handle)) return handle;
        try
        {
            return Libraries.GetOrAdd(library, LibraryLoader.Load);
        }
        catch (FfiBindException e)
        {
            throw new FfiBindException(library, symbol, $"{symbol}: {e.Message}", e);
        }
    }
}
