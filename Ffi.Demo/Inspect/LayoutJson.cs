using System.Text.Json;
using Ffi.Spec;
using Ffi.Types;

namespace Ffi.Demo.Inspect;

/// <summary>
/// Writes the layout of every named type of a spec as the JSON object docs/cli.md defines for
/// <c>ffi inspect --json</c> — a contract that scripts rely on:
/// <c>{"types": {"NAME": {"kind", "size", "align", "fields": [{"name", "type", "offset", "bitOffset"?, "bitWidth"?}]}}}</c>.
/// </summary>
public static class LayoutJson
{
    /// <summary>Writes the layouts of <paramref name="spec"/>'s named types to <paramref name="output"/>.</summary>
    public static void Write(FfiSpec spec, Stream output)
    {
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteStartObject("types");
        foreach (var name in spec.Types.Names)
        {
            w.WritePropertyName(name);
            WriteType(w, spec.Types[name]);
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>The JSON as a string (for tests and embedding).</summary>
    public static string ToJson(FfiSpec spec)
    {
        using var ms = new MemoryStream();
        Write(spec, ms);
        return System.Text.Encoding.UTF8.GetString(ms.ToArray());
    }

    private static void WriteType(Utf8JsonWriter w, CType t)
    {
        w.WriteStartObject();
        w.WriteString("kind", KindName(t.Kind));
        w.WriteNumber("size", t.Size);
        w.WriteNumber("align", t.Align);
        if (t is AggregateType agg)
        {
            w.WriteStartArray("fields");
            foreach (var f in agg.Fields)
            {
                w.WriteStartObject();
                w.WriteString("name", f.Name);
                w.WriteString("type", f.TypeName);
                w.WriteNumber("offset", f.Offset);
                if (f.BitWidth is int width)
                {
                    w.WriteNumber("bitOffset", f.BitOffset);
                    w.WriteNumber("bitWidth", width);
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    /// <summary>The spec's <c>"kind"</c> word for a kind.</summary>
    public static string KindName(CTypeKind kind) => kind switch
    {
        CTypeKind.FuncPtr => "funcptr",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
