using Ffi.Downcalls;
using Ffi.Runtime;
using Ffi.Shapes;
using Ffi.Spec;

namespace Ffi;

// What the module gives its stubs and callables: plans and recipes, emitted code, liveness, the checks before a call.
public sealed partial class NativeModule
{
    // A typed delegate needs no NativeFunction object: the spec, the address and errno capture are enough (one object
    // fewer per function bound; docs/benchmarks.md, cold start).
    private TDelegate CreateTyped<TDelegate>(string name) where TDelegate : Delegate
    {
        if (!Spec.TryGetFunction(name, out var spec)) throw NoFunction(name);
        return TypedStub.Create<TDelegate>(Context, Shapes, Stubs, spec, _functions[name], Options.CaptureErrnoForAll || spec.CapturesErrno,
            spec.IsTrivial ? TrivialPInvokes(spec) : static _ => null);
    }

    // In a method of its own: a lambda capturing `spec` in CreateTyped would allocate its closure at every call.
    private Func<CallShape, System.Reflection.MethodInfo?> TrivialPInvokes(FunctionSpec spec) => shape => PInvokeFor(spec, shape);

    /// <summary>Throws when the module was disposed or a capability of <paramref name="capabilities"/> was not granted.</summary>
    internal void CheckCallable(string symbol, IReadOnlyList<string> capabilities) => Context.CheckCallable(symbol, capabilities);

    /// <summary>Where every emitter of this module gets its call plans and recipes.</summary>
    internal CallShapes Shapes { get; }

    /// <summary>The last fixed call prepared on the dynamic paths, which the next function of its signature shares.</summary>
    internal NativeFunction.SharedPreparation? LastPrepared { get; set; }

    /// <summary>The module's emitted code, shared per call shape; made on the first call, not at Open.</summary>
    internal ModuleStubs Stubs => _stubs ?? Interlocked.CompareExchange(ref _stubs, new(), null) ?? _stubs;

    private ModuleStubs? _stubs;

    /// <summary>The raw stub of a function's call shape (functions with the same shape share it).</summary>
    internal RawCall StubFor(CallShape shape, NativeFunction function) =>
        Stubs.Raw(shape, function.Name, function.CapturesErrno, PInvokeFor(function.Spec, shape));

    /// <summary>The P/Invoke method a trivial function is called through (no GC transition); null for other functions.</summary>
    internal System.Reflection.MethodInfo? PInvokeFor(FunctionSpec function, CallShape shape) =>
        function.IsTrivial && !shape.Plan.IsVariadic
            ? Stubs.TrivialPInvoke(function.Name, _libraries[function.Library ?? Spec.Lib], shape)
            : null;

    /// <summary>The module's liveness, which stubs and callables hold instead of the module.</summary>
    internal Runtime.ModuleLifetime Lifetime { get; } = new();

    /// <summary>What stubs need of the module (liveness, grants, callbacks), so that nothing below the facade names it.</summary>
    internal ModuleContext Context { get; }

    internal nint VariadicThunkFor(nint target) => Lifetime.VariadicThunkFor(target);
}
