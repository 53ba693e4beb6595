using System.Globalization;
using System.Text;

namespace Ffi.Tests.Adversarial;

/// <summary>
/// Random specs built to be expensive: empty structs, arrays of them with lengths up to 2^60, zero-length arrays of
/// huge elements, elements near the size limit, deep chains of named types, packed and aligned structs, functions
/// and function pointers taking them by value. Valid and invalid ones alike.
/// </summary>
internal static class HostileSpecGenerator
{
    private static readonly long[] Lengths = [0, 1, 2, 3, 16, 1000, 1L << 32, 1L << 40, 1L << 56, 1L << 58, 1L << 59, 1L << 60, long.MaxValue];
    private static readonly string[] Scalars = ["char", "short", "int", "long", "float", "double", "pointer", "bool"];

    /// <summary>One spec.</summary>
    public static string Next(Random rng)
    {
        var types = new List<string>();
        var names = new List<string>(Scalars);
        int count = rng.Next(2, 14);
        for (int i = 0; i < count; i++)
        {
            string name = $"t{i}";
            string Pick() => Quote(names[rng.Next(names.Count)]);
            string body = rng.Next(6) switch
            {
                0 => """{ "kind": "struct", "fields": [] }""",
                1 or 2 => $$"""{ "kind": "array", "of": {{Pick()}}, "len": {{Lengths[rng.Next(Lengths.Length)].ToString(CultureInfo.InvariantCulture)}} }""",
                3 => $$"""{ "kind": "union", "fields": [ {{Field(rng, "a", Pick())}}, {{Field(rng, "b", Pick())}} ] }""",
                4 => $$"""{ "kind": "funcptr", "ret": {{Pick()}}, "params": [ {{Pick()}}, {{Pick()}} ] }""",
                _ => $$"""{ "kind": "struct"{{(rng.Next(4) == 0 ? ", \"packed\": true" : "")}}{{(rng.Next(5) == 0 ? ", \"align\": 64" : "")}}, "fields": [ {{string.Join(", ", Enumerable.Range(0, rng.Next(1, 5)).Select(k => Field(rng, $"f{k}", Pick())))}} ] }""",
            };
            types.Add($"{Quote(name)}: {body}");
            names.Add(name);
        }
        var functions = Enumerable.Range(0, rng.Next(0, 4)).Select(k =>
            $$"""{ "name": "abs", "ret": {{Quote(names[rng.Next(names.Count)])}}, "params": [ {{Quote(names[rng.Next(names.Count)])}}, {{Quote(names[rng.Next(names.Count)])}} ] }""");
        return $$"""{ "version": "1", "lib": "libc.so.6", "types": { {{string.Join(",\n", types)}} }, "functions": [ {{string.Join(",\n", functions.Take(1))}} ] }""";
    }

    private static string Field(Random rng, string name, string type) =>
        rng.Next(6) == 0 ? $$"""{ "name": "{{name}}", "type": {{type}}, "bits": {{rng.Next(0, 9)}} }""" : $$"""{ "name": "{{name}}", "type": {{type}} }""";

    private static string Quote(string s) => $"\"{s}\"";
}
