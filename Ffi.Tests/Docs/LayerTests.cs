using System.Text.RegularExpressions;

namespace Ffi.Tests.Docs;

/// <summary>
/// The layers of docs/architecture.md, checked on the sources: which folder may import which (by its <c>using</c>
/// directives), that nothing below the facade names the module or function classes, that the runtime layer and the
/// ABI emit nothing, and that Core's folders import each other without cycles.
/// </summary>
[TestFixture]
public sealed partial class LayerTests
{
    // Ffi.Emit, bottom to top: each folder may import the ones listed (and Ffi.Core), never the others.
    private static readonly Dictionary<string, string[]> EmitImports = new()
    {
        ["Shapes"] = [],
        ["Il"] = [],
        ["Runtime"] = ["Shapes"],
        ["Marshallers"] = ["Shapes", "Il", "Runtime"],
        ["Binding"] = ["Shapes", "Il", "Runtime", "Marshallers"],
        ["Downcalls"] = ["Shapes", "Il", "Runtime", "Marshallers", "Binding"],
        ["Callbacks"] = ["Shapes", "Il", "Runtime", "Marshallers", "Binding"],
    };

    private static readonly string[] EmitFolders = [.. EmitImports.Keys];

    public static IEnumerable<string> Folders => EmitImports.Keys;

    [TestCaseSource(nameof(Folders))]
    public void EmitFolderImportsOnlyTheLayersBelow(string folder)
    {
        var wrong = new List<string>();
        foreach (var (file, text) in Sources("Ffi.Emit/" + folder))
            foreach (Match m in UsingRegex().Matches(text))
            {
                var imported = m.Groups[1].Value;
                if (EmitFolders.Contains(imported) && imported != folder && !EmitImports[folder].Contains(imported))
                    wrong.Add($"{file}: using Ffi.{imported}");
            }
        Assert.That(wrong, Is.Empty, $"{folder} may import only {string.Join(", ", EmitImports[folder].DefaultIfEmpty("Ffi.Core"))}");
    }

    [TestCaseSource(nameof(Folders))]
    public void NothingBelowTheFacadeNamesTheModule(string folder)
    {
        var wrong = Sources("Ffi.Emit/" + folder)
            .Where(s => FacadeNameRegex().IsMatch(Code(s.Text)))
            .Select(s => s.File)
            .ToList();
        Assert.That(wrong, Is.Empty, "code below the facade names NativeModule or NativeFunction");
    }

    [TestCase("Ffi.Emit/Runtime")]
    [TestCase("Ffi.Emit/Shapes")]
    [TestCase("Ffi.Core")]
    public void EmitsNothing(string folder)
    {
        var wrong = Sources(folder).Where(s => s.Text.Contains("System.Reflection.Emit", StringComparison.Ordinal)).Select(s => s.File).ToList();
        Assert.That(wrong, Is.Empty);
    }

    [Test]
    public void CoreFoldersHaveNoCycles()
    {
        var root = Path.Combine(DocText.RepositoryRoot, "Ffi.Core");
        var folders = Directory.GetDirectories(root).Select(Path.GetFileName).Where(f => f is not ("bin" or "obj")).ToList();
        var edges = folders.ToDictionary(f => f!, f => Sources("Ffi.Core/" + f)
            .SelectMany(s => UsingRegex().Matches(s.Text).Select(m => m.Groups[1].Value))
            .Where(i => i != f && folders.Contains(i)).ToHashSet());
        Assert.That(edges, Has.Count.GreaterThan(4));
        var cycles = new List<string>();
        foreach (var start in edges.Keys)
            if (Reaches(edges, start, start, [])) cycles.Add(start);
        Assert.That(cycles, Is.Empty, "folders of Ffi.Core on an import cycle");
    }

    private static bool Reaches(Dictionary<string, HashSet<string>> edges, string from, string target, HashSet<string> seen)
    {
        foreach (var next in edges[from])
        {
            if (next == target) return true;
            if (seen.Add(next) && Reaches(edges, next, target, seen)) return true;
        }
        return false;
    }

    private static List<(string File, string Text)> Sources(string folder)
    {
        var dir = Path.Combine(DocText.RepositoryRoot, folder);
        var sep = Path.DirectorySeparatorChar;
        var files = Directory.GetFiles(dir, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{sep}obj{sep}", StringComparison.Ordinal) && !f.Contains($"{sep}bin{sep}", StringComparison.Ordinal))
            .Select(f => (Path.GetRelativePath(DocText.RepositoryRoot, f), File.ReadAllText(f)))
            .ToList();
        Assert.That(files, Is.Not.Empty, folder);
        return files;
    }

    // The text without comments and string literals.
    private static string Code(string text) => StringRegex().Replace(CommentRegex().Replace(text, ""), "\"\"");

    [GeneratedRegex(@"^using Ffi\.(\w+);", RegexOptions.Multiline)]
    private static partial Regex UsingRegex();

    [GeneratedRegex(@"\b(NativeModule|NativeFunction)\b")]
    private static partial Regex FacadeNameRegex();

    [GeneratedRegex(@"//[^\n]*")]
    private static partial Regex CommentRegex();

    [GeneratedRegex(@"""(?:[^""\\\n]|\\.)*""")]
    private static partial Regex StringRegex();
}
