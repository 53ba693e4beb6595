using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ffi.Spec;
using Ffi.Types;
using NUnit.Framework;

namespace Ffi.Tests.Spec;

/// <summary>The spec reader fuzzed: the mutations applied to the seed specs.</summary>
public sealed partial class SpecFuzzTests
{
    // ------------------------------------------------------------------------------------------
    // Mutators
    // ------------------------------------------------------------------------------------------

    /// <summary>A place holding a JSON value: a property of an object or an element of an array.</summary>
    private readonly record struct Slot(JsonNode Container, string? Key, int Index)
    {
        public JsonNode? Value => Container is JsonObject o ? o[Key!] : ((JsonArray)Container)[Index];

        public void Set(JsonNode? value)
        {
            if (Container is JsonObject o) o[Key!] = value;
            else ((JsonArray)Container)[Index] = value;
        }
    }

    private static List<Slot> Slots(JsonNode root)
    {
        var slots = new List<Slot>();
        var todo = new Stack<JsonNode>();
        todo.Push(root);
        while (todo.TryPop(out var n))
        {
            if (n is JsonObject o)
            {
                foreach (var (k, v) in o)
                {
                    slots.Add(new Slot(o, k, -1));
                    if (v is not null) todo.Push(v);
                }
            }
            else if (n is JsonArray a)
            {
                for (int i = 0; i < a.Count; i++)
                {
                    slots.Add(new Slot(a, null, i));
                    if (a[i] is { } v) todo.Push(v);
                }
            }
        }
        return slots;
    }

    /// <summary>A string where a type name is expected: a reference key, a params element or an alias in "types".</summary>
    private static bool IsRefSlot(Slot s)
    {
        if (s.Value is not JsonValue v || v.GetValueKind() != JsonValueKind.String) return false;
        if (s.Key is { } key) return RefKeys.Contains(key) || s.Container == s.Container.Root["types"];
        return s.Container.Parent is JsonObject p && p["params"] == s.Container;
    }

    private static List<string> TypeNames(JsonNode root) =>
        root["types"] is JsonObject t ? t.Select(kv => kv.Key).ToList() : [];

    private static T Pick<T>(Random r, IReadOnlyList<T> items) => items[r.Next(items.Count)];

