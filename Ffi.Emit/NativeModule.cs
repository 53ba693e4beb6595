using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Ffi.Abi;
using Ffi.Downcalls;
using Ffi.Memory;
using Ffi.Native;
using Ffi.Runtime;
using Ffi.Shapes;
using Ffi.Spec;
using Ffi.Types;

namespace Ffi;

/// <summary>
/// A C library bound from a spec: its libraries loaded (each once), every declared function and variable
/// resolved, its types, and its memory toolbox. Dispose releases the memory it owns and stops the module: every use
/// afterwards throws <see cref="ObjectDisposedException"/>, while calls already running finish. Its libraries are
/// closed once nothing taken from the module (delegates, functions, callables) is reachable any more.
/// </summary>
/// <example>
/// <code>
/// using var z = NativeModule.Open(FfiSpec.Load("zlib.json"));
/// var stream = z.Memory.Box("z_stream", new { avail_in = 0u });
/// Console.WriteLine(z.Memory.SizeOf("z_stream"));   // 112
/// </code>
/// </example>
public sealed partial class NativeModule : IDisposable
{
    private readonly Dictionary<string, nint> _libraries;
    private readonly Dictionary<string, nint> _functions;
    private readonly Dictionary<string, nint> _variables;
    private readonly FfiMemory _memory;
    // Made on first lookup, not at Open: a spec of thousands of functions opens without an object per function, and
    // a module nothing is called from never builds these caches (docs/benchmarks.md, cold start).
    private ConcurrentDictionary<string, NativeFunction>? _functionObjects;
    private ConcurrentDictionary<string, NativeVariable>? _variableObjects;
    private ConcurrentDictionary<TypedDelegateKey, Delegate>? _typed;
    private readonly CallbackRegistry _callbacks;
    private int _disposed;

    private NativeModule(FfiSpec spec, FfiOptions options, Dictionary<string, nint> libraries, Dictionary<string, nint> functions, Dictionary<string, nint> variables)
    {
        Spec = spec;
        Options = options;
        _libraries = libraries;
        _functions = functions;
        _variables = variables;
        _memory = new FfiMemory(spec.Types, spec.Lib);
        Shapes = new CallShapes(spec.Lib);
        _callbacks = new CallbackRegistry(this);
        Context = new ModuleContext(spec.Lib, GetType().FullName!, Lifetime, options.Grants, _callbacks);
        var handles = new nint[libraries.Count];
        int i = 0;
        foreach (var library in libraries) handles[i++] = library.Value;
        Lifetime.Own(handles);
    }

