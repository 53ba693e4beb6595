using System.Text.Json;
using System.Text.RegularExpressions;
using Ffi.Spec;
using Ffi.Tests.Oracle;
using Ffi.Types;

namespace Ffi.Tests.Aot;

/// <summary>
/// What examples/AotCoreExample must print, worked out without it: the layout lines by gcc (the oracle compiles
/// <c>struct tm</c>, <c>div_t</c>, <c>ldiv_t</c> from the system headers and <c>reading</c> from the example's own
/// reading.h), the spec line from the JSON, and the values the program writes, from its source. The engine supplies
/// only the member names to ask gcc about, in declaration order.
/// </summary>
internal static class ExpectedCoreOutput
{
    /// <summary>The line a nested anonymous object gives when its members are there (the JIT, no trimming).</summary>
    public const string NestedAnonymousRead = "box reading, nested anonymous object: where.lat 1.5, where.lon -2.25";

    /// <summary>
    /// The line it gives when trimming removed them: refused, naming the place and the count (the type's number
    /// depends on the compiler's order, so it is a pattern).
    /// </summary>
    public static readonly Regex NestedAnonymousRefused = new(
        @"^box reading, nested anonymous object: refused: Box\(struct reading\)\.where: anonymous object <>f__AnonymousType\d+ declares 2 members but 0 can be read " +
        @"\(if it had them, trimming \(PublishTrimmed, NativeAOT\) removed them\): pass the object with its own static type .* \(docs/aot\.md\)$");

    private static readonly Lazy<IReadOnlyList<string>> Computed = new(Compute);

    /// <summary>Every line in order; the nested anonymous object's line is <see cref="NestedAnonymousRead"/>.</summary>
    public static IReadOnlyList<string> Lines => Computed.Value;

    private static string Examples => Path.Combine(TestContext.CurrentContext.TestDirectory, "examples");

    private static IReadOnlyList<string> Compute()
    {
        var libcJson = File.ReadAllText(Path.Combine(Examples, "libc.json"));
        var readingH = File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "reading.h"));
        using var doc = JsonDocument.Parse(libcJson);
        var lines = new List<string>
        {
            $"spec libc.json: lib {doc.RootElement.GetProperty("lib").GetString()}, {doc.RootElement.GetProperty("functions").GetArrayLength()} functions",
        };

        var libc = FfiSpec.Parse(libcJson);
        var readings = FfiSpec.ParseC(readingH, "libc.so.6", "reading.h");
        var cases = new[]
        {
            Case(libc, "tm", "typedef struct tm tm;"),
            Case(libc, "div_t", "typedef div_t div_t;"),
            Case(libc, "ldiv_t", "typedef ldiv_t ldiv_t;"),
            Case(readings, "reading", ""), // reading.h, in the prelude, declares the typedef
        };
        var gcc = GccLayoutOracle.AskGcc(cases, "#include <time.h>\n#include <stdlib.h>\n" + readingH);
        foreach (var c in cases)
        {
            lines.Add($"S {c.Name} {gcc[$"S {c.Name}"]}");
            foreach (var (member, isBitfield) in c.Members)
            {
                var key = $"{(isBitfield ? 'B' : 'O')} {c.Name}.{member}";
                lines.Add($"{key} {gcc[key]}");
            }
        }

        lines.AddRange([
            "box div_t, anonymous object: quot 7, rem 1",
            "box div_t, Box<DivParts>: quot -3, rem 2",
            "set div_t, anonymous object: quot 40, rem 2",
            "box reading, anonymous object: station 83, celsius 21.5, samples 4 -5 6, flags 5, level 17, unit 67",
            "box reading, nested dictionary: where.lat 1.5, where.lon -2.25",
            NestedAnonymousRead,
            "all steps passed",
        ]);
        return lines;
    }

    private static LayoutCase Case(FfiSpec spec, string name, string cDecl) =>
        new(name, "", cDecl, ((AggregateType)spec.Types[name]).Fields.Where(f => !f.IsUnnamed).Select(f => (f.Name, f.IsBitfield)).ToArray());

    /// <summary>
    /// Checks a run's output against the expected lines; <paramref name="trimmed"/> expects the nested anonymous object
    /// refused instead of read.
    /// </summary>
    public static void AssertMatches(string output, bool trimmed)
    {
        var actual = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        var expected = Lines;
        Assert.That(actual, Has.Count.EqualTo(expected.Count), output);
        for (int i = 0; i < expected.Count; i++)
        {
            if (trimmed && expected[i] == NestedAnonymousRead)
                Assert.That(actual[i], Does.Match(NestedAnonymousRefused.ToString()), $"line {i + 1}");
            else
                Assert.That(actual[i], Is.EqualTo(expected[i]), $"line {i + 1}");
        }
    }
}
