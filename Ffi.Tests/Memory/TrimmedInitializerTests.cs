using Ffi.Memory;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Ffi.Tests.Memory;

/// <summary>
/// An initializer object whose members cannot be read: under PublishTrimmed/NativeAOT an anonymous object's
/// properties may be trimmed away, and `Box("div_t", new { quot = 7, rem = 1 })` silently read back 0 0. An object
/// with no readable member is refused; `new { }` and null still mean zeros. The generic overloads (Box&lt;T&gt;, Set&lt;T&gt;)
/// read through the static type, which the trimmer keeps; what reflection reads over a run-time type is checked
/// (docs/aot.md). The real trimmer and NativeAOT are run on examples/AotCoreExample by Aot/CorePublishTests.
/// </summary>
[TestFixture]
public sealed class TrimmedInitializerTests : MemoryFixture
{
    private sealed class NothingPublic
    {
#pragma warning disable IDE0052, CS0414 // the point: members reflection cannot see
        private readonly int _x = 7;
#pragma warning restore IDE0052, CS0414
    }

    [Test]
    public void AnObjectWithNoReadableMembersIsRefused()
    {
        var e = Assert.Throws<FfiArgumentException>(() => Mem.Box("point", new NothingPublic()))!;
        Assert.That(e.Message, Does.Contain("NothingPublic has no public properties or fields to read").And.Contain("Dictionary<string, object?>"));
    }

    [Test]
    public void AnEmptyAnonymousObjectAndNullStillMeanZeros()
    {
        var empty = Mem.Box("point", new { });
        var none = Mem.Box("point", null);
        Assert.That((Mem.Get(empty, "x"), Mem.Get(none, "y")), Is.EqualTo(((object)0, (object)0)));
        var set = Mem.Box("point", new { x = 7, y = 1 });
        Assert.That((Mem.Get(set, "x"), Mem.Get(set, "y")), Is.EqualTo(((object)7, (object)1)));
    }

    // What trimming leaves of `new { lat = 1.5f, lon = -2.25f }` when nobody reads lon: a type of the compiler's
    // anonymous-type shape (no namespace, one generic parameter per member) with one getter fewer than parameters.
    [Test]
    public void AnAnonymousObjectMissingAMemberIsRefused()
    {
        var e = Assert.Throws<FfiArgumentException>(() => Mem.Box("point", (object)new TrimmedAnonymousType<int, int>(7)))!;
        Assert.That(e.Message, Is.EqualTo("Box(point): anonymous object TrimmedAnonymousType declares 2 members but 1 can be read " +
            "(if it had them, trimming (PublishTrimmed, NativeAOT) removed them): pass the object with its own static type " +
            "(Box<T>/Set<T> keep its members), a Dictionary<string, object?>, or null for zeros (docs/aot.md)"));
    }

    private sealed class SetterOnly
    {
        public int x { set => _ = value; }
    }

    [Test]
    public void APropertyWithASetterButNoGetterIsRefused()
    {
        var e = Assert.Throws<FfiArgumentException>(() => Mem.Box("point", new SetterOnly { x = 1 }))!;
        Assert.That(e.Message, Does.StartWith("Box(point): SetterOnly.x has a setter but no getter (if it had them, trimming"));
    }

    private class Point2
    {
        public int x = 3;
    }

    private sealed class Point3 : Point2
    {
        public int y = 4;
    }

    [Test]
    public void TheGenericOverloadsReadTheStaticTypeAndAnythingElseByItsRunTimeType()
    {
        var named = Mem.Box<Point2>("point", new Point2 { x = 5 });
        Assert.That((Mem.Get(named, "x"), Mem.Get(named, "y")), Is.EqualTo(((object)5, (object)0)));
        // A derived object given as its base type is not the static type's to describe: read as before, whole.
        var derived = Mem.Box<Point2>("point", new Point3());
        Assert.That((Mem.Get(derived, "x"), Mem.Get(derived, "y")), Is.EqualTo(((object)3, (object)4)));
        Mem.Set(derived, "", new { x = 9, y = -9 });
        Assert.That((Mem.Get(derived, "x"), Mem.Get(derived, "y")), Is.EqualTo(((object)9, (object)(-9))));
        Mem.Set<int>(derived, "y", 2);
        Assert.That(Mem.Get(derived, "y"), Is.EqualTo(2));
        using var arena = Mem.CreateArena();
        var inArena = arena.Box("point", new { y = 6 });
        Assert.That((Mem.Get(inArena, "x"), Mem.Get(inArena, "y")), Is.EqualTo(((object)0, (object)6)));
    }

    [Test]
    public void AnObjectGivenToAScalarOrABitfieldIsDescribedAsItselfNotAsItsWrapper()
    {
        var p = Mem.Box("point", new { x = 1 });
        var e = Assert.Throws<FfiArgumentException>(() => Mem.Set(p, "x", new { a = 1 }))!;
        Assert.That(e.Message, Does.Contain("AnonymousType").And.Not.Contain("TypedInitializer"));
    }

    // The point of the generic overloads: C# must pick them for anonymous objects and values of a known type, so that
    // the annotation on T reaches each call site's type; an object typed `object` (or null) takes the object overload.
    [TestCase("mem.Box(\"point\", new { x = 1 })", true)]
    [TestCase("mem.Box(\"point\", new Dictionary<string, object?> { [\"x\"] = 1 })", true)]
    [TestCase("mem.Box(\"point\", (object)new { x = 1 })", false)]
    [TestCase("mem.Box(\"point\", null)", false)]
    [TestCase("mem.Box(\"point\")", false)]
    [TestCase("mem.CreateArena().Box(\"point\", new { x = 1 })", true)]
    [TestCase("mem.Set(p, \"\", new { x = 1 })", true)]
    [TestCase("mem.Set(p, \"x\", 5)", true)]
    [TestCase("mem.Set(p, \"x\", null)", false)]
    public void CSharpPicksTheGenericOverloadForTypedValues(string call, bool generic)
    {
        var source = $$"""
            using System.Collections.Generic;
            using Ffi.Memory;
            static class C { static void M(FfiMemory mem, NativePointer p) { {{call}}; } }
            """;
        var tree = CSharpSyntaxTree.ParseText(source);
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Append(typeof(FfiMemory).Assembly.Location).Distinct().Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create("Calls", [tree], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        Assert.That(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error), Is.Empty);
        var invocation = tree.GetRoot().DescendantNodes().OfType<InvocationExpressionSyntax>().First(); // the outermost call
        var method = (IMethodSymbol)compilation.GetSemanticModel(tree).GetSymbolInfo(invocation).Symbol!;
        Assert.That(method.IsGenericMethod, Is.EqualTo(generic), method.ToDisplayString());
    }
}