    /// <summary>
    /// Loads the spec's libraries (the document's <c>lib</c> and every per-symbol override, each once) and
    /// resolves every function and variable.
    /// </summary>
    /// <param name="spec">A spec from <see cref="FfiSpec.Parse(string)"/> or <see cref="FfiSpec.Load"/>.</param>
    /// <param name="options">Capabilities granted and errno capture; defaults grant nothing.</param>
    /// <exception cref="FfiBindException">A library cannot be loaded (the message says what was tried) or a symbol is missing.</exception>
    /// <exception cref="FfiDynamicCodeException">The process cannot generate code at run time (NativeAOT): use compiled bindings.</exception>
    [RequiresDynamicCode(DynamicCode.Message)]
    [RequiresUnreferencedCode(DynamicCode.Message)]
    public static NativeModule Open(FfiSpec spec, FfiOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        DynamicCode.EnsureSupported("NativeModule.Open");
        options ??= new FfiOptions();
        var libraries = new Dictionary<string, nint>(StringComparer.Ordinal);
        var functions = new Dictionary<string, nint>(spec.Functions.Count, StringComparer.Ordinal); // sized once: no rehash
        var variables = new Dictionary<string, nint>(spec.Variables.Count, StringComparer.Ordinal);
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
                functions[f.Name] = LibraryLoader.GetFunctionExport(Library(f.Library), f.Library ?? spec.Lib, f.Name);
            foreach (var v in spec.Variables)
                variables[v.Name] = LibraryLoader.GetExport(Library(v.Library), v.Library ?? spec.Lib, v.Name);
            return new NativeModule(spec, options, libraries, functions, variables);
        }
        catch
        {
            foreach (var h in libraries.Values) LibraryLoader.Free(h);
            throw;
        }
    }

    /// <summary>
    /// Binds C declarations in one line, for scripts:
    /// <c>NativeModule.Open("libc.so.6", "int abs(int); size_t strlen(const char *s);")</c>. The declarations are read
    /// by <see cref="FfiSpec.ParseC(string, string, string)"/> (docs/c-declarations.md), then opened as <see cref="Open(FfiSpec, FfiOptions?)"/> does.
    /// </summary>
    /// <param name="lib">The library: a soname, file name or path, as dlopen takes it.</param>
    /// <param name="declarations">C declarations: prototypes, typedefs, structs, enums, variables.</param>
    /// <param name="options">Capabilities granted and errno capture; defaults grant nothing.</param>
    /// <exception cref="FfiSpecException">The declarations are malformed (<c>file:line:column</c>, the line and a caret).</exception>
    /// <exception cref="FfiBindException">The library cannot be loaded or a symbol is missing.</exception>
    /// <exception cref="FfiDynamicCodeException">The process cannot generate code at run time (NativeAOT): use compiled bindings.</exception>
    [RequiresDynamicCode(DynamicCode.Message)]
    [RequiresUnreferencedCode(DynamicCode.Message)]
    public static NativeModule Open(string lib, string declarations, FfiOptions? options = null)
    {
        DynamicCode.EnsureSupported("NativeModule.Open");
        return Open(FfiSpec.ParseC(declarations, lib), options);
    }

    /// <summary>The options the module was opened with.</summary>
    public FfiOptions Options { get; }

    /// <summary>A declared function, callable dynamically.</summary>
    /// <exception cref="FfiNameException">The spec declares no such function (the message suggests the nearest names).</exception>
    /// <exception cref="ObjectDisposedException">The module was disposed.</exception>
    public NativeFunction Function(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        ThrowIfDisposed();
        return FunctionObject(name) ?? throw NoFunction(name);
    }

    /// <summary>A declared global variable.</summary>
    /// <exception cref="FfiNameException">The spec declares no such variable (the message suggests the nearest names).</exception>
    /// <exception cref="ObjectDisposedException">The module was disposed.</exception>
    public NativeVariable Variable(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        ThrowIfDisposed();
        return VariableObject(name) ?? throw NoVariable(name);
    }

    /// <summary>
    /// A delegate that calls a declared function with the delegate's own CLR types, checked against the spec now
    /// (one message lists every parameter that does not map). Mappings: integers of the same width and signedness
    /// (enums by their underlying type; <see cref="nint"/>/<see cref="nuint"/> for any 64-bit integer), float and
    /// double, bool for C bool; for pointers <see cref="nint"/>, <see cref="nuint"/>, any <c>T*</c>,
    /// <see cref="NativePointer"/> (tag-checked), arrays and spans of unmanaged types (pinned for the call), string for
    /// <c>char*</c> (a UTF-8 copy, on the stack when short); unmanaged structs of the C size for by-value aggregates.
    /// Returns map the same way (string reads a returned <c>char*</c>). For a variadic function the delegate's
    /// parameters after the fixed ones are the extras, with C's promotions (int, uint, long, ulong, double, pointer,
    /// string). Calls with blittable signatures allocate nothing.
    /// </summary>
    /// <typeparam name="TDelegate">A delegate type, e.g. <c>Func&lt;int, int, int&gt;</c> or your own.</typeparam>
    /// <exception cref="FfiNameException">The spec declares no such function (the message suggests the nearest names).</exception>
    /// <exception cref="FfiBindException">The delegate's types do not match the spec.</exception>
    /// <exception cref="ObjectDisposedException">The module was disposed.</exception>
    /// <remarks>Calling the delegate throws what <see cref="NativeFunction.Invoke(object[])"/> throws, <see cref="FfiCallbackException"/> included.</remarks>
    [RequiresDynamicCode(DynamicCode.Message)]
    [RequiresUnreferencedCode(DynamicCode.Message)]
    public TDelegate GetFunction<TDelegate>(string name) where TDelegate : Delegate
    {
        ArgumentNullException.ThrowIfNull(name);
        ThrowIfDisposed();
        // No lock per delegate: threads racing here may each bind one (the stub itself is emitted once, in Stubs), the
        // first published wins, and a delegate type that does not match throws and leaves nothing behind.
        var key = new TypedDelegateKey(name, typeof(TDelegate));
        var typed = _typed ?? Interlocked.CompareExchange(ref _typed, new(), null) ?? _typed;
        return (TDelegate)(typed.TryGetValue(key, out var made) ? made : typed.GetOrAdd(key, CreateTyped<TDelegate>(name)));
    }

    /// <summary>Calls a declared function dynamically; see <see cref="NativeFunction.Invoke(object[])"/>.</summary>
    /// <exception cref="FfiNameException">The spec declares no such function (the message suggests the nearest names).</exception>
    /// <exception cref="FfiArgumentException">Wrong number of arguments, or a value that does not convert.</exception>
    /// <exception cref="FfiCallbackException">A callback that C called during the call threw, or C called a released one.</exception>
    [RequiresDynamicCode(DynamicCode.Message)]
    [RequiresUnreferencedCode(DynamicCode.Message)]
    public object? Invoke(string function, params object?[] args)
    {
        ArgumentNullException.ThrowIfNull(function);
        return Function(function).Invoke(args);
    }

    /// <summary>The errno captured by this thread's last call to a function declared <c>"errno": true</c>.</summary>
    public static int LastErrno => Native.LastErrno.Value;

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

    /// <summary>
    /// The module's callbacks: <see cref="CallbackRegistry.Register(string, Delegate)"/> turns a delegate into a C
    /// function pointer that stays valid until its handle (or this module) is disposed. Delegates passed directly as
    /// <c>funcptr</c> arguments need no registration: they are valid for that call.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The module was disposed.</exception>
    public CallbackRegistry Callbacks
    {
        get
        {
            ThrowIfDisposed();
            return _callbacks;
        }
    }

    /// <summary>The registry without the disposal check (trampolines count failures after disposal too).</summary>
    internal CallbackRegistry CallbackState => _callbacks;

    /// <summary>
    /// Raised when a callback throws on a thread with no downcall of this engine in progress (typically a thread
    /// the C library started): there is no call to surface the exception from, so it comes here, on that thread. The
    /// callback returned zero to C. Exceptions thrown by handlers are ignored; the process is never brought down.
    /// </summary>
    public event EventHandler<CallbackFailedEventArgs>? CallbackFailed;

    internal void OnCallbackFailed(CallbackFailedEventArgs e)
    {
        if (CallbackFailed is not { } handlers) return;
        foreach (var handler in handlers.GetInvocationList())
        {
            try
            {
                ((EventHandler<CallbackFailedEventArgs>)handler)(this, e);
            }
            catch
            {
                // A failing handler must not take the callback's thread (or C's stack) with it.
            }
        }
    }

    /// <summary>The address of a declared function.</summary>
    /// <exception cref="FfiNameException">The spec declares no such function (the message suggests the nearest names).</exception>
    /// <exception cref="ObjectDisposedException">The module was disposed.</exception>
    public nint GetFunctionAddress(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        ThrowIfDisposed();
        return _functions.TryGetValue(name, out var p) ? p
            : throw NoFunction(name);
    }

    /// <summary>A pointer to a declared variable, typed as the variable (not bounds-checked: the library owns it).</summary>
    /// <exception cref="FfiNameException">The spec declares no such variable (the message suggests the nearest names).</exception>
    /// <exception cref="ObjectDisposedException">The module was disposed.</exception>
    public NativePointer GetVariableAddress(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        ThrowIfDisposed();
        if (!Spec.TryGetVariable(name, out var v)) throw NoVariable(name);
        return NativePointer.FromAddress(_variables[name], v.Type);
    }

    /// <summary>
    /// Frees the memory the module owns, releases its registered callbacks and stops it: calls that start afterwards
    /// throw <see cref="ObjectDisposedException"/>; calls already running (on other threads, or the downcall a callback
    /// disposes from) finish normally. The libraries stay loaded until the garbage collector finds nothing of the
    /// module reachable — no call can be running in them then — and are closed then. Safe to call from any thread,
    /// from inside a callback, and more than once.
    /// </summary>
    /// <remarks>Memory of the module that C still uses when it is disposed (a box passed to a call running on another
    /// thread) is freed all the same: keep the module alive while C uses its memory.</remarks>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Lifetime.Retire(); // the libraries close when no call can be running in them (ModuleLifetime)
        _callbacks.ReleaseAll();
        _memory.Dispose();
    }

    internal bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
