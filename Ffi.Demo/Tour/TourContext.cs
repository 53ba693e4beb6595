using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Ffi.Spec;

namespace Ffi.Demo.Tour;

/// <summary>
/// What the sections of the tour share: the embedded specs (<c>Ffi.Demo/Specs/*.json</c>), the output, and
/// <see cref="Section"/>, which prints a section's spec declarations and its C# beside what the C# printed.
/// </summary>
internal sealed class TourContext
{
    private readonly TextWriter _output;

    // Each embedded spec is read once: its text, parsed as a spec and as JSON (for the declarations shown).
    private readonly Dictionary<string, JsonObject> _json = new(StringComparer.Ordinal);

    public TourContext(TextWriter output, Func<string, string> library)
    {
        _output = output;
        Libc = Load("libc.json", library);
        Libm = Load("libm.json", library);
        Zlib = Load("zlib.json", library);
        Sqlite = Load("sqlite3.json", library);
        Toolbox = Load("toolbox.json", library);
    }

    /// <summary>libc.json: <c>FfiSpec.Load("libc.json")</c> in a program of your own.</summary>
    public FfiSpec Libc { get; }

    /// <summary>libm.json.</summary>
    public FfiSpec Libm { get; }

    /// <summary>zlib.json.</summary>
    public FfiSpec Zlib { get; }

    /// <summary>sqlite3.json.</summary>
    public FfiSpec Sqlite { get; }

    /// <summary>toolbox.json: types only, for the memory toolbox.</summary>
    public FfiSpec Toolbox { get; }

    /// <summary>Whether a section failed (a missing library is not a failure: its section is skipped).</summary>
    public bool Failed { get; private set; }

    /// <summary>
    /// Runs one section: its title, what it demonstrates, the spec declarations it uses (<paramref name="declarations"/>,
    /// each <c>"file.json: name"</c>), its C# — the text of <paramref name="body"/> itself, as the compiler passes it —
    /// and what that C# printed. The body's parameter is named <c>Console</c>, so the C# reads as a program of your own.
    /// </summary>
    public void Section(string title, string what, FfiSpec? needs, string[] declarations, Action<TextWriter> body,
        [CallerArgumentExpression(nameof(body))] string code = "")
    {
        _output.WriteLine();
        _output.WriteLine($"== {title} ==");
        _output.WriteLine(what);
        foreach (var file in declarations.Select(d => d.Split(": ")).GroupBy(d => d[0], d => d[1]))
        {
            _output.WriteLine($"-- spec ({file.Key}):");
            foreach (var line in Declarations(file.Key, file)) _output.WriteLine("   " + line);
        }
        _output.WriteLine("-- C#:");
        foreach (var line in Body(code)) _output.WriteLine("   " + line);
        _output.WriteLine("-- output:");
        var indented = new IndentedWriter(_output);
        try
        {
            body(indented);
        }
        catch (FfiBindException e) when (needs is not null && e.Symbol is null)
        {
            _output.WriteLine($"(skipped: {needs.Lib} is not installed here — {e.Message})");
        }
        catch (Exception e)
        {
            // A tour never stops half-way: say what failed and go on.
            _output.WriteLine($"(this section failed: {e.GetType().Name}: {e.Message})");
            Failed = true;
        }
    }

    /// <summary>Throws when a C status is not 0 (zlib's Z_OK, sqlite's SQLITE_OK).</summary>
    public static void Check(int status, string function)
    {
        if (status != 0) throw new InvalidOperationException($"{function} returned {status}");
    }

    /// <summary>Formats numbers the same way on every machine.</summary>
    public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    // The lambda's statements, without "Console =>" and its braces, dedented.
    private static IEnumerable<string> Body(string code)
    {
        var lines = code.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').ToList();
        int open = lines.FindIndex(l => l.Trim() == "{");
        int close = lines.FindLastIndex(l => l.Trim() == "}");
        var body = open >= 0 && close > open ? lines.GetRange(open + 1, close - open - 1) : lines;
        int indent = body.Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        return body.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart());
    }

    // The functions and types named, as they stand in the spec (without their "doc"), one per line.
    private IEnumerable<string> Declarations(string specFile, IEnumerable<string> names)
    {
        var spec = _json[specFile];
        foreach (var name in names)
        {
            if (spec["types"]?[name] is JsonNode type)
            {
                yield return Shorten($"\"{name}\": {WithoutDocs(type)}");
                continue;
            }
            var function = spec["functions"]!.AsArray().First(f => (string?)f!["name"] == name)!;
            yield return Shorten(WithoutDocs(function));
        }
    }

    private static string WithoutDocs(JsonNode node)
    {
        var copy = node.DeepClone();
        RemoveDocs(copy);
        return copy.ToJsonString();
    }

    private static void RemoveDocs(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                o.Remove("doc");
                foreach (var (_, v) in o) RemoveDocs(v);
                break;
            case JsonArray a:
                foreach (var v in a) RemoveDocs(v);
                break;
        }
    }

    private static string Shorten(string line) => line.Length <= 116 ? line : line[..113] + "...";

    // An embedded spec with its library renamed (only tests rename).
    private FfiSpec Load(string fileName, Func<string, string> library)
    {
        var json = DemoTour.EmbeddedJson(fileName);
        _json[fileName] = JsonNode.Parse(json)!.AsObject();
        var spec = FfiSpec.Parse(json);
        var renamed = library(spec.Lib);
        return renamed == spec.Lib ? spec
            : FfiSpec.Parse(json.Replace($"\"lib\": \"{spec.Lib}\"", $"\"lib\": \"{renamed}\"", StringComparison.Ordinal));
    }

    // Indents what a section prints, so that its output stands apart from its code.
    private sealed class IndentedWriter(TextWriter inner) : TextWriter
    {
        private bool _lineStart = true;

        public override System.Text.Encoding Encoding => inner.Encoding;

        public override void Write(char value)
        {
            if (_lineStart && value != '\n') inner.Write("   ");
            inner.Write(value);
            _lineStart = value == '\n';
        }
    }
}
