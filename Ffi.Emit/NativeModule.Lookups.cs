using System.Diagnostics.CodeAnalysis;
using Ffi.Spec;

namespace Ffi;

// The non-throwing lookups, and the one exception of the throwing ones for a name the spec does not declare.
public sealed partial class NativeModule
{
    /// <summary>
    /// Opens a module as <see cref="Open(FfiSpec, FfiOptions?)"/> does, returning the failure instead of throwing
    /// it: for a library that may not be installed.
    /// </summary>
    /// <param name="spec">A spec from <see cref="FfiSpec.Parse(string)"/> or <see cref="FfiSpec.Load"/>.</param>
    /// <param name="module">The module, when it opened.</param>
    /// <param name="error">Why it did not (an <see cref="FfiBindException"/>: a library or a symbol is missing; an
    /// <see cref="FfiDynamicCodeException"/> in a process that cannot generate code, such as a NativeAOT app).</param>
    /// <param name="options">Capabilities granted and errno capture; defaults grant nothing.</param>
    /// <returns>Whether the module opened.</returns>
    [RequiresDynamicCode(DynamicCode.Message)]
    [RequiresUnreferencedCode(DynamicCode.Message)]
    public static bool TryOpen(FfiSpec spec, [NotNullWhen(true)] out NativeModule? module, [NotNullWhen(false)] out FfiException? error,
        FfiOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        try
        {
            module = Open(spec, options);
            error = null;
            return true;
        }
        catch (FfiException ex)
        {
            module = null;
            error = ex;
            return false;
        }
    }

    /// <summary>Finds a declared function, callable dynamically.</summary>
    /// <param name="name">The function's name in the spec.</param>
    /// <param name="function">The function, when the spec declares it.</param>
    /// <returns>Whether the spec declares a function of that name.</returns>
    /// <exception cref="ObjectDisposedException">The module was disposed.</exception>
    public bool TryGetFunction(string name, [NotNullWhen(true)] out NativeFunction? function)
    {
        ThrowIfDisposed();
        function = FunctionObject(name);
        return function is not null;
    }

    /// <summary>Finds a declared global variable.</summary>
    /// <param name="name">The variable's name in the spec.</param>
    /// <param name="variable">The variable, when the spec declares it.</param>
    /// <returns>Whether the spec declares a variable of that name.</returns>
    /// <exception cref="ObjectDisposedException">The module was disposed.</exception>
    public bool TryGetVariable(string name, [NotNullWhen(true)] out NativeVariable? variable)
    {
        ThrowIfDisposed();
        variable = VariableObject(name);
        return variable is not null;
    }

    // The one object of a declared function, made on its first lookup (threads racing here may each build one: they are
    // equal and hold nothing yet, and one wins); null when the spec declares no such function.
    private NativeFunction? FunctionObject(string name)
    {
        var objects = _functionObjects ?? Interlocked.CompareExchange(ref _functionObjects, new(StringComparer.Ordinal), null) ?? _functionObjects;
        if (objects.TryGetValue(name, out var f)) return f;
        if (!Spec.TryGetFunction(name, out var spec)) return null;
        return objects.GetOrAdd(name, new NativeFunction(this, spec, _functions[name], Options.CaptureErrnoForAll));
    }

    private NativeVariable? VariableObject(string name)
    {
        var objects = _variableObjects ?? Interlocked.CompareExchange(ref _variableObjects, new(StringComparer.Ordinal), null) ?? _variableObjects;
        if (objects.TryGetValue(name, out var v)) return v;
        if (!Spec.TryGetVariable(name, out var spec)) return null;
        return objects.GetOrAdd(name, new NativeVariable(this, spec, _variables[name]));
    }

    // A class, not a value tuple: a cache keyed by a reference type runs the runtime's shared precompiled code, while a
    // tuple key makes the JIT compile the dictionary for it on a process's first call (docs/benchmarks.md, cold start).
    private sealed record TypedDelegateKey(string Name, Type Delegate);

    private FfiNameException NoFunction(string name) => FfiNameException.NotDeclared("function", name, Spec.Functions.Select(f => f.Name));

    private FfiNameException NoVariable(string name) => FfiNameException.NotDeclared("variable", name, Spec.Variables.Select(v => v.Name));
}
