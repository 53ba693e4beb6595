using System.ComponentModel;

namespace Ffi.Interop;

/// <summary>
/// The fixed pool of trampolines compiled bindings hold for one function pointer type: as many as
/// <c>BindingOptions.CallbackSlots</c> said when the spec was compiled (no code is generated at run time). A delegate
/// passed to a compiled function leases a slot for the call (<see cref="Lease"/>); a registered one holds it until its
/// <see cref="CallbackRegistration"/> is disposed. Released slots are reused first in, first out, as the run-time pools
/// do, so a stale pointer stays detectable as long as possible. A pool with no free slot refuses with
/// <see cref="FfiCallbackSlotsExhaustedException"/>. Thread-safe. Public for generated code; not meant for user code.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class CallbackSlots
{
    private readonly Lock _lock = new();
    private readonly Queue<TrampolineSlot> _free = new();
    private readonly List<TrampolineSlot> _slots = [];
    private readonly Action<int, Delegate?> _publish;

    /// <summary>Creates an empty pool (generated code adds each trampoline with <see cref="Add"/>).</summary>
    /// <param name="callback">The function pointer type, as the spec names it (named in messages).</param>
    /// <param name="publish">Stores a delegate (or null) in trampoline i's own typed field.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public CallbackSlots(string callback, Action<int, Delegate?> publish)
    {
        ArgumentNullException.ThrowIfNull(callback);
        ArgumentNullException.ThrowIfNull(publish);
        Callback = callback;
        _publish = publish;
    }

    /// <summary>The function pointer type, as the spec names it.</summary>
    public string Callback { get; }

    /// <summary>The number of trampolines (fixed when the bindings were compiled).</summary>
    public int Capacity
    {
        get
        {
            lock (_lock) return _slots.Count;
        }
    }

    /// <summary>The number of free trampolines.</summary>
    public int FreeCount
    {
        get
        {
            lock (_lock) return _free.Count;
        }
    }

    /// <summary>Adds the next trampoline (index order) with its entry point, free.</summary>
    /// <param name="address">The trampoline's native entry point (<c>ldftn</c> of an <c>[UnmanagedCallersOnly]</c> method).</param>
    /// <returns>Its slot, which the trampoline reads from its own static field.</returns>
    public TrampolineSlot Add(nint address)
    {
        lock (_lock)
        {
            var slot = new TrampolineSlot(this, _slots.Count, address);
            _slots.Add(slot);
            _free.Enqueue(slot);
            return slot;
        }
    }

    /// <summary>A transient slot forwarding to <paramref name="callback"/> for the downcall <paramref name="call"/>; null for a null delegate.</summary>
    /// <exception cref="FfiCallbackSlotsExhaustedException">Every slot is in use.</exception>
    public TrampolineSlot? Lease(Delegate? callback, CallbackCall call) => callback is null ? null : Acquire(callback, call);

    /// <summary>A registered callback: <paramref name="callback"/> holds a slot until the registration is disposed.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> is null.</exception>
    /// <exception cref="FfiCallbackSlotsExhaustedException">Every slot is in use.</exception>
    public CallbackRegistration Register(Delegate callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return new CallbackRegistration(Acquire(callback, null));
    }

    /// <summary>A leased slot's function pointer (0 for none: a null delegate passes NULL).</summary>
    public static nint AddressOf(TrampolineSlot? slot) => slot?.Address ?? 0;

    /// <summary>Releases a transient slot after its downcall (null: nothing was leased).</summary>
    public static void ReleaseTransient(TrampolineSlot? slot)
    {
        if (slot is not null) slot.Pool.Release(slot, slot.Generation);
    }

    private TrampolineSlot Acquire(Delegate callback, CallbackCall? call)
    {
        lock (_lock)
        {
            if (!_free.TryDequeue(out var slot)) throw new FfiCallbackSlotsExhaustedException(Callback, _slots.Count);
            slot.Call = call;
            slot.Target = callback;
            _publish(slot.Index, callback); // the trampoline reads its own field: a trampoline that sees it sees the rest
            return slot;
        }
    }

    /// <summary>Frees <paramref name="slot"/> if it is still the use <paramref name="generation"/> names; false when it was already released.</summary>
    internal bool Release(TrampolineSlot slot, int generation)
    {
        lock (_lock)
        {
            if (slot.Generation != generation || slot.Target is null) return false;
            _publish(slot.Index, null); // first: the trampoline reads its own field
            slot.Target = null;
            slot.Call = null;
            slot.Generation++;
            _free.Enqueue(slot);
            return true;
        }
    }
}
