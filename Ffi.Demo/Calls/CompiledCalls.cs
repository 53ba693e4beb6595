using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Loader;
using Ffi.Compile;
using Ffi.Interop;
using Ffi.Memory;
using Ffi.Spec;

namespace Ffi.Demo.Calls;

/// <summary>
/// The closed world behind <c>ffi batch SPEC --compiled</c>: the spec compiled into a bindings assembly by
/// <see cref="BindingCompiler"/> (what <c>ffi compile</c> writes), loaded into the process, and every request's call
/// made through that assembly's static method for the function (<see cref="CompiledFunction"/>).
/// </summary>
/// <remarks>
/// Everything around the call is the run-time path's, so that both paths print the same line for the same request:
/// the JSON is converted by <see cref="JsonArguments"/>, storage comes from the module, each value is written as the C
/// type with the engine's rules and messages, and the result is read as the run-time path reads it. A line that
/// differs between the two paths is then a difference between a compiled stub and a run-time one.
/// </remarks>
internal sealed class CompiledCalls
{
    /// <summary>The namespace of the assembly compiled for a batch.</summary>
    public const string Namespace = "FfiBatch";

    private readonly Type _native;
    private readonly CapabilityGate? _gate;
    private readonly ConcurrentDictionary<string, CompiledFunction> _functions = new(StringComparer.Ordinal);

    private CompiledCalls(Type native, CapabilityGate? gate)
    {
        _native = native;
        _gate = gate;
    }

    /// <summary>Compiles <paramref name="spec"/>, loads the assembly and grants it the capabilities in <paramref name="grants"/> that the spec names.</summary>
    /// <exception cref="FfiCompileException">The spec has a shape the compiler refuses; the subject names it.</exception>
    public static CompiledCalls Compile(FfiSpec spec, IReadOnlySet<string> grants)
    {
        var options = new BindingOptions(Namespace);
        var compiled = BindingCompiler.Compile(spec, options);
        // A context of its own: the process may already hold an assembly of the same name (a test host running several batches).
        var context = new AssemblyLoadContext($"ffi-batch-{Guid.NewGuid():N}");
        var assembly = context.LoadFromStream(new MemoryStream(compiled.Assembly));
        var native = assembly.GetType($"{Namespace}.{options.ClassName}", throwOnError: true)!;
        var gate = native.GetField("Capabilities", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as CapabilityGate;
        if (gate is not null)
            foreach (var name in gate.Names.Where(grants.Contains)) gate.Grant(name);
        return new CompiledCalls(native, gate);
    }

    /// <summary>
    /// Calls <paramref name="function"/> through its compiled method with <paramref name="values"/>, the values the run-time
    /// path's <see cref="NativeFunction.Invoke(object?[])"/> takes; returns the result as that method would.
    /// </summary>
    /// <exception cref="FfiException">A capability, a conversion or the call failed, as on the run-time path.</exception>
    public object? Invoke(NativeFunction function, object?[] values, FfiMemory memory)
    {
        var spec = function.Spec;
        // The run-time path checks capabilities before anything else, naming the first missing one in the function's order.
        if (_gate is not null)
            foreach (var cap in spec.Capabilities) _gate.Demand(1L << IndexOf(_gate, cap), spec.Name);
        var compiled = _functions.GetOrAdd(spec.Name, static (_, a) => new CompiledFunction(a.Native, a.Function.Spec), (Native: _native, Function: function));
        return compiled.Invoke(function, values, memory);
    }

    private static int IndexOf(CapabilityGate gate, string capability)
    {
        for (int i = 0; i < gate.Names.Count; i++)
            if (gate.Names[i] == capability) return i;
        throw new InvalidOperationException($"the compiled gate does not name the capability \"{capability}\"");
    }
}
