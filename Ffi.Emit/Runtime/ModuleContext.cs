namespace Ffi.Runtime;

/// <summary>
/// What stubs and callables need of their module, without the module: its library's name (for messages), its
/// liveness, the capabilities it was granted and its callbacks. The facade makes one per module; everything below
/// the facade holds this instead of the module.
/// </summary>
internal sealed class ModuleContext(string library, string objectName, ModuleLifetime lifetime, IReadOnlySet<string> grants, ICallbackHost callbacks)
{
    /// <summary>The module's library name (<c>lib</c>), as bind errors name it.</summary>
    public readonly string Library = library;

    /// <summary>The module's liveness (read inline by emitted stubs).</summary>
    public readonly ModuleLifetime Lifetime = lifetime;

    /// <summary>The module's callbacks: pools for delegate arguments, counters, events.</summary>
    public readonly ICallbackHost Callbacks = callbacks;

    /// <summary>Throws <see cref="ObjectDisposedException"/> (naming the module's type) once the module was disposed.</summary>
    public void ThrowIfDisposed()
    {
        if (Lifetime.Disposed) throw new ObjectDisposedException(objectName);
    }

    /// <summary>Throws when the module was disposed, or when one of <paramref name="capabilities"/> was not granted.</summary>
    public void CheckCallable(string symbol, IReadOnlyList<string> capabilities)
    {
        ThrowIfDisposed();
        foreach (var cap in capabilities)
            if (!grants.Contains(cap)) throw new FfiCapabilityDeniedException(symbol, cap);
    }
}
