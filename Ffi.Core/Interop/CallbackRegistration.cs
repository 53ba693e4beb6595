namespace Ffi.Interop;

/// <summary>
/// A callback registered with compiled bindings (<c>Native.Callbacks.Register(…)</c>): a C function pointer that forwards
/// to a managed delegate until <see cref="Dispose"/>. For libraries that keep the pointer (signal handlers,
/// <c>sqlite3_create_function</c>, event loops, a struct field). It holds one of the function pointer type's fixed
/// slots and the delegate (nothing else needs to keep it alive). After release, a call through the old pointer runs no
/// managed code: it returns zero and is reported (<see cref="FfiCallbackException.IsStaleCall"/>).
/// </summary>
public sealed class CallbackRegistration : IDisposable
{
    private readonly TrampolineSlot _slot;
    private readonly int _generation;

    internal CallbackRegistration(TrampolineSlot slot)
    {
        _slot = slot;
        _generation = slot.Generation;
    }

    /// <summary>The function pointer to give to C.</summary>
    public nint Address => _slot.Address;

    /// <summary>The function pointer type the callback implements, as the spec names it.</summary>
    public string Callback => _slot.Pool.Callback;

    /// <summary>Whether the pointer still forwards to the delegate.</summary>
    public bool IsAlive => _slot.Generation == _generation && _slot.Target is not null;

    /// <summary>Releases the slot; C must not call the pointer afterwards (if it does, nothing managed runs). Idempotent.</summary>
    public void Dispose() => _slot.Pool.Release(_slot, _generation);

    /// <inheritdoc />
    public override string ToString() => $"callback {Callback} at 0x{Address:x}{(IsAlive ? "" : " (released)")}";
}
