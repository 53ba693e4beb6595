using System.Collections.Concurrent;
using Ffi.Abi;
using Ffi.Binding;
using Ffi.Runtime;
using Ffi.Shapes;
using Ffi.Types;

namespace Ffi.Callbacks;

/// <summary>
/// The trampolines of one callback shape: the recipe C calls a function pointer type by (with the argument frame
/// dynamic trampolines fill) and, for typed trampolines, the delegate type they invoke directly. Pools are process-wide (their code
/// cannot be unloaded while C may still hold a pointer into it) and grow by chunks of <see cref="ChunkSize"/>
/// trampolines; a released slot is reused last (first in, first out), so a stale pointer stays detectable as long
/// as possible.
/// </summary>
internal sealed class TrampolinePool : SlotPool
{
    /// <summary>Trampolines generated at a time.</summary>
    public const int ChunkSize = 32;

    private static readonly ConcurrentDictionary<PoolKey, TrampolinePool> Pools = new();

    // What a pool's code depends on: the recipe, the frame dynamic trampolines fill, and a typed pool's conversions.
    private readonly record struct PoolKey(LoweredCall Lowered, ArgumentFrame Frame, TypedCallback? Typed);

    private readonly Lock _lock = new();
    private readonly Queue<CallbackSlot> _free = new();
    private int _count;

    private TrampolinePool(CallShape shape, TypedCallback? typed)
    {
        Lowered = shape.Lowered;
        Frame = shape.Frame;
        DelegateType = typed?.DelegateType;
        Typed = typed;
    }

    /// <summary>The recipe the trampolines receive their arguments by (run backwards).</summary>
    public LoweredCall Lowered { get; }

    /// <summary>Where a dynamic trampoline puts each argument for <see cref="CallbackRuntime.Dispatch"/>.</summary>
    public override ArgumentFrame Frame { get; }

    /// <summary>The delegate type typed trampolines invoke; null for dynamic ones.</summary>
    public Type? DelegateType { get; }

    /// <summary>How typed trampolines convert (null for dynamic ones).</summary>
    public TypedCallback? Typed { get; }

    /// <summary>Trampolines generated so far.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The dynamic pool of a callback shape: arguments go through a frame to <see cref="CallbackRuntime.Dispatch"/>.</summary>
    public static TrampolinePool Dynamic(CallShape shape) =>
        Pools.GetOrAdd(new PoolKey(shape.Lowered, shape.Frame, null), _ => new TrampolinePool(shape, null));

    /// <summary>The typed pool of a callback shape and delegate type (the delegate was checked by <see cref="TypedCallback.TryMap"/>).</summary>
    public static TrampolinePool ForDelegate(CallShape shape, TypedCallback typed) =>
        Pools.GetOrAdd(new PoolKey(shape.Lowered, shape.Frame, typed), _ => new TrampolinePool(shape, typed));

    /// <summary>
    /// Generates the first chunk if there is none yet, so that a shape the emitter cannot express fails here, when the
    /// pool is first asked for, and not in the middle of a downcall.
    /// </summary>
    public TrampolinePool Ready()
    {
        if (Count > 0) return this;
        lock (_lock)
        {
            if (_count == 0) Grow();
        }
        return this;
    }

    /// <summary>
    /// A free slot set to forward to <paramref name="target"/>; the pool grows when none is free. A transient slot has
    /// the <paramref name="frame"/> of its downcall; a registered one has none.
    /// </summary>
    public override CallbackSlot Acquire(object target, FuncPtrType type, ICallbackHost owner, CallbackFrame? frame)
    {
        CallbackSlot slot;
        lock (_lock)
        {
            if (_free.Count == 0) Grow();
            slot = _free.Dequeue();
        }
        slot.Type = type;
        slot.TypeName = type.DisplayName;
        slot.LastOwner = owner;
        slot.Frame = frame;
        slot.Target = target; // published last: a trampoline that sees it sees the rest
        slot.Publish?.Invoke(slot.ChunkIndex, target);
        return slot;
    }

    /// <summary>Frees <paramref name="slot"/> if it is still the use <paramref name="generation"/> names; false when it was already released.</summary>
    public override bool Release(CallbackSlot slot, int generation)
    {
        lock (_lock)
        {
            if (slot.Generation != generation || slot.Target is null) return false;
            slot.Publish?.Invoke(slot.ChunkIndex, null); // first: a typed trampoline reads its own field
            slot.Target = null;
            slot.Frame = null;
            slot.Generation++;
            _free.Enqueue(slot);
            return true;
        }
    }

    private void Grow()
    {
        var slots = new CallbackSlot[ChunkSize];
        for (int i = 0; i < slots.Length; i++) slots[i] = new CallbackSlot(this, _count + i);
        var addresses = TrampolineEmitter.EmitChunk(this, slots);
        for (int i = 0; i < slots.Length; i++)
        {
            slots[i].Address = addresses[i];
            _free.Enqueue(slots[i]);
        }
        Volatile.Write(ref _count, _count + slots.Length);
    }
}