    private static void Mutate(Random r, JsonNode root, HashSet<JsonObject> duplicates)
    {
        var slots = Slots(root);
        if (slots.Count == 0) return;
        switch (r.Next(12))
        {
            case 0: // drop a key
            {
                var objects = slots.Where(s => s.Container is JsonObject).ToList();
                if (objects.Count == 0) return;
                var s = Pick(r, objects);
                ((JsonObject)s.Container).Remove(s.Key!);
                break;
            }
            case 1: // replace a value with a value of another JSON kind
            case 2:
                Pick(r, slots).Set(RandomValue(r, depth: 0));
                break;
            case 3: // rename a type reference to an unknown name (or a near miss)
            {
                var refs = slots.Where(IsRefSlot).ToList();
                if (refs.Count == 0) return;
                var s = Pick(r, refs);
                var name = s.Value!.GetValue<string>();
                s.Set(r.Next(2) == 0 && name.Length > 1 ? name[..^1] : $"no_such_type_{r.Next(100)}");
                break;
            }
            case 4: // swap a kind
            {
                var kinds = slots.Where(s => s.Key == "kind").ToList();
                if (kinds.Count == 0) return;
                Pick(r, kinds).Set(r.Next(10) == 0 ? "Struct" : Pick(r, Kinds));
                break;
            }
            case 5: // make references cyclic: point a reference inside a declared type at itself or another declared type
            {
                var names = TypeNames(root);
                var refs = slots.Where(IsRefSlot).ToList();
                if (names.Count == 0 || refs.Count == 0) return;
                var s = Pick(r, refs);
                var owner = DeclaringType(s.Container);
                s.Set(owner is not null && r.Next(2) == 0 ? owner : Pick(r, names));
                break;
            }
            case 6: // duplicate a key (the writer emits one property of this object twice)
            {
                var objects = slots.Select(s => s.Value).OfType<JsonObject>().Where(o => o.Count > 0).ToList();
                if (objects.Count > 0) duplicates.Add(Pick(r, objects));
                else if (root is JsonObject ro && ro.Count > 0) duplicates.Add(ro);
                break;
            }
            case 7: // rename a declared type, leaving its references dangling (or hitting another name)
            {
                if (root["types"] is not JsonObject types || types.Count == 0) return;
                var (key, value) = types.ElementAt(r.Next(types.Count));
                types.Remove(key);
                var newName = r.Next(3) switch { 0 => Pick(r, SpecialStrings), 1 => key.ToUpperInvariant(), _ => key + "_" };
                types[newName] = value;
                break;
            }
            case 8: // copy a subtree somewhere else
            {
                var from = Pick(r, slots).Value;
                Pick(r, slots).Set(from?.DeepClone());
                break;
            }
            case 9: // boundary numbers where numbers live
            {
                var numbers = slots.Where(s => s.Value is JsonValue v && v.GetValueKind() == JsonValueKind.Number).ToList();
                var s = numbers.Count > 0 && r.Next(4) != 0 ? Pick(r, numbers) : Pick(r, slots);
                s.Set(JsonNode.Parse(Pick(r, SpecialNumbers)));
                break;
            }
            case 10: // add aggregate options, bitfields or fields
            {
                var aggregates = slots.Select(s => s.Value).OfType<JsonObject>()
                    .Where(o => o["kind"] is JsonValue k && k.GetValueKind() == JsonValueKind.String && k.GetValue<string>() is "struct" or "union").ToList();
                if (aggregates.Count == 0) return;
                var g = Pick(r, aggregates);
                switch (r.Next(4))
                {
                    case 0:
                        g["packed"] = r.Next(3) != 0;
                        break;
                    case 1:
                        g["align"] = JsonNode.Parse(Pick(r, new[] { "1", "2", "4", "8", "16", "64", "3", "0", "268435456", "536870912" }));
                        break;
                    default:
                        if (g["fields"] is not JsonArray fields || fields.Count == 0) return;
                        var field = fields[r.Next(fields.Count)];
                        if (r.Next(2) == 0) fields.Add(field?.DeepClone());
                        else if (field is JsonObject f) f["bits"] = r.Next(70);
                        break;
                }
                break;
            }
            default: // nest deeply
                Pick(r, slots).Set(DeepValue(r));
                break;
        }
    }

    private static string? DeclaringType(JsonNode? node)
    {
        while (node?.Parent is { } parent)
        {
            if (parent is JsonObject && parent == parent.Root["types"]) return node.GetPropertyName();
            node = parent;
        }
        return null;
    }

    private static JsonNode? RandomValue(Random r, int depth)
    {
        switch (r.Next(depth > 2 ? 6 : 9))
        {
            case 0: return JsonNode.Parse(Pick(r, SpecialNumbers));
            case 1: return JsonValue.Create(Pick(r, SpecialStrings));
            case 2: return null;
            case 3: return JsonValue.Create(r.Next(2) == 0);
            case 4: return JsonValue.Create(RawMarker + Pick(r, RawFragments));
            case 5: return JsonValue.Create(Pick(r, Kinds));
            case 6:
            {
                var a = new JsonArray();
                for (int i = r.Next(3); i > 0; i--) a.Add(RandomValue(r, depth + 1));
                return a;
            }
            case 7:
            {
                var o = new JsonObject { ["kind"] = Pick(r, Kinds) };
                foreach (var key in new[] { "to", "of", "len", "bits", "signed", "fields", "base", "values", "ret", "params", "tag", "rep" })
                    if (r.Next(4) == 0) o[key] = RandomValue(r, depth + 1);
                return o;
            }
            default:
                return new JsonObject();
        }
    }

