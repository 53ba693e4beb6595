using System.Collections.Concurrent;
using Ffi.Abi;
using Ffi.Types;

namespace Ffi.Shapes;

/// <summary>
/// The one place a module plans and lowers calls: every emitter (typed stubs, the dynamic path, trampolines) asks
/// here, so a signature is classified once and every stub of it executes the same recipe. Thread-safe; a signature
/// that cannot be lowered throws each time it is asked for and is never cached.
/// </summary>
internal sealed class CallShapes(string library)
{
    // Made on the first call, not when the module opens (docs/benchmarks.md, cold start).
    private ConcurrentDictionary<CallSignature, CallShape>? _shapes;

    /// <summary>The shape of a call.</summary>
    /// <param name="returnType">The return type.</param>
    /// <param name="parameters">The fixed parameters, then any variadic extras (already promoted).</param>
    /// <param name="fixedCount">For a variadic call, the number of fixed parameters; otherwise null.</param>
    /// <param name="symbol">The function, for messages.</param>
    /// <exception cref="FfiBindException">A by-value aggregate no register carrier expresses.</exception>
    public CallShape For(CType returnType, CType[] parameters, int? fixedCount, string symbol)
    {
        var key = new CallSignature(returnType, parameters, fixedCount);
        var shapes = _shapes ?? Interlocked.CompareExchange(ref _shapes, new(), null) ?? _shapes;
        if (shapes.TryGetValue(key, out var shape)) return shape;
        var plan = SysVCallPlanner.Plan(returnType, parameters, fixedCount);
        shape = new CallShape(plan, SysVLowering.Lower(plan, library, symbol), ArgumentFrame.For(plan));
        return shapes.GetOrAdd(key, shape);
    }
}
