using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Ffi.Memory;
using Ffi.Types;

namespace Ffi.Demo.Calls;

/// <summary>
/// Native storage the CLI allocates for one call, from the JSON forms of docs/cli.md ("Buffers, boxes and
/// out-parameters"), and the values it reads back after the call. Everything lives in one arena of the module's
/// memory toolbox and is released when the call's output has been written.
/// <code>
/// {"buffer": 64}                          char buf[64] = {0};          pass buf
/// {"buffer": 64, "read": "string"}        … and print buf as a NUL-terminated string afterwards ("hex": all 64 bytes)
/// {"box": "tm", "value": {"tm_year": 99}} struct tm t = {.tm_year = 99};  pass &amp;t
/// {"box": "int", "count": 3, "value": [1, 2, 3]}   int a[3] = {1, 2, 3};  pass a
/// {"out": "int"}  or  {"out": true}       int x = 0;  pass &amp;x, print x afterwards (true: the parameter's pointee type)
/// </code>
/// </summary>
public sealed class CallStorage : IDisposable
{
    private readonly FfiMemory _memory;
    private readonly Arena _arena;
    private readonly List<Action<Utf8JsonWriter>> _reads = [];

    /// <summary>
    /// The most a read-back argument may hold, in bytes: what is read back is printed as one JSON line, and a
    /// mistyped size must not turn into gigabytes of output (or a process out of memory).
    /// </summary>
    public const int MaxReadBytes = 16 << 20;

    /// <summary>Opens the storage of one call in <paramref name="memory"/>.</summary>
    public CallStorage(FfiMemory memory)
    {
        _memory = memory;
        _arena = memory.CreateArena();
    }

    /// <summary>Whether any argument asked for a value to be read back after the call.</summary>
    public bool HasReads => _reads.Count > 0;

    /// <summary>Whether <paramref name="e"/> is one of the storage forms (an object with "buffer", "box" or "out").</summary>
    public static bool IsStorage(JsonElement e) =>
        e.ValueKind == JsonValueKind.Object && (e.TryGetProperty("buffer", out _) || e.TryGetProperty("box", out _) || e.TryGetProperty("out", out _));

    /// <summary>
    /// Allocates the storage <paramref name="e"/> describes and returns a pointer to it, to pass where
    /// <paramref name="parameter"/> (a pointer type; <see langword="null"/> for a variadic extra) is expected.
    /// </summary>
    /// <exception cref="FfiArgumentException">The form is malformed: unknown keys, a bad size or type, a value that does not fit.</exception>
    public NativePointer Allocate(JsonElement e, CType? parameter, string where)
    {
        foreach (var p in e.EnumerateObject())
            if (p.Name is not ("buffer" or "box" or "out" or "value" or "count" or "read"))
                throw new FfiArgumentException(where, $"unknown key \"{p.Name}\" (a storage argument has \"buffer\", \"box\" or \"out\", and \"value\", \"count\", \"read\")");
        if (e.TryGetProperty("buffer", out var size)) return Buffer(e, size, where);

        bool isOut = e.TryGetProperty("out", out var outType);
        bool hasBox = e.TryGetProperty("box", out var boxType);
        if (isOut && hasBox) throw new FfiArgumentException(where, "give either \"box\" (with \"read\": true to read it back) or \"out\", not both");
        var (element, of) = ElementType(isOut ? outType : boxType, parameter, isOut ? "out" : "box", where);
        var type = element;
        if (e.TryGetProperty("count", out var countElement))
        {
            if (!countElement.TryGetInt64(out long count) || count < 1)
                throw new FfiArgumentException(where, $"\"count\" must be a positive integer, got {countElement.GetRawText()}");
            // int a[3]: an inline array type over the element, as the spec would write it.
            type = _memory.TypeOf($"{{\"kind\":\"array\",\"len\":{count},\"of\":{of ?? JsonSerializer.Serialize(element.DisplayName)}}}");
        }
        bool read = isOut || (e.TryGetProperty("read", out var r) && (r.ValueKind == JsonValueKind.True
            ? true : r.ValueKind == JsonValueKind.False ? false : throw new FfiArgumentException(where, "\"read\" on a box is true or false")));
        if (read && type.Size > MaxReadBytes)
            throw new FfiArgumentException(where, $"{type.DisplayName} is {type.Size} bytes; a value read back is at most {MaxReadBytes} bytes");
        var pointer = _arena.New(type);
        if (e.TryGetProperty("value", out var value))
            _memory.Set(type, pointer, "", JsonArguments.Convert(value, type, $"{where}.value", this));
        if (read) _reads.Add(w => JsonResults.Write(w, _memory.Get(type, pointer, ""), type, _memory));
        return pointer;
    }

