using Ffi.Compile.CallbackEmit;
using Ffi.Compile.FunctionEmit;
using Ffi.Compile.Il;
using Ffi.Compile.TypeEmit;
using Ffi.Spec;
using Mono.Cecil;

namespace Ffi.Compile;

/// <summary>
/// Compiles a spec ahead of time into an assembly, with Mono.Cecil: every named struct and union as a blittable value
/// type of exactly gcc's layout (bitfields as properties, arrays as inline arrays), every enum as a .NET enum, every
/// handle as a strongly typed struct, every function pointer type as a delegate type, and a static class with the
/// library name, the constants, a static property per variable and one static method per function, whose body the engine's own emitters write
/// (the same recipes and marshallers as <c>GetFunction&lt;T&gt;</c>, through the IL writer's Cecil sink).
/// </summary>
/// <remarks>
/// Two phases: the types (and the class's cells) are written and loaded into a collectible load context first, so the
/// emitters, which take <see cref="System.Type"/>s, work with real types; then the same assembly is written again with
/// the methods, every operand mapped back to what is being written (<see cref="CecilOperands"/>).
/// </remarks>
/// <example>
/// <code>
/// var compiled = BindingCompiler.Compile(FfiSpec.Load("zlib.json"), new BindingOptions("Zlib"));
/// compiled.WriteTo("bin/ffi");   // Zlib.Bindings.dll and Zlib.Bindings.xml; user code calls Zlib.Native.compress(…)
/// </code>
/// </example>
public static class BindingCompiler
{
    /// <summary>Compiles <paramref name="spec"/> into an assembly.</summary>
    /// <param name="spec">The spec.</param>
    /// <param name="options">The namespace, class and assembly names.</param>
    /// <returns>The assembly's bytes and XML documentation; the same spec and options give the same bytes.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="FfiCompileException">
    /// A type or function has no CLR counterpart, two spec names meet in one CLR name, or an option is not a valid CLR
    /// name, or <see cref="BindingOptions.CallbackSlots"/> is out of range; the message names the type (<c>types.NAME</c>),
    /// the function (<c>functions.NAME</c>) or the option.
    /// </exception>
    public static CompiledBindings Compile(FfiSpec spec, BindingOptions options)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        var ns = ClrNames.Validate("--namespace", options.Namespace, dotted: true);
        var className = ClrNames.Validate("--class", options.ClassName, dotted: false);
        var assemblyName = ClrNames.Validate("assembly name", options.EffectiveAssemblyName, dotted: true);
        CallbackPools.CheckSlots(options.CallbackSlots);
        try
        {
            var functions = spec.Functions.ToList();
            var (types, typesDoc) = Write(spec, ns, className, assemblyName, functions, options.CallbackSlots, loaded: null);
            if (functions.Count == 0 && spec.Variables.Count == 0) return new CompiledBindings(assemblyName, types, typesDoc);
            using var loaded = new LoadedTypes(types);
            var (assembly, doc) = Write(spec, ns, className, assemblyName, functions, options.CallbackSlots, loaded);
            return new CompiledBindings(assemblyName, assembly, doc);
        }
        catch (Exception ex) when (ex is not (FfiCompileException or OutOfMemoryException))
        {
            // A last line of defence, as for the spec reader: callers only ever see FfiCompileException.
            throw new FfiCompileException("$", $"internal error while compiling the spec ({ex.GetType().Name}: {ex.Message})");
        }
    }

    // One phase: the types and the class; with the first phase loaded, the functions' methods and the variables' properties too.
    private static (byte[] Assembly, string Doc) Write(FfiSpec spec, string ns, string className, string assemblyName, List<FunctionSpec> functions,
        int callbackSlots, LoadedTypes? loaded)
    {
        using var assembly = AssemblyDefinition.CreateAssembly(new AssemblyNameDefinition(assemblyName, new Version(1, 0, 0, 0)), assemblyName + ".dll",
            // A fixed PE timestamp: Cecil stamps the current time otherwise, and the deterministic MVID hashes it, so two
            // compiles a second apart gave different bytes.
            new ModuleParameters { Kind = ModuleKind.Dll, Runtime = TargetRuntime.Net_4_0, Timestamp = 0 });
        var docs = new DocFile();
        var types = new GeneratedTypes(assembly.MainModule, ns, docs);
        var native = NativeClass.Define(types, spec, className);
        TypeDeclarations.DefineAll(types, spec);
        types.FillAggregates();
        if (functions.Count > 0 || spec.Variables.Count > 0)
        {
            var operands = new CecilOperands(types.Module, loaded?.Assembly, new CarrierCopies(types.Module, ns, types.Bcl.ValueType));
            var support = NativeSupport.Define(types, operands, native, spec, functions);
            var callbacks = CallbackPools.Define(types, operands, native, spec, callbackSlots);
            if (loaded is not null)
            {
                FunctionEmitter.DefineAll(types, operands, loaded, native, support, spec, callbacks);
                VariableEmitter.DefineAll(types, operands, native, support);
                CallbackEmitter.DefineAll(types, operands, loaded, native, callbacks, spec);
            }
        }
        using var pe = new MemoryStream();
        assembly.Write(pe, new WriterParameters { DeterministicMvid = true });
        return (pe.ToArray(), docs.ToXml(assemblyName));
    }
}
