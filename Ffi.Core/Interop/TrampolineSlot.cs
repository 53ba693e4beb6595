using System.ComponentModel;

namespace Ffi.Interop;

/// <summary>
/// One <c>[UnmanagedCallersOnly]</c> trampoline of compiled bindings: its fixed function pointer and what it forwards to
/// now. The trampoline keeps the delegate itself in a static field of the delegate's type (one load per call);
/// <see cref="Target"/> is the same delegate as an object, null while the slot is free. Public for generated code,
/// which may use only public API; not meant for user code.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class TrampolineSlot
{
    internal TrampolineSlot(CallbackSlots pool, int index, nint address)
    {
        Pool = pool;
        Index = index;
        Address = address;
    }

    /// <summary>The pool (one per function pointer type) the slot belongs to.</summary>
    public CallbackSlots Pool { get; }

    /// <summary>The trampoline's index in its pool (the argument of the pool's publish method).</summary>
    public int Index { get; }

    /// <summary>The trampoline's native entry point, what C calls.</summary>
    public nint Address { get; }

    /// <summary>The delegate, or null while the slot is free.</summary>
    internal volatile Delegate? Target;

    /// <summary>For a transient callback: the downcall it was leased for (its failures are recorded there).</summary>
    internal CallbackCall? Call;

    /// <summary>Bumped on every release: a registration whose generation differs refers to an earlier use.</summary>
    internal int Generation;
}
