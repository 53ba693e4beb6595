using System.Text.RegularExpressions;

namespace Ffi.Tests.Docs;

/// <summary>
/// Reads the documentation of the repository (docs/*.md) so that tests can hold a page to the code they run: its
/// fenced code blocks, and the outputs its examples show in comments.
/// </summary>
internal static partial class DocText
{
    /// <summary>The repository's root: the nearest folder above the test binaries that holds Ffi.sln.</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Ffi.sln"))) return dir.FullName;
            throw new InvalidOperationException("Ffi.sln not found above " + TestContext.CurrentContext.TestDirectory);
        }
    }

    /// <summary>The text of a file of the repository, e.g. <c>docs/errors.md</c>.</summary>
    public static string Read(string relativePath) => File.ReadAllText(Path.Combine(RepositoryRoot, relativePath)).Replace("\r\n", "\n", StringComparison.Ordinal);

    /// <summary>The fenced code blocks of a markdown page whose info string is <paramref name="language"/>, in order.</summary>
    public static IReadOnlyList<string> Blocks(string markdown, string language) =>
        FenceRegex().Matches(markdown).Where(m => m.Groups[1].Value == language).Select(m => m.Groups[2].Value).ToList();

    /// <summary>
    /// The lines of C# blocks with what they print: for each line that calls <c>Console.WriteLine</c>, the text of its
    /// trailing <c>// comment</c>, which is the output the page promises.
    /// </summary>
    public static IReadOnlyList<string> PromisedOutput(IEnumerable<string> csharpBlocks) =>
        csharpBlocks.SelectMany(b => b.Split('\n'))
            .Where(l => l.Contains("Console.WriteLine(", StringComparison.Ordinal))
            .Select(l => l[(l.LastIndexOf("// ", StringComparison.Ordinal) + 3)..].TrimEnd())
            .ToList();

    /// <summary>The statements of C# blocks without comments, using directives or blank lines, trimmed.</summary>
    public static IReadOnlyList<string> CodeLines(IEnumerable<string> csharpBlocks) =>
        csharpBlocks.SelectMany(b => b.Split('\n'))
            .Select(l => l.Contains("// ", StringComparison.Ordinal) ? l[..l.IndexOf("// ", StringComparison.Ordinal)] : l)
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !(l.StartsWith("using ", StringComparison.Ordinal) && !l.StartsWith("using var ", StringComparison.Ordinal)))
            .ToList();

    [GeneratedRegex(@"^```([a-z]*)\n(.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FenceRegex();
}
