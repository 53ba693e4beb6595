using Ffi.Memory;
using Ffi.Native;
using Ffi.Spec;
using Ffi.Types;

namespace Ffi;

/// <summary>
/// A C library bound from a spec: its libraries loaded (each once), every declared function and variable
/// resolved, its types, and its memory toolbox. Dispose releases the memory it owns and closes the
/// libraries; every use afterwards throws <see cref="ObjectDisposedException"/>.
/// </summary>
/// <example>
/// <code>
/// using var z = NativeModule.Open(FfiSpec.Load("zlib.json"));
/// var stream = z.Memory.Box("z_stream", new { avail_in = 0u });
/// Console.WriteLine(z.Memory.SizeOf("z_stream"));   // 112
/// </code>
/// </example>
public sealed class NativeModule : IDisposable
{
    private readonly Dictionary<string, nint> _libraries;
    private readonly Dictionary<string, nint> _functions;
    private readonly Dictionary<string, nint> _variables;
    private readonly FfiMemory _memory;
    private int _disposed;

    private NativeModule(FfiSpec spec, Dictionary<string, nint> libraries, Dictionary<string, nint> functions, Dictionary<string, nint> variables)
    {
        Spec = spec;
        _libraries = libraries;
        _functions = functions;
        _variables = variables;
        _memory = new FfiMemory(spec.Types, spec.Lib);
    }

    /// <summary>
    /// Loads the spec's libraries (the document's <c>lib</c> and every per-symbol override, each once) and
    /// resolves every function and variable.
    /// </summary>
    /// <param name="spec">A spec from <see cref="FfiSpec.Parse(string)"/> or <see cref="FfiSpec.Load"/>.</param>
    /// <exception cref="FfiBindException">A library cannot be loaded (the message says what was tried) or a symbol is missing.</exception>
    public static NativeModule Open(FfiSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var libraries = new Dictionary<string, nint>(StringComparer.Ordinal);
        var functions = new Dictionary<string, nint>(StringComparer.Ordinal);
        var variables = new Dictionary<string, nint>(StringComparer.Ordinal);
        try
        {
            nint Library(string? name)
            {
                name ??= spec.Lib;
                if (!libraries.TryGetValue(name, out var h)) libraries[name] = h = LibraryLoader.Load(name);
                return h;
            }
            Library(spec.Lib);
            foreach (var f in spec.Functions)
                functions[f.Name] = LibraryLoader.GetExport(Library(f.Library), f.Library ?? spec.Lib, f.Name);
            foreach (var v in spec.Variables)
                variables[v.Name] = LibraryLoader.GetExport(Library(v.Library), v.Library ?? spec.Lib, v.Name);
            return new NativeModule(spec, libraries, functions, variables);
        }
        catch
        {
            foreach (var h in libraries.Values) LibraryLoader.Free(h);
            throw;
        }
    }

    /// <summary>The spec the module was opened from.</summary>
    public FfiSpec Spec { get; }

    /// <summary>The document's library name (<c>lib</c>).</summary>
    public string Library => Spec.Lib;

    /// <summary>The dlopen handle of the document's library.</summary>
    /// <exception cref="ObjectDisposedException">The module was disposed.</exception>
    public nint Handle
    {
        get
        {
            ThrowIfDisposed();
            return _libraries[Spec.Lib];
        }
    }

    /// <summary>The named types with their layouts.</summary>
    public TypeRegistry Types => Spec.Types;

    /// <summary>The declared functions with their signatures and docs.</summary>
    public IReadOnlyList<FunctionSpec> Functions => Spec.Functions;

    /// <summary>The declared variables.</summary>
    public IReadOnlyList<VariableSpec> Variables => Spec.Variables;

    /// <summary>The memory toolbox over the module's types; what it allocates is freed when the module is disposed.</summary>
    /// <exception cref="ObjectDisposedException">The module was disposed.</exception>
    public FfiMemory Memory
    {
        get
        {
            ThrowIfDisposed();
            return _memory;
        }
    }

    /// <summary>The address of a declared function.</summary>
    /// <exception cref="KeyNotFoundException">The spec declares no such function.</exception>
    /// <exception cref="ObjectDisposedException">The module was disposed.</exception>
    public nint GetFunctionAddress(string name)
    {
        ThrowIfDisposed();
        return _functions.TryGetValue(name, out var p) ? p
            : throw new KeyNotFoundException($"the spec declares no function \"{name}\"");
    }

    /// <summary>A pointer to a declared variable, typed as the variable (not bounds-checked: the library owns it).</summary>
    /// <exception cref="KeyNotFoundException">The spec declares no such variable.</exception>
    /// <exception cref="ObjectDisposedException">The module was disposed.</exception>
    public NativePointer GetVariableAddress(string name)
    {
        ThrowIfDisposed();
        if (!Spec.TryGetVariable(name, out var v)) throw new KeyNotFoundException($"the spec declares no variable \"{name}\"");
        return NativePointer.FromAddress(_variables[name], v.Type);
    }

    /// <summary>Frees the memory the module owns and closes its libraries. Idempotent.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _memory.Dispose();
        foreach (var h in _libraries.Values) LibraryLoader.Free(h);
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
