using System.Globalization;
using System.Text.Json;
using Ffi.Memory;
using Ffi.Types;

namespace Ffi.Demo.Calls;

/// <summary>
/// Turns the CLI's JSON arguments into the values <see cref="NativeFunction.Invoke"/> takes, directed by the C
/// type (docs/cli.md, "Values in JSON"): integers exact to 64 bits, numbers for floats, null / integer address /
/// <c>"0x…"</c> for pointers (a string is text for <c>char*</c>), objects for structs and unions, arrays for arrays;
/// for pointers also the storage forms of <see cref="CallStorage"/> (a buffer, a box, an out-parameter).
/// </summary>
public static class JsonArguments
{
    /// <summary>
    /// Converts <paramref name="e"/> for a parameter of type <paramref name="type"/>; storage forms at pointers are
    /// allocated in <paramref name="storage"/> (without one they are refused).
    /// </summary>
    /// <exception cref="FfiArgumentException">The JSON does not fit the type.</exception>
    public static object? Convert(JsonElement e, CType type, string where, CallStorage? storage = null)
    {
        switch (type)
        {
            case IntType or EnumType:
                return e.ValueKind switch
                {
                    JsonValueKind.Number => Number(e),
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    _ => throw Wrong(where, "an integer", e),
                };
            case FloatType:
                return e.ValueKind switch
                {
                    JsonValueKind.Number => e.GetDouble(),
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    _ => throw Wrong(where, "a number", e),
                };
            case PointerType or FuncPtrType or HandleType:
                return e.ValueKind switch
                {
                    JsonValueKind.Null => null,
                    JsonValueKind.Number when e.TryGetInt64(out long a) => (nint)a,
                    JsonValueKind.Number when e.TryGetUInt64(out ulong u) => (nint)u,
                    JsonValueKind.String when IsConstCharPointer(type) => e.GetString(),
                    JsonValueKind.String when ParseAddress(e.GetString()!) is nint p => p,
                    // A string for a writable char *: the engine refuses it, naming the fix (const char * or a buffer).
                    JsonValueKind.String when IsCharPointer(type) => e.GetString(),
                    JsonValueKind.Object when type is PointerType && storage is not null && CallStorage.IsStorage(e) => storage.Allocate(e, type, where),
                    _ => throw Wrong(where, "null, an integer address or a \"0x…\" string", e),
                };
            case StructType or UnionType:
                if (e.ValueKind == JsonValueKind.String && ParseAddress(e.GetString()!) is nint address)
                    return NativePointer.FromAddress(address, type); // the original's form: a pointer to storage
                if (e.ValueKind != JsonValueKind.Object) throw Wrong(where, "an object", e);
                var agg = (AggregateType)type;
                var members = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var p in e.EnumerateObject())
                {
                    if (!agg.TryGetField(p.Name, out var f))
                        throw new FfiArgumentException(where, $"{type.DisplayName} has no field \"{p.Name}\"");
                    members[p.Name] = Convert(p.Value, f.Type, $"{where}.{p.Name}", storage);
                }
                return members;
            case ArrayType a:
                if (e.ValueKind == JsonValueKind.String && a.Element is IntType { Bits: 8 }) return e.GetString();
                if (e.ValueKind != JsonValueKind.Array) throw Wrong(where, "an array", e);
                return e.EnumerateArray().Select((x, i) => Convert(x, a.Element, $"{where}[{i}]", storage)).ToList();
            default:
                throw new FfiArgumentException(where, $"cannot take a value of type {type.DisplayName}");
        }
    }

    /// <summary>
    /// Converts one variadic extra: an integer (int when it fits, else long long), a non-integral number
    /// (double), a string (char*), null, a typed value <c>{"type": NAME, "value": V}</c>, or a storage form of
    /// <see cref="CallStorage"/> (a pointer to it).
    /// </summary>
    public static object? Extra(JsonElement e, TypeRegistry types, string where, CallStorage? storage = null)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Number:
                if (e.TryGetInt32(out int small)) return small; // int when it fits: the CLI contract (docs/cli.md)
                return e.TryGetInt64(out _) || e.TryGetUInt64(out _) ? Number(e) : e.GetDouble();
            case JsonValueKind.String:
                return e.GetString();
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.True or JsonValueKind.False:
                return e.GetBoolean();
            case JsonValueKind.Object when e.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && e.TryGetProperty("value", out var v):
            {
                var name = t.GetString()!;
                if (!types.TryGet(name, out var type)) throw new FfiArgumentException(where, $"unknown type \"{name}\"");
                return new VarArg(type, Convert(v, type, where, storage));
            }
            case JsonValueKind.Object when storage is not null && CallStorage.IsStorage(e):
                return storage.Allocate(e, null, where);
            default:
                throw Wrong(where, "an integer, number, string, null or {\"type\": NAME, \"value\": V}", e);
        }
    }

    // Each branch boxed on its own: `a ? long : b ? ulong : double` would unify to double and lose precision.
    private static object Number(JsonElement e) =>
        e.TryGetInt64(out long l) ? (object)l : e.TryGetUInt64(out ulong u) ? (object)u : (object)e.GetDouble();

    private static nint? ParseAddress(string s) =>
        s.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && ulong.TryParse(s.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var a)
            ? (nint)a : null;

    private static bool IsConstCharPointer(CType t) => t switch
    {
        PointerType p => p.IsConstCharPointer,
        HandleType h => IsConstCharPointer(h.Rep),
        _ => false,
    };

    private static bool IsCharPointer(CType t) => t switch
    {
        PointerType p => p.IsCharPointer,
        HandleType h => IsCharPointer(h.Rep),
        _ => false,
    };

    private static FfiArgumentException Wrong(string where, string expected, JsonElement e) =>
        new(where, $"expected {expected}, got JSON {e.ValueKind.ToString().ToLowerInvariant()} {Truncate(e.GetRawText())}");

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..37] + "...";
}
