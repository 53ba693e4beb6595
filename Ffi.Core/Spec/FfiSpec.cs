using System.Diagnostics.CodeAnalysis;
using Ffi.Types;

namespace Ffi.Spec;

/// <summary>
/// A binding spec (format version "1"), read, resolved and laid out: the library, its named types with
/// their exact System V x86-64 layout, its functions and its variables. Immutable and thread-safe.
/// </summary>
/// <example>
/// <code>
/// var spec = FfiSpec.Parse("""
///   { "version": "1", "lib": "libz.so.1",
///     "functions": [ { "name": "zlibVersion", "ret": "string", "params": [], "ret_as_str": true } ] }
///   """);
/// Console.WriteLine(spec.Functions[0].Signature); // string zlibVersion()
/// </code>
/// </example>
public sealed partial class FfiSpec
{
    private readonly Dictionary<string, FunctionSpec> _functions;
    private readonly Dictionary<string, VariableSpec> _variables;

    private FfiSpec(string lib, TypeRegistry types, IReadOnlyList<FunctionSpec> functions, IReadOnlyList<VariableSpec> variables,
        IReadOnlyList<KeyValuePair<string, long>> constants, IReadOnlyList<string> notes)
    {
        Lib = lib;
        Constants = constants;
        Notes = notes;
        Types = types;
        Functions = functions;
        Variables = variables;
        _functions = new Dictionary<string, FunctionSpec>(functions.Count, StringComparer.Ordinal);
        foreach (var f in functions) _functions.Add(f.Name, f);
        _variables = new Dictionary<string, VariableSpec>(variables.Count, StringComparer.Ordinal);
        foreach (var v in variables) _variables.Add(v.Name, v);
    }

    /// <summary>The spec format version; always <c>"1"</c>.</summary>
    public string Version => "1";

    /// <summary>The library to load (<c>"lib"</c>): a soname, a file name or a path, as dlopen takes it.</summary>
    public string Lib { get; }

    /// <summary>The named types with their layouts (builtins included).</summary>
    public TypeRegistry Types { get; }

    /// <summary>The functions, in spec order.</summary>
    public IReadOnlyList<FunctionSpec> Functions { get; }

    /// <summary>The variables, in spec order.</summary>
    public IReadOnlyList<VariableSpec> Variables { get; }

    /// <summary>Finds a function by name.</summary>
    /// <param name="name">The symbol name.</param>
    /// <param name="function">The function, when declared.</param>
    /// <returns>Whether the spec declares the function.</returns>
    public bool TryGetFunction(string name, [NotNullWhen(true)] out FunctionSpec? function) => _functions.TryGetValue(name, out function);

    /// <summary>Finds a variable by name.</summary>
    /// <param name="name">The symbol name.</param>
    /// <param name="variable">The variable, when declared.</param>
    /// <returns>Whether the spec declares the variable.</returns>
    public bool TryGetVariable(string name, [NotNullWhen(true)] out VariableSpec? variable) => _variables.TryGetValue(name, out variable);

