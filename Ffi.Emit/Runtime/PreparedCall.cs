using Ffi.Abi;
using Ffi.Shapes;
using Ffi.Types;

namespace Ffi.Runtime;

/// <summary>
/// One call shape of a function, ready to run on the general dynamic path: its recipe, raw stub, target, C types,
/// messages' places and fast slots. Fields, not properties: the hot paths read them directly.
/// </summary>
internal sealed class PreparedCall(CallShape shape, RawCall stub, nint target, IReadOnlyList<CType> types, string[] where,
    bool hasAggregates, FastSlot[] slots, FastSlot returnSlot, int returnAlign, ICallbackHost callbacks)
{
    public readonly CallShape Shape = shape;
    public readonly CallPlan Plan = shape.Plan;
    public readonly ArgumentFrame Frame = shape.Frame;
    public readonly RawCall Stub = stub;
    public readonly nint Target = target;
    public readonly IReadOnlyList<CType> Types = types;
    public readonly string[] Where = where;
    public readonly bool HasAggregates = hasAggregates;
    public readonly FastSlot[] Slots = slots;
    public readonly FastSlot Return = returnSlot;
    public readonly int ReturnAlign = returnAlign;
    public readonly ICallbackHost Callbacks = callbacks;
}
