using System.Collections.Concurrent;
using Ffi.Native;

namespace Ffi.Runtime;

/// <summary>
/// Whether a module is still usable, and what must stay in memory while any of its code may still run: its library
/// handles and its variadic thunks. Every stub and callable holds this object (never the module), and emitted stubs
/// keep it reachable until their native call has returned (<see cref="GC.KeepAlive"/> after the call).
/// </summary>
/// <remarks>
/// <para>Disposing a module sets <see cref="Disposed"/> at once, so that calls that have not started throw
/// <see cref="ObjectDisposedException"/>. It does not close the libraries then: a call on another thread (or the
/// downcall a callback disposed its module from) may still be running inside one, and unmapping it would crash the
/// process. Counting calls in flight would cost every call an interlocked operation; instead the libraries are closed
/// by this object's finalizer, which the garbage collector runs only when no stub, delegate, function or callable
/// of the module can reach it any more — so no call can be running.</para>
/// <para>A module dropped without <see cref="Disposed"/> keeps its libraries loaded, as before: C may still hold
/// pointers into them (callbacks, variables, static data) that the engine cannot see.</para>
/// </remarks>
internal sealed class ModuleLifetime
{
    /// <summary>Set once when the module is disposed. A field, read by emitted code (<see cref="StubFields"/>).</summary>
    public volatile bool Disposed;

    // Made with the first variadic call: a dictionary keyed by nint is code the JIT compiles, which a module that
    // calls no variadic function should not pay for when it opens (docs/benchmarks.md, cold start).
    private ConcurrentDictionary<nint, VariadicThunk>? _thunks;
    private nint[]? _libraries;

    /// <summary>Records the library handles to close once nothing can call into them (after <see cref="Retire"/>).</summary>
    public void Own(nint[] libraries) => _libraries = libraries;

    /// <summary>The variadic thunk for <paramref name="target"/>, made once and kept as long as this object.</summary>
    public nint VariadicThunkFor(nint target)
    {
        var thunks = _thunks ?? Interlocked.CompareExchange(ref _thunks, new(), null) ?? _thunks;
        return thunks.GetOrAdd(target, VariadicThunk.Create).Address;
    }

    /// <summary>Marks the module disposed; its libraries and thunks are released by the finalizer (see remarks).</summary>
    public void Retire() => Disposed = true;

    /// <summary>Closes the libraries of a disposed module: nothing can be running in them any more.</summary>
    ~ModuleLifetime()
    {
        if (!Disposed || _libraries is null) return;
        foreach (var h in _libraries) LibraryLoader.Free(h);
        // The thunks free their pages in their own finalizers: they became unreachable with this object.
    }
}
