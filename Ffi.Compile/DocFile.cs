using System.Text;
using System.Xml;
using System.Xml.Linq;
using Mono.Cecil;

namespace Ffi.Compile;

/// <summary>
/// The XML documentation file of the generated assembly (Cecil writes none): one <c>&lt;member&gt;</c> per
/// generated type and public member, with the spec's <c>"doc"</c> where it has one and otherwise what the member is
/// in C. IDs follow the C# compiler's: <c>T:Ns.point</c>, <c>F:Ns.point.x</c>, <c>P:Ns.flags.mode</c>,
/// <c>M:Ns.sqlite3.#ctor(System.IntPtr)</c>, nested types joined with <c>.</c>.
/// </summary>
internal sealed class DocFile
{
    private readonly List<(string Id, string Summary)> _members = [];

    /// <summary>
    /// The spec's doc text when there is one (escaped, without the control characters XML cannot hold), otherwise
    /// <paramref name="generated"/> (already XML).
    /// </summary>
    public static string Summary(string? specDoc, string generated) =>
        specDoc is { Length: > 0 } ? System.Security.SecurityElement.Escape(new string(specDoc.Where(XmlConvert.IsXmlChar).ToArray())) : generated;

    public void Type(TypeReference t, string summary) => _members.Add(("T:" + Name(t), summary));

    public void Field(FieldReference f, string summary) => _members.Add(($"F:{Name(f.DeclaringType)}.{f.Name}", summary));

    public void Property(PropertyReference p, string summary) => _members.Add(($"P:{Name(p.DeclaringType)}.{p.Name}", summary));

    public void Method(MethodReference m, string summary)
    {
        var name = m.Name.Replace('.', '#');
        var ps = m.Parameters.Count == 0 ? "" : "(" + string.Join(",", m.Parameters.Select(p => ParameterId(p.ParameterType))) + ")";
        _members.Add(($"M:{Name(m.DeclaringType)}.{name}{ps}", summary));
    }

    /// <summary>The file's text, members in the order they were generated (so the same spec gives the same text).</summary>
    public string ToXml(string assemblyName)
    {
        var doc = new XElement("doc",
            new XElement("assembly", new XElement("name", assemblyName)),
            new XElement("members", _members.Select(m =>
                new XElement("member", new XAttribute("name", m.Id), XElement.Parse($"<summary>{m.Summary}</summary>")))));
        var sb = new StringBuilder("<?xml version=\"1.0\"?>\n");
        sb.Append(doc.ToString().ReplaceLineEndings("\n")).Append('\n');
        return sb.ToString();
    }

    private static string Name(TypeReference t) => t.FullName.Replace('/', '.');

    // A parameter type as the C# compiler writes it in an ID: Span{System.Byte} for Span<byte>, @ for ref/in/out.
    private static string ParameterId(TypeReference t) => t switch
    {
        GenericInstanceType g => $"{Name(g.ElementType)[..Name(g.ElementType).IndexOf('`')]}{{{string.Join(",", g.GenericArguments.Select(ParameterId))}}}",
        ByReferenceType r => ParameterId(r.ElementType) + "@",
        PointerType p => ParameterId(p.ElementType) + "*",
        _ => Name(t),
    };
}
