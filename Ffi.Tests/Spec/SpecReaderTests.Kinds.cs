using System.Text;
using NUnit.Framework;
using Ffi.Spec;
using Ffi.Types;

namespace Ffi.Tests.Spec;

/// <summary>The spec reader: every kind of type object and its keys.</summary>
public sealed partial class SpecReaderTests
{
    // ------------------------------------------------------------------------------------------
    // Kinds
    // ------------------------------------------------------------------------------------------

    [Test]
    public void VoidKind()
    {
        var spec = ParseTypes("{'v':{'kind':'void','doc':'nothing'},'vp':{'kind':'pointer','to':'v'}}");
        var v = Declared<VoidType>(spec, "v");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(v.Kind, Is.EqualTo(CTypeKind.Void));
            Assert.That(v.Size, Is.Zero);
            Assert.That(v.Align, Is.EqualTo(1));
            Assert.That(v.Name, Is.EqualTo("v"));
            Assert.That(v.Doc, Is.EqualTo("nothing"));
            Assert.That(Declared<PointerType>(spec, "vp").Pointee, Is.SameAs(v));
        }
    }

    [TestCase(8, true, -128L, 127UL)]
    [TestCase(8, false, 0L, 255UL)]
    [TestCase(16, true, -32768L, 32767UL)]
    [TestCase(16, false, 0L, 65535UL)]
    [TestCase(32, true, -2147483648L, 2147483647UL)]
    [TestCase(32, false, 0L, 4294967295UL)]
    [TestCase(64, true, long.MinValue, 9223372036854775807UL)]
    [TestCase(64, false, 0L, ulong.MaxValue)]
    public void IntKind(int bits, bool signed, long min, ulong max)
    {
        var spec = ParseTypes($"{{'t':{{'kind':'int','bits':{bits},'signed':{(signed ? "true" : "false")}}}}}");
        var t = Declared<IntType>(spec, "t");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(t.Kind, Is.EqualTo(CTypeKind.Int));
            Assert.That(t.Bits, Is.EqualTo(bits));
            Assert.That(t.IsSigned, Is.EqualTo(signed));
            Assert.That(t.IsBool, Is.False);
            Assert.That(t.Size, Is.EqualTo(bits / 8));
            Assert.That(t.Align, Is.EqualTo(bits / 8));
            Assert.That(t.MinValue, Is.EqualTo(min));
            Assert.That(t.MaxValue, Is.EqualTo(max));
            Assert.That(t.Name, Is.EqualTo("t"));
        }
    }

    [TestCase(32, 4)]
    [TestCase(64, 8)]
    public void FloatKind(int bits, int size)
    {
        var spec = ParseTypes($"{{'t':{{'kind':'float','bits':{bits}}}}}");
        var t = Declared<FloatType>(spec, "t");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(t.Kind, Is.EqualTo(CTypeKind.Float));
            Assert.That(t.Bits, Is.EqualTo(bits));
            Assert.That(t.Size, Is.EqualTo(size));
            Assert.That(t.Align, Is.EqualTo(size));
        }
    }

    [Test]
    public void PointerKind()
    {
        var spec = ParseTypes("{'fdp':{'kind':'pointer','to':'int','tag':'fd'},'pp':{'kind':'pointer','to':'fdp'}}");
        var fdp = Declared<PointerType>(spec, "fdp");
        var pp = Declared<PointerType>(spec, "pp");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(fdp.Kind, Is.EqualTo(CTypeKind.Pointer));
            Assert.That(fdp.Tag, Is.EqualTo("fd"));
            Assert.That(fdp.Pointee, Is.SameAs(BuiltinTypes.All["int"]));
            Assert.That(fdp.Size, Is.EqualTo(8));
            Assert.That(fdp.Align, Is.EqualTo(8));
            Assert.That(fdp.IsCharPointer, Is.False);
            Assert.That(pp.Tag, Is.Null);
            Assert.That(pp.Pointee, Is.SameAs(fdp));
        }
    }

    [Test]
    public void SelfReferencingLinkedList()
    {
        var spec = ParseTypes("""
            { 'node': { 'kind': 'struct', 'fields': [
                  { 'name': 'value', 'type': 'int' },
                  { 'name': 'next', 'type': { 'kind': 'pointer', 'to': 'node' } },
                  { 'name': 'prev', 'type': 'node_ptr' } ] },
              'node_ptr': { 'kind': 'pointer', 'to': 'node' } }
            """);
        var node = Declared<StructType>(spec, "node");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(node.Size, Is.EqualTo(24));
            Assert.That(node.Align, Is.EqualTo(8));
            Assert.That(node.Fields.Select(f => f.Offset), Is.EqualTo(new long[] { 0, 8, 16 }));
            Assert.That(((PointerType)node.GetField("next").Type).Pointee, Is.SameAs(node));
            Assert.That(node.GetField("next").TypeName, Is.EqualTo("node*"));
            Assert.That(node.GetField("prev").Type, Is.SameAs(spec.Types["node_ptr"]));
            Assert.That(node.GetField("prev").TypeName, Is.EqualTo("node_ptr"));
            Assert.That(((PointerType)spec.Types["node_ptr"]).Pointee, Is.SameAs(node));
        }
    }

    [Test]
    public void ArrayKindWithLength()
    {
        var spec = ParseTypes("{'a':{'kind':'array','of':'int16','len':5},'e':{'kind':'array','of':'double','len':0}}");
        var a = Declared<ArrayType>(spec, "a");
        var e = Declared<ArrayType>(spec, "e");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(a.Kind, Is.EqualTo(CTypeKind.Array));
            Assert.That(a.Element, Is.SameAs(BuiltinTypes.All["int16"]));
            Assert.That(a.Length, Is.EqualTo(5));
            Assert.That(a.IsFlexible, Is.False);
            Assert.That(a.Size, Is.EqualTo(10));
            Assert.That(a.Align, Is.EqualTo(2));
            Assert.That(e.Length, Is.Zero);
            Assert.That(e.Size, Is.Zero);
            Assert.That(e.Align, Is.EqualTo(8));
        }
    }

    [Test]
    public void FlexibleArrayAsLastStructField()
    {
        var spec = ParseTypes("""
            { 'flex': { 'kind': 'array', 'of': 'double' },
              'msg': { 'kind': 'struct', 'fields': [ { 'name': 'n', 'type': 'int' }, { 'name': 'data', 'type': { 'kind': 'array', 'of': 'double' } } ] },
              'msg2': { 'kind': 'struct', 'fields': [ { 'name': 'n', 'type': 'char' }, { 'name': 'data', 'type': 'flex' } ] },
              'fp': { 'kind': 'pointer', 'to': 'flex' } }
            """);
        var flex = Declared<ArrayType>(spec, "flex");
        var msg = Declared<StructType>(spec, "msg");
        var msg2 = Declared<StructType>(spec, "msg2");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(flex.IsFlexible, Is.True);
            Assert.That(flex.Length, Is.Null);
            Assert.That(flex.Size, Is.Zero);
            Assert.That(flex.Align, Is.EqualTo(8));
            Assert.That(msg.HasFlexibleArray, Is.True);
            Assert.That(msg.GetField("data").Type, Is.InstanceOf<ArrayType>().With.Property(nameof(ArrayType.IsFlexible)).True);
            Assert.That(msg.GetField("data").Offset, Is.EqualTo(8));
            Assert.That(msg.Size, Is.EqualTo(8));
            Assert.That(msg.Align, Is.EqualTo(8));
            Assert.That(msg2.GetField("data").Type, Is.SameAs(flex));
            Assert.That(msg2.Size, Is.EqualTo(8));
            Assert.That(((PointerType)spec.Types["fp"]).Pointee, Is.SameAs(flex));
        }
    }

    [Test]
    public void StructKind()
    {
        var spec = ParseTypes("""
            { 'point': { 'kind': 'struct', 'doc': 'a point', 'fields': [ { 'name': 'x', 'type': 'int' }, { 'name': 'y', 'type': 'float' } ] },
              'packed': { 'kind': 'struct', 'packed': true, 'fields': [ { 'name': 'a', 'type': 'uint8' }, { 'name': 'b', 'type': 'int32' } ] },
              'aligned': { 'kind': 'struct', 'align': 16, 'fields': [ { 'name': 'x', 'type': 'int' } ] },
              'bits': { 'kind': 'struct', 'fields': [ { 'name': 'a', 'type': 'uint32', 'bits': 3 }, { 'name': 'b', 'type': 'uint32', 'bits': 5 },
                                                      { 'name': '', 'type': 'uint32', 'bits': 0 }, { 'name': 'c', 'type': 'uint8' } ] },
              'empty': { 'kind': 'struct', 'fields': [] } }
            """);
        var point = Declared<StructType>(spec, "point");
        var packed = Declared<StructType>(spec, "packed");
        var aligned = Declared<StructType>(spec, "aligned");
        var bits = Declared<StructType>(spec, "bits");
        var empty = Declared<StructType>(spec, "empty");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(point.Kind, Is.EqualTo(CTypeKind.Struct));
            Assert.That(point.Doc, Is.EqualTo("a point"));
            Assert.That(point.Fields.Select(f => f.Name), Is.EqualTo(new[] { "x", "y" }));
            Assert.That(point.Fields.Select(f => f.Offset), Is.EqualTo(new long[] { 0, 4 }));
            Assert.That(point.GetField("y").Type, Is.SameAs(BuiltinTypes.All["float"]));
            Assert.That(point.GetField("y").TypeName, Is.EqualTo("float"));
            Assert.That(point.Size, Is.EqualTo(8));
            Assert.That(point.Align, Is.EqualTo(4));
            Assert.That(point.IsPacked, Is.False);
            Assert.That(point.RequestedAlign, Is.Null);

            Assert.That(packed.IsPacked, Is.True);
            Assert.That(packed.GetField("b").Offset, Is.EqualTo(1));
            Assert.That(packed.Size, Is.EqualTo(5));
            Assert.That(packed.Align, Is.EqualTo(1));

            Assert.That(aligned.RequestedAlign, Is.EqualTo(16));
            Assert.That(aligned.Size, Is.EqualTo(16));
            Assert.That(aligned.Align, Is.EqualTo(16));

            // struct { uint32_t a:3, b:5, :0; uint8_t c; }: c starts the next 4-byte unit.
            Assert.That(bits.Fields.Select(f => f.BitOffset), Is.EqualTo(new long[] { 0, 3, 32, 32 }));
            Assert.That(bits.Fields.Select(f => f.BitWidth), Is.EqualTo(new int?[] { 3, 5, 0, null }));
            Assert.That(bits.Fields[2].IsUnnamed, Is.True);
            Assert.That(bits.Size, Is.EqualTo(8));
            Assert.That(bits.Align, Is.EqualTo(4));

            Assert.That(empty.Fields, Is.Empty);
            Assert.That(empty.Size, Is.Zero);
            Assert.That(empty.Align, Is.EqualTo(1));
        }
    }

    [Test]
    public void UnionKind()
    {
        var spec = ParseTypes("""
            { 'u': { 'kind': 'union', 'fields': [ { 'name': 'i', 'type': 'int' }, { 'name': 'd', 'type': 'double' },
                                                  { 'name': 'c', 'type': { 'kind': 'array', 'of': 'char', 'len': 11 } } ] } }
            """);
        var u = Declared<UnionType>(spec, "u");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(u.Kind, Is.EqualTo(CTypeKind.Union));
            Assert.That(u.Fields.Select(f => f.Name), Is.EqualTo(new[] { "i", "d", "c" }));
            Assert.That(u.Fields.Select(f => f.Offset), Is.All.Zero);
            Assert.That(u.Size, Is.EqualTo(16));
            Assert.That(u.Align, Is.EqualTo(8));
            Assert.That(u.GetField("c").TypeName, Is.EqualTo("char[11]"));
        }
    }

    [Test]
    public void EnumKind()
    {
        var spec = ParseTypes("""
            { 'color': { 'kind': 'enum', 'base': 'uint8', 'values': { 'RED': 3, 'GREEN': 1, 'BLUE': 2, 'ALSO_RED': 3 } },
              'wide': { 'kind': 'enum', 'base': 'int64', 'values': { 'LO': -9223372036854775808, 'HI': 9223372036854775807 } },
              'byalias': { 'kind': 'enum', 'base': 'myint' },
              'myint': 'int16' }
            """);
        var color = Declared<EnumType>(spec, "color");
        var wide = Declared<EnumType>(spec, "wide");
        var byAlias = Declared<EnumType>(spec, "byalias");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(color.Kind, Is.EqualTo(CTypeKind.Enum));
            Assert.That(color.Base, Is.SameAs(BuiltinTypes.All["uint8"]));
            Assert.That(color.Values.Select(v => v.Key), Is.EqualTo(new[] { "RED", "GREEN", "BLUE", "ALSO_RED" }));
            Assert.That(color.Values.Select(v => v.Value), Is.EqualTo(new long[] { 3, 1, 2, 3 }));
            Assert.That(color.Size, Is.EqualTo(1));
            Assert.That(color.Align, Is.EqualTo(1));
            Assert.That(wide.Values.Select(v => v.Value), Is.EqualTo(new[] { long.MinValue, long.MaxValue }));
            Assert.That(wide.Size, Is.EqualTo(8));
            Assert.That(byAlias.Base, Is.SameAs(BuiltinTypes.All["int16"]));
            Assert.That(byAlias.Values, Is.Empty);
            Assert.That(byAlias.Size, Is.EqualTo(2));
        }
    }

    [Test]
    public void FuncPtrKind()
    {
        var spec = ParseTypes("""
            { 'cb': { 'kind': 'funcptr', 'ret': 'int', 'params': [ 'pointer', { 'kind': 'pointer', 'to': 'char' } ], 'variadic': true },
              'thunk': { 'kind': 'funcptr', 'ret': 'void', 'params': [] },
              's': { 'kind': 'struct', 'fields': [ { 'name': 'f', 'type': { 'kind': 'funcptr', 'ret': 's', 'params': [ 's', 'cb' ] } } ] } }
            """);
        var cb = Declared<FuncPtrType>(spec, "cb");
        var thunk = Declared<FuncPtrType>(spec, "thunk");
        var s = Declared<StructType>(spec, "s");
        var inner = (FuncPtrType)s.GetField("f").Type;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(cb.Kind, Is.EqualTo(CTypeKind.FuncPtr));
            Assert.That(cb.Return, Is.SameAs(BuiltinTypes.All["int"]));
            Assert.That(cb.Parameters, Has.Count.EqualTo(2));
            Assert.That(cb.Parameters[0], Is.SameAs(BuiltinTypes.All["pointer"]));
            Assert.That(((PointerType)cb.Parameters[1]).Pointee, Is.SameAs(BuiltinTypes.All["char"]));
            Assert.That(cb.IsVariadic, Is.True);
            Assert.That(cb.Size, Is.EqualTo(8));
            Assert.That(cb.Align, Is.EqualTo(8));
            Assert.That(thunk.Return, Is.InstanceOf<VoidType>());
            Assert.That(thunk.Parameters, Is.Empty);
            Assert.That(thunk.IsVariadic, Is.False);
            // A struct may hold a pointer to a function that takes and returns the struct by value.
            Assert.That(inner.Return, Is.SameAs(s));
            Assert.That(inner.Parameters, Is.EqualTo(new CType[] { s, cb }));
            Assert.That(inner.DisplayName, Is.EqualTo("s (*)(s, cb)"));
            Assert.That(s.Size, Is.EqualTo(8));
        }
    }

    [Test]
    public void AnonymousFuncPtrDisplayName()
    {
        var spec = Parse("'variables':[{'name':'v','type':{'kind':'funcptr','ret':'int','params':['pointer',{'kind':'pointer','to':'char'}],'variadic':true}}," +
                         "{'name':'w','type':{'kind':'funcptr','ret':'void','params':[],'variadic':true}}]");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(spec.Variables[0].Type.DisplayName, Is.EqualTo("int (*)(pointer, char*, ...)"));
            Assert.That(spec.Variables[1].Type.DisplayName, Is.EqualTo("void (*)(...)"));
        }
    }

    [Test]
    public void AliasesInBothFormsResolveTransitively()
    {
        var spec = ParseTypes("""
            { 'size_t2': 'ulong',
              'a': 'b', 'b': { 'kind': 'alias', 'to': 'c', 'doc': 'ignored' }, 'c': 'int32',
              'pt': 'point', 'point': { 'kind': 'struct', 'fields': [ { 'name': 'x', 'type': 'a' } ] } }
            """);
        var point = Declared<StructType>(spec, "point");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(spec.Types["size_t2"], Is.SameAs(BuiltinTypes.All["ulong"]));
            Assert.That(spec.Types["a"], Is.SameAs(BuiltinTypes.All["int32"]));
            Assert.That(spec.Types["b"], Is.SameAs(BuiltinTypes.All["int32"]));
            Assert.That(spec.Types["c"], Is.SameAs(BuiltinTypes.All["int32"]));
            Assert.That(spec.Types["pt"], Is.SameAs(point));
            Assert.That(point.GetField("x").Type, Is.SameAs(BuiltinTypes.All["int32"]));
            Assert.That(point.GetField("x").TypeName, Is.EqualTo("a"));
            Assert.That(spec.Types.Names, Is.EqualTo(new[] { "size_t2", "a", "b", "c", "pt", "point" }));
            Assert.That(new[] { "size_t2", "a", "b", "c", "pt" }.Select(spec.Types.IsAlias), Is.All.True);
            Assert.That(spec.Types.IsAlias("point"), Is.False);
            Assert.That(spec.Types.IsAlias("ulong"), Is.False);
            Assert.That(spec.Types.IsDeclared("size_t2"), Is.True);
        }
    }

    [Test]
    public void HandleKind()
    {
        var spec = ParseTypes("""
            { 'db': { 'kind': 'handle', 'tag': 'sqlite3', 'rep': 'pointer' },
              'fd': { 'kind': 'handle', 'tag': 'fd', 'rep': 'int' },
              'stmt': { 'kind': 'handle', 'tag': 'stmt', 'rep': { 'kind': 'pointer', 'to': 'node' } },
              'node': { 'kind': 'struct', 'fields': [ { 'name': 'self', 'type': 'stmt' } ] },
              'wrapped': { 'kind': 'handle', 'tag': 'w', 'rep': 'fd' },
              'e': { 'kind': 'handle', 'tag': 'e', 'rep': { 'kind': 'enum', 'base': 'uint16' } },
              'f': { 'kind': 'handle', 'tag': 'f', 'rep': { 'kind': 'funcptr', 'ret': 'void', 'params': [] } } }
            """);
        var db = Declared<HandleType>(spec, "db");
        var fd = Declared<HandleType>(spec, "fd");
        var stmt = Declared<HandleType>(spec, "stmt");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(db.Kind, Is.EqualTo(CTypeKind.Handle));
            Assert.That(db.Tag, Is.EqualTo("sqlite3"));
            Assert.That(db.Rep, Is.SameAs(BuiltinTypes.All["pointer"]));
            Assert.That(db.Size, Is.EqualTo(8));
            Assert.That(fd.Rep, Is.SameAs(BuiltinTypes.All["int"]));
            Assert.That(fd.Size, Is.EqualTo(4));
            Assert.That(fd.Align, Is.EqualTo(4));
            Assert.That(((PointerType)stmt.Rep).Pointee, Is.SameAs(spec.Types["node"]));
            Assert.That(Declared<HandleType>(spec, "wrapped").Rep, Is.SameAs(fd));
            Assert.That(Declared<HandleType>(spec, "e").Size, Is.EqualTo(2));
            Assert.That(Declared<HandleType>(spec, "f").Rep, Is.InstanceOf<FuncPtrType>());
        }
    }

    [Test]
    public void InlineTypeObjectsEverywhereAndNotExported()
    {
        var spec = Parse("""
            'types': {
              's': { 'kind': 'struct', 'fields': [
                { 'name': 'p', 'type': { 'kind': 'pointer', 'to': { 'kind': 'int', 'bits': 16, 'signed': false } } },
                { 'name': 'a', 'type': { 'kind': 'array', 'of': { 'kind': 'float', 'bits': 32 }, 'len': 3 } },
                { 'name': 'cb', 'type': { 'kind': 'funcptr', 'ret': { 'kind': 'int', 'bits': 8, 'signed': true }, 'params': [ { 'kind': 'pointer', 'to': 's' } ] } },
                { 'name': 'h', 'type': { 'kind': 'handle', 'tag': 't', 'rep': { 'kind': 'pointer', 'to': { 'kind': 'void' } } } },
                { 'name': 'in', 'type': { 'kind': 'struct', 'name': 'Inner', 'doc': 'inner doc', 'fields': [ { 'name': 'x', 'type': 'int' } ] } } ] } },
            'functions': [ { 'name': 'f', 'ret': { 'kind': 'pointer', 'to': 's' },
                             'params': [ { 'kind': 'enum', 'base': 'int', 'values': { 'A': 1 } }, { 'kind': 'alias', 'to': 's' } ] } ],
            'variables': [ { 'name': 'v', 'type': { 'kind': 'union', 'fields': [ { 'name': 'i', 'type': 'int' } ] } } ]
            """);
        var s = Declared<StructType>(spec, "s");
        var p = (PointerType)s.GetField("p").Type;
        var a = (ArrayType)s.GetField("a").Type;
        var cb = (FuncPtrType)s.GetField("cb").Type;
        var h = (HandleType)s.GetField("h").Type;
        var inner = (StructType)s.GetField("in").Type;
        var f = spec.Functions[0];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(spec.Types.Names, Is.EqualTo(new[] { "s" }));
            Assert.That(p.Name, Is.Null);
            Assert.That(p.Pointee, Is.InstanceOf<IntType>().With.Property(nameof(IntType.Bits)).EqualTo(16).And.Property(nameof(IntType.IsSigned)).False);
            Assert.That(p.Pointee.Name, Is.Null);
            Assert.That(s.GetField("p").TypeName, Is.EqualTo("uint16*"));
            Assert.That(a.Element, Is.InstanceOf<FloatType>().With.Property(nameof(FloatType.Bits)).EqualTo(32));
            Assert.That(a.Size, Is.EqualTo(12));
            Assert.That(cb.Return, Is.InstanceOf<IntType>().With.Property(nameof(IntType.Bits)).EqualTo(8));
            Assert.That(((PointerType)cb.Parameters[0]).Pointee, Is.SameAs(s));
            Assert.That(((PointerType)h.Rep).Pointee, Is.InstanceOf<VoidType>());
            Assert.That(inner.Name, Is.EqualTo("Inner"));
            Assert.That(inner.Doc, Is.EqualTo("inner doc"));
            Assert.That(spec.Types.TryGet("Inner", out _), Is.False);
            Assert.That(s.Size, Is.EqualTo(48));

            Assert.That(((PointerType)f.ReturnType).Pointee, Is.SameAs(s));
            Assert.That(f.ParameterTypes[0], Is.InstanceOf<EnumType>());
            Assert.That(f.ParameterTypes[1], Is.SameAs(s));
            Assert.That(f.Signature, Is.EqualTo("s* f(enum {…}, s)"));
            Assert.That(spec.Variables[0].Type, Is.InstanceOf<UnionType>().With.Property(nameof(CType.Name)).Null);
            Assert.That(spec.Variables[0].Type.DisplayName, Is.EqualTo("union {…}"));
        }
    }

    [Test]
    public void DeclaredNameWinsOverTheObjectsNameKey()
    {
        var spec = ParseTypes("{'t':{'kind':'int','bits':8,'signed':true,'name':'other','doc':'d'}}");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(spec.Types["t"].Name, Is.EqualTo("t"));
            Assert.That(spec.Types["t"].Doc, Is.EqualTo("d"));
            Assert.That(spec.Types.TryGet("other", out _), Is.False);
        }
    }
}
