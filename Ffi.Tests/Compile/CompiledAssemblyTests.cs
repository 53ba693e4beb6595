using System.Xml.Linq;
using Ffi.Compile;
using Ffi.Spec;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Mono.Cecil;

namespace Ffi.Tests.Compile;

/// <summary>
/// The generated assembly as a file users compile against: it references <c>System.Runtime</c> only (never
/// <c>System.Private.CoreLib</c>), C# code compiled against the reference pack can use every kind of generated type
/// (and cannot mix two handle types), the same spec gives the same bytes, and the XML doc file carries the spec's docs.
/// </summary>
[TestFixture]
public sealed class CompiledAssemblyTests
{
    private const string Spec = """
        { "version": "1", "lib": "libdemo.so",
          "types": {
            "point": {"kind":"struct","doc":"A point in the plane.","fields":[{"name":"x","type":"int"},{"name":"y","type":"int"}]},
            "flags": {"kind":"struct","fields":[{"name":"a","type":"char"},{"name":"mode","type":"int","bits":3}]},
            "vec3": {"kind":"array","of":"float","len":3},
            "shape": {"kind":"struct","fields":[{"name":"origin","type":"point"},{"name":"v","type":"vec3"},{"name":"kind","type":"color"},
                      {"name":"corners","type":{"kind":"array","of":"point","len":4}},{"name":"","type":{"kind":"union","fields":[{"name":"r","type":"double"},{"name":"n","type":"long"}]}},
                      {"name":"f","type":"flags"},{"name":"next","type":{"kind":"pointer","to":"shape"}}]},
            "color": {"kind":"enum","base":"uint8","doc":"Colours.","values":{"RED":0,"GREEN":1}},
            "db": {"kind":"handle","tag":"db","rep":"pointer"},
            "stmt": {"kind":"handle","tag":"stmt","rep":"pointer"},
            "on_row": {"kind":"funcptr","ret":"int","params":["db","int"]}
          } }
        """;

    private static CompiledBindings Compile() => BindingCompiler.Compile(FfiSpec.Parse(Spec), new BindingOptions("Demo"));

    [Test]
    public void ReferencesSystemRuntimeOnly()
    {
        using var module = ModuleDefinition.ReadModule(new MemoryStream(Compile().Assembly));
        Assert.That(module.AssemblyReferences.Select(r => $"{r.Name} {r.Version}"), Is.EqualTo(new[] { "System.Runtime 10.0.0.0" }));
    }

    [Test]
    public void EveryBclTypeNamedIsDefinedInTheReferencePack()
    {
        using var runtime = ModuleDefinition.ReadModule(Path.Combine(RefPack(), "System.Runtime.dll"));
        var defined = runtime.Types.Select(t => t.FullName).ToHashSet();
        var module = ModuleDefinition.CreateModule("probe", ModuleKind.Dll);
        var table = new BclReferences(module);
        Assert.That(table.All.Select(t => t.FullName), Is.All.Matches<string?>(n => n is not null && defined.Contains(n)));
        Assert.That(table.All.Count(), Is.GreaterThanOrEqualTo(6));
    }

    [Test]
    public void TheSameSpecGivesTheSameBytes()
    {
        var first = Compile();
        var second = Compile();
        Assert.That(second.Assembly, Is.EqualTo(first.Assembly));
        Assert.That(second.XmlDoc, Is.EqualTo(first.XmlDoc));
    }

    [Test]
    public void CSharpCompiledAgainstTheReferencePackUsesTheTypes()
    {
        var diagnostics = CompileUser("""
            using Demo;
            public static class User
            {
                public static float Use()
                {
                    var s = new shape();
                    s.origin.x = 3;
                    s.v[2] = 1.5f;
                    s.corners[3].y = 7;
                    s.kind = color.GREEN;
                    s.r = 2.0;
                    s.f.mode = -2;
                    db a = new db(1), b = new db(1);
                    on_row callback = (handle, n) => handle == a ? n : 0;
                    unsafe { s.next = &s; }
                    return s.v[2] + s.corners[3].y + s.f.mode + (a == b ? 1 : 0) + callback(a, 1) + Native.Library.Length;
                }
            }
            """);
        Assert.That(diagnostics, Is.Empty);
    }

    [Test]
    public void MixingTwoHandleTypesDoesNotCompile()
    {
        var diagnostics = CompileUser("""
            using Demo;
            public static class User
            {
                static void Close(db d) { }
                public static void Use() { Close(new stmt(1)); db d = new stmt(2); d = (db)new stmt(3); nint p = new db(4); }
            }
            """);
        Assert.That(diagnostics.Select(d => d.Split(':')[0]), Is.EqualTo(new[] { "CS1503", "CS0029", "CS0030", "CS0029" }));
    }

    [Test]
    public void TheXmlDocCarriesTheSpecDocs()
    {
        var doc = XDocument.Parse(Compile().XmlDoc);
        var members = doc.Root!.Element("members")!.Elements("member").ToDictionary(m => m.Attribute("name")!.Value, m => m.Element("summary")!.Value);
        Assert.Multiple(() =>
        {
            Assert.That(doc.Root.Element("assembly")!.Element("name")!.Value, Is.EqualTo("Demo.Bindings"));
            Assert.That(members["T:Demo.point"], Is.EqualTo("A point in the plane."));
            Assert.That(members["T:Demo.color"], Is.EqualTo("Colours."));
            Assert.That(members["F:Demo.point.x"], Does.Contain("int x").And.Contain("byte 0"));
            Assert.That(members["P:Demo.flags.mode"], Does.Contain("int mode : 3"));
            Assert.That(members["F:Demo.color.GREEN"], Does.Contain("GREEN"));
            Assert.That(members, Does.ContainKey("M:Demo.db.#ctor(System.IntPtr)"));
            Assert.That(members, Does.ContainKey("M:Demo.db.op_Equality(Demo.db,Demo.db)"));
            Assert.That(members, Does.ContainKey("T:Demo.on_row"));
            Assert.That(members, Does.ContainKey("F:Demo.Native.Library"));
        });
    }

    [Test]
    public void WriteToWritesTheDllAndTheXml()
    {
        var dir = Directory.CreateTempSubdirectory("ctypes-").FullName;
        var dll = Compile().WriteTo(dir);
        Assert.That(dll, Is.EqualTo(Path.Combine(dir, "Demo.Bindings.dll")));
        Assert.That(File.ReadAllBytes(dll), Is.EqualTo(Compile().Assembly));
        Assert.That(File.Exists(Path.Combine(dir, "Demo.Bindings.xml")), Is.True);
        Directory.Delete(dir, recursive: true);
    }

    private static string RefPack() => UserProgram.ReferencePack();

    // Compiles user code against the reference pack and the generated assembly; returns the errors as "CSxxxx: message".
    private static List<string> CompileUser(string source)
    {
        var references = Directory.GetFiles(RefPack(), "*.dll").Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .Append(MetadataReference.CreateFromImage(Compile().Assembly));
        var compilation = CSharpCompilation.Create("User", [CSharpSyntaxTree.ParseText(source)], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true));
        return compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d => $"{d.Id}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}").ToList();
    }
}
