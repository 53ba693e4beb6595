using System.Globalization;
using System.Text;
using Ffi.Spec;
using Ffi.Types;

namespace Ffi.Tests.Oracle;

/// <summary>
/// Asks gcc and the engine the same questions about a set of types and returns both answers as
/// comparable lines: <c>S NAME size align</c>, <c>O NAME.member bitoffset</c> for ordinary members and
/// <c>B NAME.member firstbit width</c> for bitfields. gcc measures a bitfield by storing all ones into
/// it in a zeroed object and finding the set bits — no formula of ours is involved on the C side.
/// </summary>
internal static class GccLayoutOracle
{
    public static Dictionary<string, string> AskGcc(IReadOnlyList<LayoutCase> cases, string prelude = "")
    {
        var c = new StringBuilder();
        c.AppendLine("""
            #include <stdio.h>
            #include <stddef.h>
            #include <stdint.h>
            #include <string.h>
            #include <stdbool.h>
            #include <sys/types.h>
            static void bits(const char *key, const unsigned char *p, size_t n) {
              long first = -1, count = 0;
              for (size_t i = 0; i < n * 8; i++)
                if (p[i / 8] >> (i % 8) & 1) { if (first < 0) first = (long)i; count++; }
              printf("B %s %ld %ld\n", key, first, count);
            }
            """);
        c.AppendLine(prelude);
        foreach (var k in cases) c.AppendLine(k.CDecl);
        c.AppendLine("int main(void) {");
        foreach (var k in cases)
        {
            c.AppendLine(CultureInfo.InvariantCulture, $"  printf(\"S {k.Name} %zu %zu\\n\", sizeof({k.Name}), _Alignof({k.Name}));");
            foreach (var (path, isBitfield) in k.Members)
            {
                if (isBitfield)
                    c.AppendLine(CultureInfo.InvariantCulture,
                        $"  {{ static {k.Name} x; memset(&x, 0, sizeof x); x.{path} = -1; if (!x.{path}) x.{path} = 1; bits(\"{k.Name}.{path}\", (const unsigned char*)&x, sizeof x); }}");
                else
                    c.AppendLine(CultureInfo.InvariantCulture, $"  printf(\"O {k.Name}.{path} %zu\\n\", offsetof({k.Name}, {path}) * 8);");
            }
        }
        c.AppendLine("  return 0;\n}");
        var output = Gcc.CompileAndRun(c.ToString(), "layout");
        return Lines(output);
    }

    /// <summary>The engine's answers for the same questions, from the resolved types.</summary>
    public static Dictionary<string, string> AskEngine(FfiSpec spec, IReadOnlyList<LayoutCase> cases)
    {
        var lines = new List<string>();
        foreach (var k in cases)
        {
            var t = spec.Types[k.Name];
            lines.Add(F($"S {k.Name} {t.Size} {t.Align}"));
            foreach (var (path, isBitfield) in k.Members)
            {
                var (bitOffset, field) = Find(t, path);
                lines.Add(isBitfield ? F($"B {k.Name}.{path} {bitOffset} {field.BitWidth}") : F($"O {k.Name}.{path} {bitOffset}"));
            }
        }
        return Lines(string.Join('\n', lines));
    }

    /// <summary>Walks a member designator such as <c>in.b</c> through nested aggregates, adding offsets.</summary>
    public static (long BitOffset, CField Field) Find(CType type, string path)
    {
        long offset = 0;
        CField? field = null;
        foreach (var part in path.Split('.'))
        {
            var agg = (AggregateType)(field?.Type ?? type);
            field = agg.GetField(part);
            offset += field.BitOffset;
        }
        return (offset, field!);
    }

    /// <summary>Builds a spec holding every case's type under its name.</summary>
    public static string SpecJson(IReadOnlyList<LayoutCase> cases, string extraTypes = "")
    {
        var types = string.Join(",\n", cases.Select(k => $"\"{k.Name}\": {k.SpecJson}"));
        if (extraTypes.Length > 0) types = extraTypes + ",\n" + types;
        return $$"""{ "version": "1", "lib": "libc.so.6", "types": { {{types}} } }""";
    }

    /// <summary>Lists every disagreement, one per line, with both answers.</summary>
    public static List<string> Diff(Dictionary<string, string> gcc, Dictionary<string, string> engine)
    {
        var diffs = new List<string>();
        foreach (var (key, g) in gcc)
            if (!engine.TryGetValue(key, out var e) || e != g) diffs.Add($"{key}: gcc {g}, engine {e ?? "(missing)"}");
        foreach (var key in engine.Keys.Where(k => !gcc.ContainsKey(k)))
            diffs.Add($"{key}: engine only");
        return diffs;
    }

    private static Dictionary<string, string> Lines(string text)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split(' ', 3);
            d[parts[0] + " " + parts[1]] = parts[2];
        }
        return d;
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
