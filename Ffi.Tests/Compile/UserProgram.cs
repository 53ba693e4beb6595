using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Ffi.Tests.Compile;

/// <summary>
/// User C# compiled with Roslyn against the framework's reference pack, <c>Ffi.Core</c> and a generated bindings
/// assembly — as a user's build compiles it — then loaded with the bindings into a collectible context and run.
/// </summary>
internal static class UserProgram
{
    /// <summary>The framework's reference assemblies, as a user's build compiles against them (not the runtime's implementation).</summary>
    public static string ReferencePack()
    {
        var shared = Path.GetDirectoryName(typeof(object).Assembly.Location)!;               // …/shared/Microsoft.NETCore.App/10.0.x
        var root = Path.GetFullPath(Path.Combine(shared, "..", "..", ".."));
        var version = Path.GetFileName(shared);
        var dir = Path.Combine(root, "packs", "Microsoft.NETCore.App.Ref", version, "ref", "net10.0");
        Assert.That(Directory.Exists(dir), Is.True, $"the reference pack is not at {dir}");
        return dir;
    }

    /// <summary>Compiles <paramref name="source"/> against the reference pack and <paramref name="bindings"/>; returns the image and the errors (<c>CSxxxx: message</c>).</summary>
    public static (byte[]? Image, List<string> Errors) Compile(string source, byte[] bindings, bool withCore = false)
    {
        var references = Directory.GetFiles(ReferencePack(), "*.dll").Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .Append(MetadataReference.CreateFromImage(bindings));
        if (withCore) references = references.Append(MetadataReference.CreateFromFile(typeof(FfiException).Assembly.Location));
        var compilation = CSharpCompilation.Create("User", [CSharpSyntaxTree.ParseText(source)], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true));
        using var pe = new MemoryStream();
        var result = compilation.Emit(pe);
        var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d => $"{d.Id}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}").ToList();
        return (result.Success ? pe.ToArray() : null, errors);
    }

    /// <summary>Compiles <paramref name="source"/> and runs its <c>User.Run()</c>, which returns a string.</summary>
    public static string Run(string source, byte[] bindings)
    {
        var (image, errors) = Compile(source, bindings, withCore: true);
        Assert.That(errors, Is.Empty);
        var context = new AssemblyLoadContext("user-program", isCollectible: true);
        try
        {
            context.LoadFromStream(new MemoryStream(bindings));
            var user = context.LoadFromStream(new MemoryStream(image!));
            return (string)Downcalls.TypedSignature.Call(user.GetType("User")!.GetMethod("Run", BindingFlags.Public | BindingFlags.Static)!, null, [])!;
        }
        finally
        {
            context.Unload();
        }
    }
}