    private static JsonNode DeepValue(Random r)
    {
        int depth = r.Next(2) == 0 ? r.Next(1, 60) : r.Next(200, 320);
        JsonNode node = JsonValue.Create(r.Next(2) == 0 ? "int" : "node");
        for (int i = 0; i < depth; i++)
        {
            node = r.Next(4) switch
            {
                0 => new JsonObject { ["kind"] = "pointer", ["to"] = node },
                1 => new JsonObject { ["kind"] = "array", ["of"] = node, ["len"] = r.Next(3) },
                2 => new JsonArray(node),
                _ => new JsonObject { ["kind"] = "struct", ["fields"] = new JsonArray(new JsonObject { ["name"] = "f", ["type"] = node }) },
            };
        }
        return node;
    }

    /// <summary>Compact JSON; objects in <paramref name="duplicates"/> get their first property written twice.</summary>
    private static string Write(JsonNode? root, HashSet<JsonObject> duplicates)
    {
        var sb = new StringBuilder();
        var todo = new Stack<object?>();
        todo.Push(root);
        while (todo.Count > 0)
        {
            switch (todo.Pop())
            {
                case string text:
                    sb.Append(text);
                    break;
                case JsonObject o:
                {
                    var parts = new List<object?> { "{" };
                    var props = o.ToList();
                    if (duplicates.Contains(o) && props.Count > 0) props.Add(props[0]);
                    for (int i = 0; i < props.Count; i++)
                    {
                        if (i > 0) parts.Add(",");
                        parts.Add(JsonSerializer.Serialize(props[i].Key) + ":");
                        parts.Add(props[i].Value);
                    }
                    parts.Add("}");
                    for (int i = parts.Count - 1; i >= 0; i--) todo.Push(parts[i]);
                    break;
                }
                case JsonArray a:
                {
                    var parts = new List<object?> { "[" };
                    for (int i = 0; i < a.Count; i++)
                    {
                        if (i > 0) parts.Add(",");
                        parts.Add(a[i]);
                    }
                    parts.Add("]");
                    for (int i = parts.Count - 1; i >= 0; i--) todo.Push(parts[i]);
                    break;
                }
                case JsonValue v when v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().StartsWith(RawMarker, StringComparison.Ordinal):
                    sb.Append(v.GetValue<string>()[RawMarker.Length..]);
                    break;
                case JsonValue v:
                    sb.Append(v.ToJsonString());
                    break;
                case null:
                    sb.Append("null");
                    break;
            }
        }
        return sb.ToString();
    }

    private static readonly byte[] InterestingBytes = "{}[]\":,\\0123456789-+.eE ntfu\0"u8.ToArray().Concat(new byte[] { 0x80, 0xC3, 0xED, 0xFF, 0x7F, 0x01 }).ToArray();

    private static readonly string[] Tokens =
    [
        "{", "}", "[", "]", ",", ":", "\"", "null", "true", "1e400", "-1", "\"kind\"", "\"to\"", "\"struct\"", "\\u", "\\ud800", "//", "/*",
    ];

    private static byte[] MutateBytes(Random r, byte[] seed)
    {
        var b = new List<byte>(seed);
        int edits = 1 + r.Next(4);
        for (int e = 0; e < edits && b.Count > 0; e++)
        {
            int at = r.Next(b.Count);
            switch (r.Next(7))
            {
                case 0: // truncate
                    b.RemoveRange(at, b.Count - at);
                    break;
                case 1: // flip a bit
                    b[at] ^= (byte)(1 << r.Next(8));
                    break;
                case 2: // insert a byte
                    b.Insert(at, r.Next(3) == 0 ? (byte)r.Next(256) : InterestingBytes[r.Next(InterestingBytes.Length)]);
                    break;
                case 3: // delete a range
                    b.RemoveRange(at, Math.Min(b.Count - at, 1 + r.Next(16)));
                    break;
                case 4: // duplicate a range
                {
                    int len = Math.Min(b.Count - at, 1 + r.Next(64));
                    b.InsertRange(r.Next(b.Count), b.GetRange(at, len));
                    break;
                }
                case 5: // replace a byte
                    b[at] = InterestingBytes[r.Next(InterestingBytes.Length)];
                    break;
                default: // insert a token
                    b.InsertRange(at, Encoding.UTF8.GetBytes(Pick(r, Tokens)));
                    break;
            }
        }
        return [.. b];
    }
}
