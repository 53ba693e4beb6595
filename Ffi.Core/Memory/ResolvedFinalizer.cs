using Ffi.Native;

namespace Ffi.Memory;

/// <summary>
/// A <see cref="Finalizer"/> made ready to run: for a symbol, its library is loaded (its own reference,
/// so the function stays callable even after the module that named it is disposed) and the address found.
/// </summary>
internal sealed unsafe class ResolvedFinalizer : IDisposable
{
    private readonly nint _function;
    private nint _library;

    private ResolvedFinalizer(Finalizer spec, nint function, nint library)
    {
        Spec = spec;
        _function = function;
        _library = library;
    }

    public Finalizer Spec { get; }

    public static ResolvedFinalizer Resolve(Finalizer finalizer, string? defaultLibrary)
    {
        if (finalizer.Kind == FinalizerKind.Free) return new ResolvedFinalizer(finalizer, 0, 0);
        var library = finalizer.Library ?? defaultLibrary
            ?? throw new FfiArgumentException("Gc", $"finalizer \"{finalizer.Symbol}\" needs a library (no module library to default to)");
        var handle = LibraryLoader.Load(library);
        try
        {
            return new ResolvedFinalizer(finalizer, LibraryLoader.GetExport(handle, library, finalizer.Symbol!), handle);
        }
        catch
        {
            LibraryLoader.Free(handle);
            throw;
        }
    }

    /// <summary>Releases <paramref name="address"/>: C free, or <c>symbol(address)</c>.</summary>
    public void Run(nint address)
    {
        if (Spec.Kind == FinalizerKind.Free) NativeMemoryApi.Free(address);
        else ((delegate* unmanaged<nint, void>)_function)(address);
    }

    public void Dispose()
    {
        var lib = Interlocked.Exchange(ref _library, 0);
        if (lib != 0) LibraryLoader.Free(lib);
    }
}
