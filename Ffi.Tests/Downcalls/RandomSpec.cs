using System.Text.Json.Nodes;
using Ffi.Tests.Layout;
using Ffi.Types;
using Ffi.Tests.Oracle;

namespace Ffi.Tests.Downcalls;

/// <summary>A function or function pointer type of a random spec, by the spec names of its types.</summary>
internal sealed record SpecSignature(string Name, string Ret, IReadOnlyList<string> Params)
{
    /// <summary>A random signature under its own name, or under <paramref name="name"/>.</summary>
    public static SpecSignature Of(Signature sig, string? name = null) =>
        new(name ?? sig.Name, RandomSpec.Name(sig.Ret), sig.Params.Select(p => RandomSpec.Name(p.Type)).ToList());
}

/// <summary>
/// The spec of a library of random signatures, built as a JSON document (not by string surgery): every generated
/// type, function pointer types, and the functions.
/// </summary>
internal static class RandomSpec
{
    /// <summary>The name a spec uses for a type of the generated spec.</summary>
    public static string Name(CType t) => t.Name ?? t.DisplayName;

    public static string Json(RandomLayoutGenerator gen, string lib, IEnumerable<SpecSignature> functions, IEnumerable<SpecSignature> funcptrTypes)
    {
        var doc = JsonNode.Parse(GccLayoutOracle.SpecJson(gen.Cases, gen.ExtraSpecTypes))!.AsObject();
        doc["lib"] = lib;
        var types = doc["types"]!.AsObject();
        foreach (var f in funcptrTypes)
            types[f.Name] = new JsonObject { ["kind"] = "funcptr", ["ret"] = f.Ret, ["params"] = Names(f.Params) };
        doc["functions"] = new JsonArray(functions.Select(f => (JsonNode)new JsonObject { ["name"] = f.Name, ["ret"] = f.Ret, ["params"] = Names(f.Params) }).ToArray());
        return doc.ToJsonString();
    }

    private static JsonArray Names(IEnumerable<string> names) => new(names.Select(n => (JsonNode)JsonValue.Create(n)).ToArray());
}
