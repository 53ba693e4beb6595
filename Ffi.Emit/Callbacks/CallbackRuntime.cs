using System.Runtime.InteropServices;
using Ffi.Runtime;
using Ffi.Memory;
using Ffi.Types;
using Ffi.Values;

namespace Ffi.Callbacks;

/// <summary>A callback's failure, recorded for the downcall in progress.</summary>
internal sealed class CallbackFailure(Exception exception, string callback)
{
    public readonly Exception Exception = exception;
    public readonly string Callback = callback;
}

/// <summary>
/// One downcall in progress on a thread that callbacks may fail in. Frames are pooled per thread (one per nesting
/// level), so tracking a downcall allocates nothing.
/// </summary>
internal sealed class CallbackFrame(CallbackThread thread, int level)
{
    public readonly CallbackThread Thread = thread;
    public readonly int Level = level;
    public CallbackFailure? Failure; // the first failure of a callback during this downcall (written with a CAS)
}

/// <summary>A thread's callback state: the tracked downcalls in progress on it and a failure waiting to be thrown.</summary>
internal sealed class CallbackThread
{
    [ThreadStatic] private static CallbackThread? t_current;

    public int Depth;
    public CallbackFrame?[] Frames = new CallbackFrame?[4];
    public CallbackFailure? Pending;

    public static CallbackThread Current => t_current ??= new CallbackThread();

    public static CallbackThread? CurrentOrNull => t_current;
}

/// <summary>
/// What trampolines and downcall stubs call: tracking of downcalls that take callbacks, failures recorded for them,
/// failures waiting on a thread, calls into released slots, and the dynamic dispatch of a callback's arguments.
/// </summary>
/// <remarks>
/// <para>A downcall that takes a managed callback is <em>tracked</em>: it pushes a frame on its thread, and its
/// transient callbacks record their failures there, from whatever thread C calls them on. The downcall throws the
/// failure when it returns.</para>
/// <para>Every other downcall pays one static read after the call (<see cref="PendingCount"/>). A registered callback
/// that fails, or a released one that C calls, on a thread where managed code is waiting for C (the stack below the
/// trampoline has managed frames) leaves the failure <em>pending</em> on that thread. The innermost engine downcall
/// throws it when it returns, or, when the C code was reached some other way, the thread's next engine call does. On a
/// thread with no managed frames below (a thread C started), there is no call to throw from: the module's
/// <c>CallbackFailed</c> event is raised instead.</para>
/// <para>Nothing here may throw into a trampoline's caller: every entry point used from a trampoline catches.</para>
/// </remarks>
internal static unsafe class CallbackRuntime
{
    /// <summary>Threads with a pending failure: while not zero, untracked downcalls look at their thread after the call.</summary>
    public static int PendingCount;

    /// <summary>Recorded failures not yet thrown: while not zero, trampolines ask whether to skip (return at once).</summary>
    public static int Failing;

    /// <summary>Starts tracking a downcall on this thread.</summary>
    public static CallbackFrame Enter()
    {
        var t = CallbackThread.Current;
        int level = ++t.Depth;
        if (level >= t.Frames.Length) Array.Resize(ref t.Frames, level * 2);
        var frame = t.Frames[level] ??= new CallbackFrame(t, level);
        frame.Failure = null;
        return frame;
    }

    /// <summary>Ends tracking; throws what a callback recorded during the downcall, or what is pending on the thread.</summary>
    public static void Exit(CallbackFrame frame, string function)
    {
        frame.Thread.Depth = frame.Level - 1;
        var failure = frame.Failure;
        if (failure is not null)
        {
            frame.Failure = null;
            Interlocked.Decrement(ref Failing);
            Throw(failure, function);
        }
        if (Volatile.Read(ref PendingCount) != 0) ThrowPending(function);
    }

    /// <summary>Ends tracking without throwing (an exception is already leaving the downcall).</summary>
    public static void Abandon(CallbackFrame frame)
    {
        frame.Thread.Depth = frame.Level - 1;
        if (frame.Failure is not null)
        {
            frame.Failure = null;
            Interlocked.Decrement(ref Failing);
        }
    }

    /// <summary>After an untracked downcall, when <see cref="PendingCount"/> is not zero: throws this thread's pending failure, if any.</summary>
    public static void ThrowPending(string function)
    {
        var t = CallbackThread.CurrentOrNull;
        if (t?.Pending is not { } failure) return;
        t.Pending = null;
        Interlocked.Decrement(ref PendingCount);
        Interlocked.Decrement(ref Failing);
        Throw(failure, function);
    }

    private static void Throw(CallbackFailure failure, string function)
    {
        if (failure.Exception is FfiCallbackException { IsStaleCall: true } stale) throw stale;
        throw new FfiCallbackException(function, failure.Callback, failure.Exception);
    }

    /// <summary>A callback threw: recorded for its downcall, left pending on the thread, or raised to its module's event.</summary>
    public static void Fail(CallbackSlot slot, Exception exception)
    {
        try
        {
            if (slot.Frame is { } frame) Record(frame, exception, slot.TypeName);
            else if (!RecordOnThread(exception, slot.TypeName)) slot.LastOwner?.CallbackState.RaiseFailed(exception, slot.TypeName, slot.Address);
        }
        catch
        {
            // Nothing may escape into C. RaiseFailed already isolates the handlers; this is the last guard.
        }
    }

    /// <summary>Whether a callback should return at once because its downcall (or its thread) already has a failure.</summary>
    public static bool ShouldSkip(CallbackSlot slot)
    {
        if (slot.Frame is { } frame) return frame.Failure is not null;
        var t = CallbackThread.CurrentOrNull;
        return t is not null && (t.Pending is not null || t.Depth > 0 && t.Frames[t.Depth]!.Failure is not null);
    }

