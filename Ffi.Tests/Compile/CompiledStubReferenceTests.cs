using System.Reflection;
using Ffi.Compile;
using Ffi.Spec;
using Mono.Cecil;

namespace Ffi.Tests.Compile;

/// <summary>
/// What an assembly with function stubs references, read back from its bytes: the reference pack's
/// <c>System.Runtime</c> and <c>System.Runtime.InteropServices</c> and <c>Ffi.Core</c>, never
/// <c>System.Private.CoreLib</c> (users compile against the reference pack) nor <c>Ffi.Emit</c> (generated code needs no
/// code generation); every BCL type and member it names is defined where it says, in the reference pack; every
/// <c>Ffi.Core</c> member it names is public (NativeAOT ignores <c>IgnoresAccessChecksTo</c>).
/// </summary>
[TestFixture]
public sealed class CompiledStubReferenceTests
{
    private static IEnumerable<string> ExampleSpecs() => ["libc.json", "libm.json", "zlib.json", "sqlite3.json"];

    private static ModuleDefinition Compile(string file) => ModuleDefinition.ReadModule(new MemoryStream(BindingCompiler.Compile(
        FfiSpec.Load(Path.Combine(AppContext.BaseDirectory, "examples", file)), new BindingOptions("Refs")).Assembly));

    [TestCaseSource(nameof(ExampleSpecs))]
    public void ReferencesTheReferencePackAndFfiCoreOnly(string file)
    {
        using var m = Compile(file);
        Assert.That(m.AssemblyReferences.Select(r => r.Name), Is.SubsetOf(new[] { "System.Runtime", "System.Runtime.InteropServices", "Ffi.Core" }));
        Assert.That(m.AssemblyReferences.Select(r => r.Name), Does.Contain("Ffi.Core"));
    }

    [TestCaseSource(nameof(ExampleSpecs))]
    public void EveryBclTypeAndMemberNamedIsDefinedInTheReferencePack(string file)
    {
        using var m = Compile(file);
        var packs = new Dictionary<string, ModuleDefinition>();
        ModuleDefinition Pack(string name) => packs.TryGetValue(name, out var p) ? p
            : packs[name] = ModuleDefinition.ReadModule(Path.Combine(UserProgram.ReferencePack(), name + ".dll"));
        var missing = new List<string>();
        TypeDefinition? Defined(TypeReference t) => t.Scope is AssemblyNameReference { Name: "System.Runtime" or "System.Runtime.InteropServices" } a
            ? (t.IsNested ? Defined(t.DeclaringType)?.NestedTypes.SingleOrDefault(n => n.Name == t.Name) : Pack(a.Name).GetType(t.Namespace, t.Name))
            : null;
        int bcl = 0;
        foreach (var t in m.GetTypeReferences().Where(t => t.Scope is AssemblyNameReference { Name: not "Ffi.Core" }))
        {
            bcl++;
            if (Defined(t) is null) missing.Add($"type {t.FullName} in {t.Scope.Name}");
        }
        foreach (var r in m.GetMemberReferences())
        {
            var declaring = r.DeclaringType is GenericInstanceType g ? g.ElementType : r.DeclaringType;
            if (declaring.Scope is not AssemblyNameReference { Name: not "Ffi.Core" } || Defined(declaring) is not { } d) continue;
            bool found = r is MethodReference mr
                ? d.Methods.Any(x => x.Name == mr.Name && x.Parameters.Count == mr.Parameters.Count)
                : d.Fields.Any(x => x.Name == r.Name);
            if (!found) missing.Add($"member {r.FullName}");
        }
        foreach (var p in packs.Values) p.Dispose();
        Assert.That(missing, Is.Empty);
        Assert.That(bcl, Is.GreaterThan(0));
    }

    /// <summary>Regression: Cecil stamped the current time into the PE header, and the deterministic MVID hashes it.</summary>
    [Test]
    public void CompilesASecondApartGiveTheSameBytes()
    {
        var spec = FfiSpec.Load(Path.Combine(AppContext.BaseDirectory, "examples", "zlib.json"));
        var first = BindingCompiler.Compile(spec, new BindingOptions("Stamp")).Assembly;
        Thread.Sleep(1100);
        Assert.That(BindingCompiler.Compile(spec, new BindingOptions("Stamp")).Assembly, Is.EqualTo(first));
    }

    [TestCaseSource(nameof(ExampleSpecs))]
    public void EveryFfiCoreMemberNamedIsPublic(string file)
    {
        using var m = Compile(file);
        var core = typeof(FfiException).Assembly;
        var wrong = new List<string>();
        foreach (var r in m.GetMemberReferences().Where(r => r.DeclaringType.Scope.Name == "Ffi.Core"))
        {
            var type = core.GetType(r.DeclaringType.FullName.Replace('/', '+'));
            var members = type?.GetMember(r.Name, BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance) ?? [];
            if (type is not { IsVisible: true } || members.Length == 0) wrong.Add(r.FullName);
        }
        Assert.That(wrong, Is.Empty);
    }
}
