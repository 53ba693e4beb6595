using Ffi.Downcalls;
using Ffi.Runtime;
using Ffi.Shapes;

namespace Ffi;

// What the module gives its stubs and callables: plans and recipes, emitted code, liveness, the checks before a call.
public sealed partial class NativeModule
{
    private TDelegate CreateTyped<TDelegate>(string name) where TDelegate : Delegate
    {
        var f = Function(name);
        return TypedStub.Create<TDelegate>(Context, Shapes, Stubs, f.Spec, f.Address, f.CapturesErrno, shape => PInvokeFor(f, shape));
    }

    /// <summary>Throws when the module was disposed or a capability of <paramref name="capabilities"/> was not granted.</summary>
    internal void CheckCallable(string symbol, IReadOnlyList<string> capabilities) => Context.CheckCallable(symbol, capabilities);

    /// <summary>Where every emitter of this module gets its call plans and recipes.</summary>
    internal CallShapes Shapes { get; }

    /// <summary>The module's emitted code, shared per call shape; made on the first call, not at Open.</summary>
    internal ModuleStubs Stubs => _stubs ?? Interlocked.CompareExchange(ref _stubs, new(), null) ?? _stubs;

    private ModuleStubs? _stubs;

    /// <summary>The raw stub of a function's call shape (functions with the same shape share it).</summary>
    internal RawCall StubFor(CallShape shape, NativeFunction function) =>
        Stubs.Raw(shape, function.Name, function.CapturesErrno, PInvokeFor(function, shape));

    /// <summary>The P/Invoke method a trivial function is called through (no GC transition); null for other functions.</summary>
    internal System.Reflection.MethodInfo? PInvokeFor(NativeFunction function, CallShape shape) =>
        function.Spec.IsTrivial && !shape.Plan.IsVariadic
            ? Stubs.TrivialPInvoke(function.Name, _libraries[function.Spec.Library ?? Spec.Lib], shape)
            : null;

    /// <summary>The module's liveness, which stubs and callables hold instead of the module.</summary>
    internal Runtime.ModuleLifetime Lifetime { get; } = new();

    /// <summary>What stubs need of the module (liveness, grants, callbacks), so that nothing below the facade names it.</summary>
    internal ModuleContext Context { get; }

    internal nint VariadicThunkFor(nint target) => Lifetime.VariadicThunkFor(target);
}
