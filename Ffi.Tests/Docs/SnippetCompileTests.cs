using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Ffi.Tests.Docs;

/// <summary>
/// The C# snippets of the documentation compile as a reader would paste them, against Ffi.Core and Ffi.Emit, in a
/// console project with the SDK's implicit usings. README.md (and the packages' READMEs): each block on its own
/// (each must carry its <c>using</c> lines). A page of docs/: its blocks in order, as one program (a page builds on its earlier blocks);
/// blocks that declare types go after the statements, as C# requires.
/// </summary>
[TestFixture]
public sealed class SnippetCompileTests
{
    // What `dotnet new console` (ImplicitUsings) brings.
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    private static readonly Lazy<IReadOnlyList<MetadataReference>> References = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll")
            .Append(typeof(NativeModule).Assembly.Location)
            .Append(typeof(Ffi.Spec.FfiSpec).Assembly.Location)
            .Distinct()
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToList());

    // The repository's README and the packages' READMEs (shown on their NuGet pages).
    public static IEnumerable<TestCaseData> ReadmeBlocks() =>
        new[] { "README.md", "Ffi.Core/README.md", "Ffi.Emit/README.md", "Ffi.Demo/README.md" }
            .SelectMany(readme => DocText.Blocks(DocText.Read(readme), "csharp").Select((b, i) => new TestCaseData(b).SetName($"{readme}, C# block {i + 1}")));

    public static IEnumerable<TestCaseData> Pages() =>
        Directory.GetFiles(Path.Combine(DocText.RepositoryRoot, "docs"), "*.md").Order(StringComparer.Ordinal)
            .Select(p => "docs/" + Path.GetFileName(p))
            .Where(p => DocText.Blocks(DocText.Read(p), "csharp").Count > 0)
            .Select(p => new TestCaseData(p).SetName($"{p}, C# blocks as one program"));

    [TestCaseSource(nameof(ReadmeBlocks))]
    public void EachReadmeBlockCompilesOnItsOwn(string block) => AssertCompiles(Program([block]), "the README block");

    [TestCaseSource(nameof(Pages))]
    public void EachPageCompiles(string page) => AssertCompiles(Program(DocText.Blocks(DocText.Read(page), "csharp")), page);

    [Test]
    public void ABrokenSnippetFails()
    {
        var errors = Errors(Program(["var m = NativeModule.Open(FfiSpec.Load(\"x.json\"));"]));
        Assert.That(errors, Has.Some.Contains("CS0103"), "without its using lines a snippet does not compile");
    }

    // The blocks as one file: their using directives first, then statements, then type declarations.
    private static string Program(IEnumerable<string> blocks)
    {
        var usings = new List<string>();
        var statements = new List<string>();
        var declarations = new List<string>();
        foreach (var block in blocks)
        {
            var lines = block.Split('\n');
            usings.AddRange(lines.Where(IsUsingDirective));
            var body = string.Join('\n', lines.Where(l => !IsUsingDirective(l)));
            (DeclaresTypes(body) ? declarations : statements).Add(body);
        }
        return string.Join('\n', usings.Distinct()) + "\n" + string.Join('\n', statements) + "\n" + string.Join('\n', declarations);
    }

    private static bool IsUsingDirective(string line) =>
        line.StartsWith("using ", StringComparison.Ordinal) && !line.StartsWith("using var ", StringComparison.Ordinal) && line.TrimEnd().EndsWith(';') && !line.Contains('(');

    private static bool DeclaresTypes(string body)
    {
        var first = body.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0 && !l.StartsWith("//", StringComparison.Ordinal)) ?? "";
        return first.StartsWith("record ", StringComparison.Ordinal) || first.StartsWith("struct ", StringComparison.Ordinal)
            || first.StartsWith("class ", StringComparison.Ordinal) || first.StartsWith('[') || first.StartsWith("public ", StringComparison.Ordinal)
            || first.StartsWith("internal ", StringComparison.Ordinal) || first.StartsWith("enum ", StringComparison.Ordinal);
    }

    private static List<string> Errors(string program)
    {
        var options = CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Latest);
        var compilation = CSharpCompilation.Create("Snippet",
            [CSharpSyntaxTree.ParseText(ImplicitUsings, options), CSharpSyntaxTree.ParseText(program, options)],
            References.Value,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: false));
        return compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();
    }

    private static void AssertCompiles(string program, string where)
    {
        var errors = Errors(program);
        Assert.That(errors, Is.Empty, $"{where} does not compile as pasted:\n{program}");
    }
}
