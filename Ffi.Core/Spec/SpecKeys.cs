namespace Ffi.Spec;

/// <summary>
/// The keys each JSON object of a spec takes (docs/spec-format.md, shared SPEC.md): the original's keys and ours
/// marked (ext). Any other key is an error (<see cref="JsonObjectReader.RejectUnknownKeys"/>), except keys starting
/// with <c>x-</c>, which are left to the spec's own annotations.
/// </summary>
internal static class SpecKeys
{
    public static readonly string[] Document = ["version", "lib", "doc", "types", "functions", "variables", "constants"];

    public static readonly string[] Function = ["name", "ret", "params", "variadic", "lib", "doc", "ret_as_str", "errno", "caps", "trivial"];

    public static readonly string[] Variable = ["name", "type", "lib", "doc", "caps"];

    public static readonly string[] Field = ["name", "type", "bits", "align", "packed", "doc"];

    // After kind, name and doc, which every type object takes.
    private static readonly Dictionary<string, string[]> Kinds = new(StringComparer.Ordinal)
    {
        ["void"] = Common(),
        ["int"] = Common("bits", "signed"),
        ["float"] = Common("bits"),
        ["pointer"] = Common("to", "tag", "const"),
        ["array"] = Common("of", "len"),
        ["struct"] = Common("fields", "packed", "align", "pack"),
        ["union"] = Common("fields", "packed", "align", "pack"),
        ["enum"] = Common("base", "values"),
        ["funcptr"] = Common("ret", "params", "variadic"),
        ["alias"] = Common("to", "align"),
        ["handle"] = Common("tag", "rep"),
    };

    /// <summary>The keys a type object of <paramref name="kind"/> takes, or null for an unknown kind (an error of its own).</summary>
    public static string[]? OfKind(string kind) => Kinds.GetValueOrDefault(kind);

    private static string[] Common(params string[] keys) => ["kind", "name", "doc", .. keys];
}