    /// <summary>C called a released slot: counted, and reported like a failure (see <see cref="Fail"/>).</summary>
    public static void Stale(CallbackSlot slot)
    {
        try
        {
            slot.LastOwner?.CallbackState.CountStale();
            var error = new FfiCallbackException(slot.TypeName,
                $"C called the callback at 0x{slot.Address:x} ({slot.TypeName}) after it was released; it returned zero and no managed code ran");
            if (!RecordOnThread(error, slot.TypeName)) slot.LastOwner?.CallbackState.RaiseFailed(error, slot.TypeName, slot.Address);
        }
        catch
        {
            // Never into C.
        }
    }

    // A failure of a callback that belongs to no downcall: into the innermost tracked frame of this thread, or left
    // pending when managed code below is waiting for C. False when neither (a thread C started).
    private static bool RecordOnThread(Exception exception, string callback)
    {
        var t = CallbackThread.Current;
        if (t.Depth > 0)
        {
            Record(t.Frames[t.Depth]!, exception, callback);
            return true;
        }
        if (!ManagedCodeBelow()) return false;
        if (t.Pending is null)
        {
            t.Pending = new CallbackFailure(exception, callback);
            Interlocked.Increment(ref PendingCount);
            Interlocked.Increment(ref Failing);
        }
        return true;
    }

    // Whether the stack below the trampoline has managed frames (only walked when something failed).
    private static bool ManagedCodeBelow()
    {
        bool belowTrampoline = false;
        foreach (var frame in new System.Diagnostics.StackTrace(false).GetFrames())
        {
            var method = frame.GetMethod();
            if (belowTrampoline) return true;
            if (method?.DeclaringType is { Name: "Trampolines" } type && type.Assembly.IsDynamic) belowTrampoline = true;
        }
        return false;
    }

    private static void Record(CallbackFrame frame, Exception exception, string callback)
    {
        if (Interlocked.CompareExchange(ref frame.Failure, new CallbackFailure(exception, callback), null) is null)
            Interlocked.Increment(ref Failing);
    }

    // ---- what typed trampolines call ----

    /// <summary>A pointer argument as a <see cref="NativePointer"/> typed as the callback's parameter says.</summary>
    public static NativePointer PointerArgument(CallbackSlot slot, int index, nint address) =>
        (NativePointer)ScalarMemory.Read(slot.Type!.Parameters[index], (nint)(&address));

    /// <summary>A returned <see cref="NativePointer"/>'s address, tag-checked against the callback's return type.</summary>
    public static nint PointerResult(CallbackSlot slot, NativePointer p)
    {
        var t = slot.Type!.Return;
        return ScalarMemory.TagChecked(p, ScalarMemory.ExpectedTag(t), t.DisplayName, $"{slot.TypeName}: return");
    }

    // ---- the dynamic trampolines' dispatcher ----

    /// <summary>
    /// Runs a dynamic callback: reads the arguments from <paramref name="args"/> (laid out as the
    /// <see cref="Abi.ArgumentFrame"/> of the callback's plan), calls the handler or delegate, writes the result to
    /// <paramref name="ret"/> (zeroed by the trampoline). Never throws.
    /// </summary>
    public static void Dispatch(CallbackSlot slot, byte* args, byte* ret)
    {
        var target = slot.Target;
        if (target is null)
        {
            Stale(slot);
            return;
        }
        if (Failing != 0 && ShouldSkip(slot)) return;
        var type = slot.Type!;
        try
        {
            var offsets = slot.Pool.Frame.Offsets;
            var values = new object?[type.Parameters.Count];
            for (int i = 0; i < values.Length; i++) values[i] = ReadArgument(slot, type.Parameters[i], (nint)(args + offsets[i]));
            object? result = target switch
            {
                FfiCallbackHandler handler => handler(values),
                Func<object?[], object?> handler => handler(values),
                _ => DelegateConversion.Invoke((Delegate)target, type, values),
            };
            WriteResult(slot, type.Return, (nint)ret, result);
        }
        catch (Exception ex)
        {
            new Span<byte>(ret, checked((int)slot.Pool.Frame.ReturnBytes)).Clear();
            Fail(slot, ex);
        }
    }

    private static object? ReadArgument(CallbackSlot slot, CType type, nint at)
    {
        if (ScalarMemory.IsScalar(type)) return ScalarMemory.Read(type, at);
        // A by-value aggregate: a managed copy the callback may keep (GC-owned: nothing to free, no module block per
        // invocation); its Pointer moves it into the module's memory if the callback wants storage.
        return StructValue.Managed(slot.LastOwner!.Memory, type, (byte*)at);
    }

    private static void WriteResult(CallbackSlot slot, CType type, nint ret, object? value)
    {
        string where = $"{slot.TypeName}: return";
        switch (type)
        {
            case VoidType:
                return;
            case PointerType { IsCharPointer: true } when value is string:
                throw new FfiArgumentException(where, "a callback cannot return a string (nothing would own its memory); return a NativePointer to memory that outlives the call");
            case var _ when ScalarMemory.IsScalar(type):
                ScalarMemory.Write(type, ret, value, where);
                return;
            case var _ when value is not null && Binding.MappingRules.IsUnmanagedStruct(value.GetType()) && Marshal.SizeOf(value.GetType()) == type.Size:
                Marshal.StructureToPtr(value, ret, false);
                return;
            default:
                FfiMemory.WriteValue(type, ret, value, where);
                return;
        }
    }
}
