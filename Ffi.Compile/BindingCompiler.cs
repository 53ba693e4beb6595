using Ffi.Compile.TypeEmit;
using Ffi.Spec;
using Mono.Cecil;

namespace Ffi.Compile;

/// <summary>
/// Compiles a spec ahead of time into an assembly, with Mono.Cecil. This first part writes the spec's types: every
/// named struct and union as a blittable value type of exactly gcc's layout (bitfields as properties, arrays as
/// inline arrays), every enum as a .NET enum, every handle as a strongly typed struct, every function pointer type as
/// a delegate type, and a static class with the library name and the constants. The functions' stubs follow.
/// </summary>
/// <example>
/// <code>
/// var compiled = BindingCompiler.Compile(FfiSpec.Load("zlib.json"), new BindingOptions("Zlib"));
/// compiled.WriteTo("bin/ffi");   // Zlib.Bindings.dll and Zlib.Bindings.xml
/// </code>
/// </example>
public static class BindingCompiler
{
    /// <summary>Compiles <paramref name="spec"/>'s types into an assembly.</summary>
    /// <param name="spec">The spec.</param>
    /// <param name="options">The namespace, class and assembly names.</param>
    /// <returns>The assembly's bytes and XML documentation; the same spec and options give the same bytes.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="FfiCompileException">
    /// A type has no CLR counterpart, two spec names meet in one CLR name, or an option is not a valid CLR name; the
    /// message names the type (<c>types.NAME</c>) or the option.
    /// </exception>
    public static CompiledBindings Compile(FfiSpec spec, BindingOptions options)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        var ns = ClrNames.Validate("--namespace", options.Namespace, dotted: true);
        var className = ClrNames.Validate("--class", options.ClassName, dotted: false);
        var assemblyName = ClrNames.Validate("assembly name", options.EffectiveAssemblyName, dotted: true);
        try
        {
            using var assembly = AssemblyDefinition.CreateAssembly(new AssemblyNameDefinition(assemblyName, new Version(1, 0, 0, 0)), assemblyName + ".dll",
                new ModuleParameters { Kind = ModuleKind.Dll, Runtime = TargetRuntime.Net_4_0 });
            var docs = new DocFile();
            var types = new GeneratedTypes(assembly.MainModule, ns, docs);
            NativeClass.Define(types, spec, className);
            TypeDeclarations.DefineAll(types, spec);
            types.FillAggregates();
            using var pe = new MemoryStream();
            assembly.Write(pe, new WriterParameters { DeterministicMvid = true });
            return new CompiledBindings(assemblyName, pe.ToArray(), docs.ToXml(assemblyName));
        }
        catch (Exception ex) when (ex is not (FfiCompileException or OutOfMemoryException))
        {
            // A last line of defence, as for the spec reader: callers only ever see FfiCompileException.
            throw new FfiCompileException("$", $"internal error while compiling the spec ({ex.GetType().Name}: {ex.Message})");
        }
    }
}
