using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Ffi.Memory;
using Ffi.Runtime;
using Ffi.Types;
using Ffi.Values;

namespace Ffi;

// Reading a call's result from the return buffer: as the object API's value, or as an FfiValue (an aggregate of at
// most 16 bytes held inline, a larger one as a managed copy).
public sealed unsafe partial class NativeFunction : IDynamicFallback
{
    // The emitted invokers' results that are not built inline (pointers, strings).
    FfiValue IDynamicFallback.ValueResult(byte* ret) => ReadResult(_fixedPreparedCall!, ret);
    object? IDynamicFallback.ObjectResult(byte* ret) => ReadReturn((nint)ret);
    FfiValue IDynamicFallback.GeneralValues(ReadOnlySpan<FfiValue> args) => InvokeGeneral(args);
    object? IDynamicFallback.GeneralObjects(object?[] args) => InvokeGeneral(args);

    private object? ReadReturn(nint ret)
    {
        var t = Spec.ReturnType;
        if (Spec.ReturnsString) return ReadString(ret);
        if (t is VoidType) return null;
        if (ScalarMemory.IsScalar(t)) return ScalarMemory.Read(t, ret);
        return ReadAggregate(ret);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private FfiValue ReadResult(PreparedCall prepared, byte* ret)
    {
        if (_returnsString) return FfiValue.FromString(ReadString((nint)ret));
        ref readonly var slot = ref prepared.Return;
        if (slot.Kind == SlotKind.Void) return default;
        if (slot.Kind is SlotKind.Aggregate || (slot.Kind == SlotKind.General && !ScalarMemory.IsScalar(slot.Type)))
        {
            if (slot.Type.Size is > 0 and <= FfiValue.MaxInlineAggregate)
            {
                var origin = _resultOrigin;
                if (origin?.Type != slot.Type) _resultOrigin = origin = new AggregateOrigin(slot.Type, _module.Memory);
                return FfiValue.InlineAggregate(origin, ret);
            }
            return ReadAggregate((nint)ret);
        }
        return slot.Read(ret);
    }

    private static string? ReadString(nint ret)
    {
        var p = *(nint*)ret;
        return p == 0 ? null : Marshal.PtrToStringUTF8(p);
    }

    // A managed copy of the returned aggregate: the garbage collector owns it, so a loop of calls stays flat.
    private StructValue ReadAggregate(nint ret) => StructValue.Managed(_module.Memory, Spec.ReturnType, (byte*)ret);
}
