using System.Runtime.InteropServices;
using Ffi.Binding;
using Ffi.Memory;
using Ffi.Runtime;
using Ffi.Types;
using Ffi.Values;

namespace Ffi.Callbacks;

/// <summary>
/// What trampolines call when a callback fails or is called after its release, and the dynamic trampolines'
/// dispatcher. Failures go where <see cref="CallbackFrames"/> says. Nothing here may throw into a trampoline's
/// caller: every entry point used from a trampoline catches.
/// </summary>
internal static unsafe class CallbackRuntime
{
    /// <summary>A callback threw: recorded for its downcall, left pending on the thread, or raised to its module's event.</summary>
    public static void Fail(CallbackSlot slot, Exception exception)
    {
        try
        {
            if (slot.Frame is { } frame) CallbackFrames.Record(frame, exception, slot.TypeName);
            else if (!CallbackFrames.RecordOnThread(exception, slot.TypeName)) slot.LastOwner?.RaiseFailed(exception, slot.TypeName, slot.Address);
        }
        catch
        {
            // Nothing may escape into C. RaiseFailed already isolates the handlers; this is the last guard.
        }
    }

    /// <summary>C called a released slot: counted, and reported like a failure (see <see cref="Fail"/>).</summary>
    public static void Stale(CallbackSlot slot)
    {
        try
        {
            slot.LastOwner?.CountStale();
            var error = new FfiCallbackException(slot.TypeName,
                $"C called the callback at 0x{slot.Address:x} ({slot.TypeName}) after it was released; it returned zero and no managed code ran");
            if (!CallbackFrames.RecordOnThread(error, slot.TypeName)) slot.LastOwner?.RaiseFailed(error, slot.TypeName, slot.Address);
        }
        catch
        {
            // Never into C.
        }
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
        if (CallbackFrames.Failing != 0 && CallbackFrames.ShouldSkip(slot)) return;
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