    /// <summary>Writes the values read back, in argument order, as a JSON array.</summary>
    public void WriteReads(Utf8JsonWriter w)
    {
        w.WriteStartArray();
        foreach (var read in _reads) read(w);
        w.WriteEndArray();
    }

    /// <summary>Releases everything allocated for the call.</summary>
    public void Dispose() => _arena.Dispose();

    // {"buffer": N, "value"?: "text", "read"?: "string" | "hex"}: N zeroed bytes, as char buf[N].
    private NativePointer Buffer(JsonElement e, JsonElement size, string where)
    {
        if (e.TryGetProperty("box", out _) || e.TryGetProperty("out", out _) || e.TryGetProperty("count", out _))
            throw new FfiArgumentException(where, "a \"buffer\" takes only \"value\" and \"read\"");
        if (!size.TryGetInt32(out int n) || n < 1)
            throw new FfiArgumentException(where, $"\"buffer\" must be a size in bytes from 1 to {int.MaxValue}, got {size.GetRawText()}");
        var pointer = _arena.Calloc(n, 1);
        if (e.TryGetProperty("value", out var value))
        {
            if (value.ValueKind != JsonValueKind.String) throw new FfiArgumentException(where, "a buffer's \"value\" is a string (copied with its NUL)");
            var bytes = Encoding.UTF8.GetBytes(value.GetString()!);
            if (bytes.Length + 1 > n) throw new FfiArgumentException(where, $"the value needs {bytes.Length + 1} bytes with its NUL; the buffer has {n}");
            Marshal.Copy(bytes, 0, pointer.Address, bytes.Length);
        }
        if (e.TryGetProperty("read", out var read))
        {
            if (n > MaxReadBytes) throw new FfiArgumentException(where, $"a buffer read back is at most {MaxReadBytes} bytes, not {n}");
            bool hex = read.ValueKind == JsonValueKind.String && read.GetString() == "hex";
            if (!hex && !(read.ValueKind == JsonValueKind.String && read.GetString() == "string"))
                throw new FfiArgumentException(where, $"a buffer's \"read\" is \"string\" or \"hex\", got {read.GetRawText()}");
            _reads.Add(w =>
            {
                var bytes = new byte[n];
                Marshal.Copy(pointer.Address, bytes, 0, n);
                if (hex) w.WriteStringValue(Convert.ToHexStringLower(bytes));
                else w.WriteStringValue(Encoding.UTF8.GetString(bytes, 0, Array.IndexOf(bytes, (byte)0) is int nul and >= 0 ? nul : n));
            });
        }
        return pointer;
    }

    // A type name, an inline type object, or true: the pointee of the parameter (int* → int); with the JSON that
    // names it inside an array type.
    private (CType Type, string? Json) ElementType(JsonElement t, CType? parameter, string key, string where)
    {
        switch (t.ValueKind)
        {
            case JsonValueKind.String:
                return _memory.Types.TryGet(t.GetString()!, out var named) ? (named, JsonSerializer.Serialize(t.GetString()))
                    : throw new FfiArgumentException(where, $"\"{key}\": unknown type \"{t.GetString()}\"");
            case JsonValueKind.Object:
                return (_memory.TypeOf(t.GetRawText()), t.GetRawText());
            case JsonValueKind.True when parameter is PointerType { Pointee: not VoidType } p:
                return (p.Pointee, p.Pointee.Name is { } name ? JsonSerializer.Serialize(name) : null);
            case JsonValueKind.True:
                throw new FfiArgumentException(where, $"\"{key}\": true needs a parameter that points to a type; this one is {parameter?.DisplayName ?? "a variadic extra"}: name the type, e.g. {{\"{key}\": \"int\"}}");
            default:
                throw new FfiArgumentException(where, $"\"{key}\" is a type name or an inline type object, got {t.GetRawText()}");
        }
    }
}