    /// <summary>Reads a spec from JSON text.</summary>
    /// <param name="json">The spec document.</param>
    /// <returns>The resolved spec.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is null.</exception>
    /// <exception cref="FfiSpecException">The spec is malformed; the message starts with the JSON path of the culprit.</exception>
    public static FfiSpec Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Guarded(() => Spec.SpecReader.Read(json));
    }

    /// <summary>Reads a spec from UTF-8 JSON bytes.</summary>
    /// <param name="utf8Json">The spec document as UTF-8.</param>
    /// <returns>The resolved spec.</returns>
    /// <exception cref="FfiSpecException">The spec is malformed; the message starts with the JSON path of the culprit.</exception>
    public static FfiSpec Parse(ReadOnlySpan<byte> utf8Json)
    {
        var copy = utf8Json.ToArray();
        return Guarded(() => Spec.SpecReader.Read(copy));
    }

    /// <summary>Reads a spec from a JSON file.</summary>
    /// <param name="path">The file's path.</param>
    /// <returns>The resolved spec.</returns>
    /// <exception cref="FfiSpecException">The spec is malformed; the message starts with the JSON path of the culprit.</exception>
    /// <exception cref="IOException">The file cannot be read (for example <see cref="FileNotFoundException"/>).</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    public static FfiSpec Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var utf8 = File.ReadAllBytes(path); // read once, not copied again (Parse of a span must copy)
        return Guarded(() => Spec.SpecReader.Read(utf8));
    }

    /// <summary>Reads a spec from JSON text, reporting a malformed spec without throwing.</summary>
    /// <param name="json">The spec document.</param>
    /// <param name="spec">The resolved spec, on success.</param>
    /// <param name="error">What is wrong and where, on failure.</param>
    /// <returns>Whether the spec is valid.</returns>
    public static bool TryParse(string json, [NotNullWhen(true)] out FfiSpec? spec, [NotNullWhen(false)] out FfiSpecException? error) =>
        TryRead(() => Parse(json), out spec, out error);

    // The Try form of a reader: its spec, or its FfiSpecException.
    private static bool TryRead(Func<FfiSpec> read, [NotNullWhen(true)] out FfiSpec? spec, [NotNullWhen(false)] out FfiSpecException? error)
    {
        try
        {
            spec = read();
            error = null;
            return true;
        }
        catch (FfiSpecException ex)
        {
            spec = null;
            error = ex;
            return false;
        }
    }

    private static FfiSpec Guarded(Func<RawSpec> read)
    {
        try
        {
            return Resolve(read(), []);
        }
        catch (FfiSpecException)
        {
            throw;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A last line of defence: whatever the input, callers only ever see FfiSpecException. The fuzz
            // tests assert this never fires, so a message containing "internal error" is a bug to fix.
            throw new FfiSpecException("$", $"internal error while reading the spec ({ex.GetType().Name}: {ex.Message})", ex);
        }
    }

    private static FfiSpec Resolve(RawSpec raw, IReadOnlyList<string> notes)
    {
        var resolver = new TypeResolver(raw.Types);
        var types = resolver.ResolveAll(raw.CSpellings);

        var functions = new List<FunctionSpec>(raw.Functions.Count);
        IReadOnlyList<TypeSyntax>? lastParams = null;
        CType[] lastTypes = [];
        string[] lastNames = [];
        foreach (var f in raw.Functions)
        {
            var ret = resolver.ResolveSignature(f, -1);
            if (ret is ArrayType) throw new FfiSpecException(f.Path.Key(": ", "ret"), "a C function cannot return an array; return a pointer or a struct");
            if (ret.Size > FunctionSpec.MaxByValueSize) TypeResolver.RequireByValueSize(ret, f.Path.Key(": ", "ret")); // paths are made only for a message
            CType[] ps;
            string[] names;
            if (ReferenceEquals(f.Params, lastParams))
            {
                // The reader shares one parameter list among functions of one signature in a row: they resolve alike,
                // and share the (never written) arrays too (docs/benchmarks.md, cold start).
                (ps, names) = (lastTypes, lastNames);
            }
            else
            {
                ps = new CType[f.Params.Count];
                for (int i = 0; i < ps.Length; i++)
                {
                    ps[i] = resolver.ResolveSignature(f, i);
                    if (!TypeResolver.IsParameter(ps[i])) TypeResolver.RequireParameter(ps[i], f.PathOf(i));
                }
                names = new string[ps.Length];
                for (int i = 0; i < names.Length; i++) names[i] = TypeResolver.WrittenName(f.Params[i]) ?? ps[i].DisplayName;
                (lastParams, lastTypes, lastNames) = (f.Params, ps, names);
            }
            if (f.Trivial && Array.FindIndex(ps, p => p is FuncPtrType) is var fp and >= 0)
                throw new FfiSpecException($"{f.Path}: trivial", $"a trivial function cannot take a function pointer (param[{fp}]): a managed callback during a call without the GC transition would bring the runtime down");
            if (f.RetAsStr && !IsCharPointer(ret))
                throw new FfiSpecException($"{f.Path}: ret_as_str", $"only valid on a char* or unsigned char* return, not {ret.DisplayName}");
            functions.Add(new FunctionSpec(f.Name, ret, TypeResolver.WrittenName(f.Ret) ?? ret.DisplayName, ps, names,
                f.Variadic, f.Lib, f.Doc, f.RetAsStr, f.Errno, f.Caps, f.Trivial));
        }

        var variables = new List<VariableSpec>(raw.Variables.Count);
        foreach (var v in raw.Variables)
        {
            var t = resolver.Resolve(v.Type);
            if (t is VoidType) throw new FfiSpecException(v.Type.Path, "a variable cannot have type void");
            variables.Add(new VariableSpec(v.Name, t, v.Lib, v.Doc, v.Caps));
        }
        // A loop, not LINQ over tuples: generic code over value types, compiled by the JIT on a process's first spec.
        var constants = new KeyValuePair<string, long>[raw.Constants?.Count ?? 0];
        for (int i = 0; i < constants.Length; i++) constants[i] = KeyValuePair.Create(raw.Constants![i].Name, raw.Constants[i].Value);
        return new FfiSpec(raw.Lib, types, functions, variables, constants, notes);
    }

    private static bool IsCharPointer(CType t) => t switch
    {
        PointerType p => p.IsCharPointer,
        HandleType h => IsCharPointer(h.Rep),
        _ => false,
    };
}
