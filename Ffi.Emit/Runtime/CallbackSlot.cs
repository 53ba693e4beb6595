using Ffi.Abi;
using Ffi.Memory;
using Ffi.Types;
using Ffi.Values;

namespace Ffi.Runtime;

/// <summary>
/// One trampoline of a pool: its fixed function pointer and what it currently forwards to. A trampoline reads
/// <see cref="Target"/> once per call; null means the slot is free, and a call into it is a stale call.
/// </summary>
internal sealed unsafe class CallbackSlot(SlotPool pool, int index)
{
    public readonly SlotPool Pool = pool;
    public readonly int Index = index;
    public nint Address;

    /// <summary>The delegate or handler; null while the slot is free. Published last when leased.</summary>
    public volatile object? Target;

    /// <summary>For a transient callback: the downcall it was made for (failures are recorded there).</summary>
    public CallbackFrame? Frame;

    /// <summary>The callback's function pointer type (conversions and messages).</summary>
    public FuncPtrType? Type;

    /// <summary>Its name in messages.</summary>
    public string TypeName = "";

    /// <summary>The module callbacks that hold (or last held) the slot: counters, events, memory; kept after release.</summary>
    public ICallbackHost? LastOwner;

    /// <summary>Bumped on every release: a handle whose generation differs refers to an earlier use.</summary>
    public int Generation;

    /// <summary>For typed trampolines: stores the delegate in the trampoline's own typed field (null for dynamic ones).</summary>
    public Action<int, object?>? Publish;

    /// <summary>The trampoline's index in its chunk (the argument of <see cref="Publish"/>).</summary>
    public int ChunkIndex;

    /// <summary>A pointer argument as a <see cref="NativePointer"/> typed as the callback's parameter says (typed trampolines call this).</summary>
    public NativePointer PointerArgument(int index, nint address) =>
        (NativePointer)ScalarMemory.Read(Type!.Parameters[index], (nint)(&address));

    /// <summary>A returned <see cref="NativePointer"/>'s address, tag-checked against the callback's return type (typed trampolines call this).</summary>
    public nint PointerResult(NativePointer p)
    {
        var t = Type!.Return;
        return ScalarMemory.TagChecked(p, ScalarMemory.ExpectedTag(t), t.DisplayName, $"{TypeName}: return");
    }

    /// <summary>Releases a transient slot after its downcall (null: nothing was leased).</summary>
    public static void ReleaseTransient(CallbackSlot? slot)
    {
        if (slot is not null) slot.Pool.Release(slot, slot.Generation);
    }
}

/// <summary>
/// The trampolines of one callback shape, as the runtime sees them: slots are acquired for a target and released;
/// a dynamic trampoline finds its arguments laid out by <see cref="Frame"/>. Implemented where trampolines are emitted.
/// </summary>
internal abstract class SlotPool
{
    /// <summary>Where a dynamic trampoline puts each argument for the dispatcher.</summary>
    public abstract ArgumentFrame Frame { get; }

    /// <summary>
    /// A free slot set to forward to <paramref name="target"/>. A transient slot has the <paramref name="frame"/> of its
    /// downcall; a registered one has none.
    /// </summary>
    public abstract CallbackSlot Acquire(object target, FuncPtrType type, ICallbackHost owner, CallbackFrame? frame);

    /// <summary>Frees <paramref name="slot"/> if it is still the use <paramref name="generation"/> names; false when it was already released.</summary>
    public abstract bool Release(CallbackSlot slot, int generation);
}

/// <summary>
/// A module's callbacks, as stubs and trampolines reach them: the pool a delegate takes for a function pointer type,
/// the counters and the event a failure with no downcall is raised to, and the memory that owns callback arguments'
/// copies. The facade's <c>CallbackRegistry</c> implements it, so that nothing below the facade names the module.
/// </summary>
internal interface ICallbackHost
{
    /// <summary>The module's memory (by-value aggregates handed to dynamic callbacks are copies it owns on request).</summary>
    FfiMemory Memory { get; }

    /// <summary>The pool a delegate of this runtime type uses for <paramref name="type"/>, or an FfiArgumentException naming <paramref name="where"/>.</summary>
    SlotPool PoolFor(FuncPtrType type, Delegate callback, string where);

    /// <summary>Counts a call C made into a released slot.</summary>
    void CountStale();

    /// <summary>Raises a failure that no downcall can throw (a thread C started) to the module's event.</summary>
    void RaiseFailed(Exception exception, string callback, nint address);
}
