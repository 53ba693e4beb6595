using Ffi.Abi;
using Ffi.Shapes;
using Ffi.Types;

namespace Ffi.Runtime;

/// <summary>
/// One call shape of a function, ready to run on the general dynamic path: its recipe, raw stub, target, C types,
/// messages' places and fast slots. Fields, not properties: the hot paths read them directly.
/// </summary>
internal sealed class PreparedCall(CallShape shape, RawCall stub, nint target, IReadOnlyList<CType> types, string name,
    bool hasAggregates, FastSlot[] slots, FastSlot returnSlot, int returnAlign, ICallbackHost callbacks)
{
    public readonly CallShape Shape = shape;
    public readonly CallPlan Plan = shape.Plan;
    public readonly ArgumentFrame Frame = shape.Frame;
    public readonly RawCall Stub = stub;
    public readonly nint Target = target;
    public readonly IReadOnlyList<CType> Types = types;
    private string[]? _where;
    public readonly bool HasAggregates = hasAggregates;
    public readonly FastSlot[] Slots = slots;
    public readonly FastSlot Return = returnSlot;
    public readonly int ReturnAlign = returnAlign;
    public readonly ICallbackHost Callbacks = callbacks;

    /// <summary>
    /// The place of an argument in messages, <c>f: param[1] (int)</c>. Written out on first use: a function's first
    /// call should not format a string per parameter for a message it may never show (docs/benchmarks.md, cold start).
    /// Threads racing here write equal arrays.
    /// </summary>
    public string Where(int index) => (_where ??= Places())[index];

    private string[] Places()
    {
        var where = new string[Types.Count];
        for (int i = 0; i < where.Length; i++) where[i] = $"{name}: param[{i}] ({Types[i].DisplayName})";
        return where;
    }
}
