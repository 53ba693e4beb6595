namespace Ffi.Runtime;

/// <summary>
/// Whether a module is still usable: one field that emitted stubs read inline on every call (a disposed module's
/// stubs take their slow path, which throws <see cref="ObjectDisposedException"/>). The facade owns it and sets it
/// once, on dispose; stubs and callables hold it instead of the module.
/// </summary>
internal sealed class ModuleLifetime
{
    /// <summary>Set once when the module is disposed. A field, read by emitted code (<see cref="StubFields"/>).</summary>
    public volatile bool Disposed;
}
