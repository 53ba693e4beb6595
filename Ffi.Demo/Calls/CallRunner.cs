using System.Text;
using System.Text.Json;
using Ffi.Spec;

namespace Ffi.Demo.Calls;

/// <summary>
/// <c>ffi call</c> and <c>ffi batch</c>: calls functions of a spec with JSON arguments and prints JSON results —
/// a contract outside scripts rely on (docs/cli.md).
/// </summary>
public sealed class CallRunner : IDisposable
{
    private static readonly JsonWriterOptions Compact = new() { Indented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly NativeModule _module;
    private readonly CompiledCalls? _compiled;

    /// <summary>Binds <paramref name="spec"/> with the granted capabilities.</summary>
    /// <exception cref="FfiBindException">A library or symbol is missing.</exception>
    public CallRunner(FfiSpec spec, IReadOnlySet<string> grants) : this(spec, grants, compiled: false)
    {
    }

    /// <summary>
    /// Binds <paramref name="spec"/> with the granted capabilities; with <paramref name="compiled"/>, calls go through an
    /// assembly compiled from the spec (<c>ffi batch --compiled</c>, <see cref="CompiledCalls"/>), and everything else
    /// (conversions, storage, results) stays the module's, so both paths print the same.
    /// </summary>
    /// <exception cref="FfiBindException">A library or symbol is missing.</exception>
    /// <exception cref="Ffi.Compile.FfiCompileException">With <paramref name="compiled"/>: a shape the compiler refuses.</exception>
    public CallRunner(FfiSpec spec, IReadOnlySet<string> grants, bool compiled)
    {
        _module = NativeModule.Open(spec, new FfiOptions { Grants = grants });
        try
        {
            _compiled = compiled ? CompiledCalls.Compile(spec, grants) : null;
        }
        catch
        {
            _module.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Calls <paramref name="function"/> with JSON arguments; returns the result as JSON, with the values read back
    /// from storage arguments (<see cref="CallStorage"/>) and errno when the spec declares <c>"errno": true</c>.
    /// </summary>
    /// <exception cref="FfiException">Conversion, capability or call failures.</exception>
    /// <exception cref="FfiNameException">No such function.</exception>
    public CallOutput Call(string function, IReadOnlyList<JsonElement> args)
    {
        var fn = _module.Function(function);
        var spec = fn.Spec;
        int fixedCount = spec.ParameterTypes.Count;
        int expected = fixedCount + (spec.IsVariadic ? 1 : 0);
        if (args.Count != expected)
            throw new FfiArgumentException(function, $"expected {expected} argument(s){(spec.IsVariadic ? " (the last one a JSON array of variadic extras)" : "")}, got {args.Count}");
        using var storage = new CallStorage(_module.Memory);
        var values = new object?[expected];
        for (int i = 0; i < fixedCount; i++)
            values[i] = JsonArguments.Convert(args[i], spec.ParameterTypes[i], $"{function}: param[{i}] ({spec.ParameterTypes[i].DisplayName})", storage);
        if (spec.IsVariadic)
        {
            var extras = args[fixedCount];
            if (extras.ValueKind != JsonValueKind.Array)
                throw new FfiArgumentException(function, "the variadic extras must be given as one final JSON array");
            values[fixedCount] = extras.EnumerateArray().Select((e, i) => JsonArguments.Extra(e, _module.Types, $"{function}: vararg[{i}]", storage)).ToArray();
        }

        var result = _compiled is null ? fn.Invoke(values) : _compiled.Invoke(fn, values, _module.Memory);
        int? errno = spec.CapturesErrno ? NativeModule.LastErrno : null;
        try
        {
            return new CallOutput(Json(w => JsonResults.Write(w, result, spec.ReturnType, _module.Memory)),
                storage.HasReads ? Json(storage.WriteReads) : null, errno);
        }
        finally
        {
            // A struct returned by value was copied into module storage; it is not needed after printing.
            if (result is Memory.NativePointer p && spec.ReturnType.IsAggregate && p.Block is not null) _module.Memory.Free(p);
        }
    }

    private static string Json(Action<Utf8JsonWriter> write)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, Compact)) write(w);
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    /// <summary>
    /// Reads one request per line (<c>{"fn": NAME, "args": [...]}</c>) and writes exactly one line per request, in
    /// order, flushing each: <c>{"ok": true, "ret": V}</c> or <c>{"ok": false, "error": "…", "type": "ExceptionName"}</c>.
    /// A failed request never stops the batch. Empty lines are not requests.
    /// </summary>
    public void Batch(TextReader input, TextWriter output)
    {
        string? line;
        while ((line = input.ReadLine()) is not null)
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            string response;
            try
            {
                response = Request(line).ToBatchLine();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                response = Error(ex);
            }
            output.WriteLine(response);
            output.Flush();
        }
    }

    private CallOutput Request(string line)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(line);
        }
        catch (JsonException ex)
        {
            throw new FfiArgumentException("request", $"invalid JSON: {ex.Message}");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("fn", out var fn) || fn.ValueKind != JsonValueKind.String)
                throw new FfiArgumentException("request", "expected {\"fn\": NAME, \"args\": [...]}");
            var args = root.TryGetProperty("args", out var a) ? a : default;
            if (args.ValueKind is not (JsonValueKind.Array or JsonValueKind.Undefined))
                throw new FfiArgumentException("request", "\"args\" must be an array");
            var list = args.ValueKind == JsonValueKind.Array ? args.EnumerateArray().ToList() : [];
            return Call(fn.GetString()!, list);
        }
    }

    /// <summary>The error line for a failed request.</summary>
    public static string Error(Exception ex) =>
        $"{{\"ok\":false,\"error\":{JsonSerializer.Serialize(CliMessage(ex), Readable)},\"type\":{JsonSerializer.Serialize(ex.GetType().Name, Readable)}}}";

    /// <summary>
    /// The message of <paramref name="ex"/> for a shell user: a capability is granted with <c>--grant</c> here, not
    /// with <c>FfiOptions.Grants</c> as the engine's own message says to a C# caller.
    /// </summary>
    public static string CliMessage(Exception ex) => ex is FfiCapabilityDeniedException denied
        ? $"{denied.Symbol}: capability \"{denied.Capability}\" was not granted (run with --grant {denied.Capability})"
        : ex.Message;

    // Messages stay readable: only what JSON requires is escaped.
    private static readonly JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Closes the module.</summary>
    public void Dispose() => _module.Dispose();
}
