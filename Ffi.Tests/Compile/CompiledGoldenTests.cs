using Ffi.Compile;
using Ffi.Spec;
using Mono.Cecil;

namespace Ffi.Tests.Compile;

/// <summary>
/// Golden text of small generated types, read back from the written assembly: the member listing of a struct with a
/// bitfield, its accessors' IL, an inline array and a handle. The expected text is written by hand from the C.
/// </summary>
[TestFixture]
public sealed class CompiledGoldenTests
{
    // struct flags { char a; int mode : 3; };   gcc: 4 bytes; mode is bits 0..2 of byte 1, signed.
    private const string Spec = """
        { "version": "1", "lib": "x", "types": {
            "flags": {"kind":"struct","fields":[{"name":"a","type":"char"},{"name":"mode","type":"int","bits":3}]},
            "holder": {"kind":"struct","fields":[{"name":"v","type":{"kind":"array","of":"short","len":3}},{"name":"d","type":"double"}]},
            "db": {"kind":"handle","tag":"db","rep":"pointer"}
        } }
        """;

    private static ModuleDefinition Module() =>
        ModuleDefinition.ReadModule(new MemoryStream(BindingCompiler.Compile(FfiSpec.Parse(Spec), new BindingOptions("Golden")).Assembly));

    [Test]
    public void AStructWithABitfield()
    {
        using var m = Module();
        Assert.That(Listing(m.GetType("Golden.flags")), Is.EqualTo("""
            public sealed explicit struct Golden.flags size 4 pack 0
              [0] public System.SByte a
              [1] private System.Byte <byte>1
              [2] private System.Byte <byte>2
              [3] private System.Byte <byte>3
              System.Int32 mode { get; set; }
            """));
    }

    [Test]
    public void TheBitfieldGetterSignExtendsItsThreeBits()
    {
        using var m = Module();
        Assert.That(Il(m.GetType("Golden.flags").Properties.Single().GetMethod), Is.EqualTo("""
            IL_0000: ldarg.0
            IL_0001: ldc.i4 1
            IL_0006: add
            IL_0007: ldind.u1
            IL_0008: conv.u8
            IL_0009: ldc.i4 61
            IL_000e: shl
            IL_000f: ldc.i4 61
            IL_0014: shr
            IL_0015: conv.i4
            IL_0016: ret
            """));
    }

    [Test]
    public void TheBitfieldSetterKeepsTheOtherFiveBits()
    {
        using var m = Module();
        Assert.That(Il(m.GetType("Golden.flags").Properties.Single().SetMethod), Is.EqualTo("""
            IL_0000: ldarg.0
            IL_0001: ldc.i4 1
            IL_0006: add
            IL_0007: ldarg.0
            IL_0008: ldc.i4 1
            IL_000d: add
            IL_000e: ldind.u1
            IL_000f: ldc.i4 248
            IL_0014: and
            IL_0015: ldarg.1
            IL_0016: conv.u8
            IL_0017: conv.u4
            IL_0018: ldc.i4 7
            IL_001d: and
            IL_001e: or
            IL_001f: stind.i1
            IL_0020: ret
            """));
    }

    [Test]
    public void AnInlineArrayAndItsHolder()
    {
        using var m = Module();
        Assert.That(Listing(m.GetType("Golden.Int16_3")) + "\n" + Listing(m.GetType("Golden.holder")), Is.EqualTo("""
            public sealed sequential struct Golden.Int16_3 [InlineArray(3)]
              private System.Int16 _element0
            public sealed explicit struct Golden.holder size 16 pack 0
              [0] public Golden.Int16_3 v
              [8] public System.Double d
              [6] private System.Byte <byte>6
              [7] private System.Byte <byte>7
            """));
    }

    [Test]
    public void AHandle()
    {
        using var m = Module();
        var db = m.GetType("Golden.db");
        Assert.That(Listing(db) + "\n" + string.Join("\n", db.Methods.Select(x => "  " + x.FullName)), Is.EqualTo("""
            public sealed sequential struct Golden.db [IsReadOnly] : System.IEquatable`1<Golden.db>
              public initonly System.IntPtr Value
              System.Void Golden.db::.ctor(System.IntPtr)
              System.Boolean Golden.db::Equals(Golden.db)
              System.Boolean Golden.db::Equals(System.Object)
              System.Int32 Golden.db::GetHashCode()
              System.Boolean Golden.db::op_Equality(Golden.db,Golden.db)
              System.Boolean Golden.db::op_Inequality(Golden.db,Golden.db)
            """));
    }

    // One line for the type (layout, size, packing, attributes, interfaces), one per field and property.
    private static string Listing(TypeDefinition t)
    {
        var layout = t.IsExplicitLayout ? "explicit" : t.IsSequentialLayout ? "sequential" : "auto";
        var size = t.HasLayoutInfo && t.ClassSize >= 0 ? $" size {t.ClassSize} pack {t.PackingSize}" : "";
        var attrs = t.CustomAttributes.Select(a => a.AttributeType.Name.Replace("Attribute", "", StringComparison.Ordinal)
            + (a.HasConstructorArguments ? $"({string.Join(", ", a.ConstructorArguments.Select(c => c.Value))})" : "")).ToList();
        var interfaces = t.Interfaces.Select(i => i.InterfaceType.FullName).ToList();
        var lines = new List<string>
        {
            $"{(t.IsPublic ? "public " : "")}{(t.IsSealed ? "sealed " : "")}{layout} struct {t.FullName}{size}"
                + (attrs.Count > 0 ? $" [{string.Join(", ", attrs)}]" : "") + (interfaces.Count > 0 ? " : " + string.Join(", ", interfaces) : ""),
        };
        foreach (var f in t.Fields)
            lines.Add($"  {(f.Offset >= 0 ? $"[{f.Offset}] " : "")}{(f.IsPublic ? "public" : "private")}{(f.IsInitOnly ? " initonly" : "")} {f.FieldType.FullName} {f.Name}");
        foreach (var p in t.Properties)
            lines.Add($"  {p.PropertyType.FullName} {p.Name} {{{(p.GetMethod is null ? "" : " get;")}{(p.SetMethod is null ? "" : " set;")} }}");
        return string.Join("\n", lines);
    }

    private static string Il(MethodDefinition m) => string.Join("\n", m.Body.Instructions.Select(i => i.ToString()));
}
