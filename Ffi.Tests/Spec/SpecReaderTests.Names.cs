using System.Text;
using NUnit.Framework;
using Ffi.Spec;
using Ffi.Types;

namespace Ffi.Tests.Spec;

/// <summary>The spec reader: builtin names, functions and variables, and cycles that are not errors.</summary>
public sealed partial class SpecReaderTests
{
    // ------------------------------------------------------------------------------------------
    // Builtins
    // ------------------------------------------------------------------------------------------

    [TestCase("__char__", 8, true)]
    [TestCase("__uchar__", 8, false)]
    [TestCase("char", 8, true)]
    [TestCase("schar", 8, true)]
    [TestCase("uchar", 8, false)]
    [TestCase("short", 16, true)]
    [TestCase("ushort", 16, false)]
    [TestCase("int", 32, true)]
    [TestCase("uint", 32, false)]
    [TestCase("long", 64, true)]
    [TestCase("ulong", 64, false)]
    [TestCase("longlong", 64, true)]
    [TestCase("ulonglong", 64, false)]
    [TestCase("int8", 8, true)]
    [TestCase("uint8", 8, false)]
    [TestCase("int16", 16, true)]
    [TestCase("uint16", 16, false)]
    [TestCase("int32", 32, true)]
    [TestCase("uint32", 32, false)]
    [TestCase("int64", 64, true)]
    [TestCase("uint64", 64, false)]
    [TestCase("size_t", 64, false)]
    [TestCase("ssize_t", 64, true)]
    [TestCase("intptr_t", 64, true)]
    [TestCase("uintptr_t", 64, false)]
    public void BuiltinIntegers(string name, int bits, bool signed)
    {
        var spec = Parse($"'functions':[{{'name':'f','ret':'{name}','params':['{name}']}}]");
        var t = spec.Functions[0].ReturnType;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(t, Is.InstanceOf<IntType>());
            Assert.That(((IntType)t).Bits, Is.EqualTo(bits));
            Assert.That(((IntType)t).IsSigned, Is.EqualTo(signed));
            Assert.That(((IntType)t).IsBool, Is.False);
            Assert.That(t.Name, Is.EqualTo(name));
            Assert.That(spec.Functions[0].ParameterTypes[0], Is.SameAs(t));
            Assert.That(spec.Types[name], Is.SameAs(t));
            Assert.That(spec.Types.IsDeclared(name), Is.False);
            Assert.That(spec.Types.Names, Is.Empty);
        }
    }

    [Test]
    public void BuiltinNonIntegers()
    {
        var spec = Parse("'functions':[{'name':'f','ret':'void','params':['bool','float','double','pointer','string']},{'name':'g','ret':'__void__','params':[]}]");
        var ps = spec.Functions[0].ParameterTypes;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(spec.Functions[0].ReturnType, Is.InstanceOf<VoidType>());
            Assert.That(spec.Functions[1].ReturnType, Is.InstanceOf<VoidType>().With.Property(nameof(CType.Name)).EqualTo("__void__"));
            Assert.That(ps[0], Is.InstanceOf<IntType>().With.Property(nameof(IntType.IsBool)).True);
            Assert.That(ps[0].Size, Is.EqualTo(1));
            Assert.That(((IntType)ps[0]).MaxValue, Is.EqualTo(1UL));
            Assert.That(ps[1], Is.InstanceOf<FloatType>().With.Property(nameof(FloatType.Bits)).EqualTo(32));
            Assert.That(ps[2], Is.InstanceOf<FloatType>().With.Property(nameof(FloatType.Bits)).EqualTo(64));
            Assert.That(((PointerType)ps[3]).Pointee, Is.InstanceOf<VoidType>());
            Assert.That(((PointerType)ps[4]).Pointee, Is.SameAs(BuiltinTypes.All["char"]));
            Assert.That(((PointerType)ps[4]).IsCharPointer, Is.True);
            Assert.That(spec.Functions[0].Signature, Is.EqualTo("void f(bool, float, double, pointer, string)"));
        }
    }

    [Test]
    public void SpecDeclarationOfABuiltinNameWins()
    {
        var spec = Parse("""
            'types': { 's': { 'kind': 'struct', 'fields': [ { 'name': 'x', 'type': 'int' } ] },
                       'int': { 'kind': 'int', 'bits': 16, 'signed': true },
                       'size_t': 'uint32',
                       'string': { 'kind': 'pointer', 'to': 'uint8', 'tag': 'mine' } },
            'functions': [ { 'name': 'f', 'ret': 'string', 'params': [ 'int', 'size_t' ], 'ret_as_str': true } ]
            """);
        var f = spec.Functions[0];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(spec.Types["int"], Is.InstanceOf<IntType>().With.Property(nameof(IntType.Bits)).EqualTo(16));
            Assert.That(spec.Types["int"], Is.Not.SameAs(BuiltinTypes.All["int"]));
            Assert.That(spec.Types.IsDeclared("int"), Is.True);
            Assert.That(((StructType)spec.Types["s"]).GetField("x").Type, Is.SameAs(spec.Types["int"]));
            Assert.That(spec.Types["s"].Size, Is.EqualTo(2));
            Assert.That(spec.Types["size_t"], Is.SameAs(BuiltinTypes.All["uint32"]));
            Assert.That(f.ParameterTypes[0], Is.SameAs(spec.Types["int"]));
            Assert.That(f.ParameterTypes[1].Size, Is.EqualTo(4));
            Assert.That(((PointerType)f.ReturnType).Tag, Is.EqualTo("mine"));
            // The builtin table itself is untouched.
            Assert.That(((IntType)BuiltinTypes.All["int"]).Bits, Is.EqualTo(32));
        }
    }

    // ------------------------------------------------------------------------------------------
    // Functions and variables
    // ------------------------------------------------------------------------------------------

    [Test]
    public void FunctionDefaults()
    {
        var spec = Parse("'functions':[{'name':'crc32','ret':'ulong','params':['ulong',{'kind':'pointer','to':'uint8'},'uint']}]");
        var f = spec.Functions[0];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(f.Name, Is.EqualTo("crc32"));
            Assert.That(f.ReturnType, Is.SameAs(BuiltinTypes.All["ulong"]));
            Assert.That(f.ParameterTypes, Has.Count.EqualTo(3));
            Assert.That(((PointerType)f.ParameterTypes[1]).Pointee, Is.SameAs(BuiltinTypes.All["uint8"]));
            Assert.That(f.IsVariadic, Is.False);
            Assert.That(f.Library, Is.Null);
            Assert.That(f.Doc, Is.Null);
            Assert.That(f.ReturnsString, Is.False);
            Assert.That(f.CapturesErrno, Is.False);
            Assert.That(f.Capabilities, Is.Empty);
            Assert.That(f.IsTrivial, Is.False);
            Assert.That(f.Signature, Is.EqualTo("ulong crc32(ulong, uint8*, uint)"));
            Assert.That(f.ToString(), Is.EqualTo(f.Signature));
            Assert.That(spec.TryGetFunction("crc32", out var found), Is.True);
            Assert.That(found, Is.SameAs(f));
            Assert.That(spec.TryGetFunction("crc64", out _), Is.False);
        }
    }

    [Test]
    public void FunctionOptions()
    {
        var spec = Parse("""
            'types': { 'uLong': 'ulong' },
            'functions': [
              { 'name': 'printf', 'ret': 'int', 'params': [ 'string' ], 'variadic': true, 'lib': 'libc.so.6', 'doc': 'prints',
                'errno': true, 'caps': [ 'io', 'fs' ], 'trivial': true },
              { 'name': 'anyargs', 'ret': 'uLong', 'params': [], 'variadic': true },
              { 'name': 'none', 'ret': 'void', 'params': [], 'variadic': false, 'ret_as_str': false, 'errno': false, 'trivial': false, 'lib': null, 'doc': null, 'caps': null } ]
            """);
        var printf = spec.Functions[0];
        var anyargs = spec.Functions[1];
        var none = spec.Functions[2];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(printf.IsVariadic, Is.True);
            Assert.That(printf.Library, Is.EqualTo("libc.so.6"));
            Assert.That(spec.Lib, Is.EqualTo("libt.so.1"));
            Assert.That(printf.Doc, Is.EqualTo("prints"));
            Assert.That(printf.CapturesErrno, Is.True);
            Assert.That(printf.Capabilities, Is.EqualTo(new[] { "io", "fs" }));
            Assert.That(printf.IsTrivial, Is.True);
            Assert.That(printf.Signature, Is.EqualTo("int printf(string, ...)"));
            Assert.That(anyargs.Signature, Is.EqualTo("uLong anyargs(...)"));
            Assert.That(anyargs.ReturnType, Is.SameAs(BuiltinTypes.All["ulong"]));
            Assert.That(none.Signature, Is.EqualTo("void none()"));
            Assert.That(none.Library, Is.Null);
            Assert.That(none.Capabilities, Is.Empty);
            Assert.That(spec.Functions.Select(f => f.Name), Is.EqualTo(new[] { "printf", "anyargs", "none" }));
        }
    }

    [TestCase("'string'")]
    [TestCase("{'kind':'pointer','to':'char'}")]
    [TestCase("{'kind':'pointer','to':'uchar'}")]
    [TestCase("{'kind':'pointer','to':'__char__'}")]
    [TestCase("{'kind':'pointer','to':'__uchar__'}")]
    [TestCase("{'kind':'pointer','to':'int8'}")]
    [TestCase("{'kind':'pointer','to':'uint8','tag':'buf'}")]
    [TestCase("'cstr'")]
    [TestCase("'ustr'")]
    [TestCase("'ustr_alias'")]
    [TestCase("{'kind':'pointer','to':'mychar'}")]
    public void RetAsStrOnCharPointers(string ret)
    {
        var spec = Parse($$"""
            'types': { 'cstr': 'string', 'ustr': { 'kind': 'pointer', 'to': 'uchar' }, 'ustr_alias': { 'kind': 'alias', 'to': 'ustr' }, 'mychar': 'char' },
            'functions': [ { 'name': 'f', 'ret': {{ret}}, 'params': [], 'ret_as_str': true } ]
            """);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(spec.Functions[0].ReturnsString, Is.True);
            Assert.That(((PointerType)spec.Functions[0].ReturnType).IsCharPointer, Is.True);
        }
    }

    [Test]
    public void Variables()
    {
        var spec = Parse("""
            'types': { 'flags_t': 'uint32' },
            'variables': [ { 'name': 'zlib_flags', 'type': 'flags_t', 'lib': 'libz.so.1', 'doc': 'flags', 'caps': [ 'read' ] },
                           { 'name': 'environ', 'type': { 'kind': 'pointer', 'to': 'string' } },
                           { 'name': 'table', 'type': { 'kind': 'array', 'of': 'int' } } ]
            """);
        var flags = spec.Variables[0];
        var environ = spec.Variables[1];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(flags.Name, Is.EqualTo("zlib_flags"));
            Assert.That(flags.Type, Is.SameAs(BuiltinTypes.All["uint32"]));
            Assert.That(flags.Library, Is.EqualTo("libz.so.1"));
            Assert.That(flags.Doc, Is.EqualTo("flags"));
            Assert.That(flags.Capabilities, Is.EqualTo(new[] { "read" }));
            Assert.That(flags.ToString(), Is.EqualTo("uint32 zlib_flags"));
            Assert.That(environ.Library, Is.Null);
            Assert.That(environ.Doc, Is.Null);
            Assert.That(environ.Capabilities, Is.Empty);
            Assert.That(environ.ToString(), Is.EqualTo("string* environ"));
            // extern int table[]; is a valid declaration.
            Assert.That(spec.Variables[2].Type, Is.InstanceOf<ArrayType>().With.Property(nameof(ArrayType.IsFlexible)).True);
            Assert.That(spec.TryGetVariable("environ", out var found), Is.True);
            Assert.That(found, Is.SameAs(environ));
            Assert.That(spec.TryGetVariable("zlib_flags2", out _), Is.False);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Cycles that are not errors
    // ------------------------------------------------------------------------------------------

    [TestCase("{'kind':'pointer','to':'s'}")]
    [TestCase("{'kind':'funcptr','ret':'s','params':['s']}")]
    [TestCase("{'kind':'handle','tag':'s','rep':{'kind':'pointer','to':'s'}}")]
    [TestCase("{'kind':'array','of':{'kind':'pointer','to':'s'},'len':2}")]
    [TestCase("{'kind':'union','fields':[{'name':'p','type':{'kind':'pointer','to':'s'}}]}")]
    [TestCase("'sp'")]
    [TestCase("'sp_alias'")]
    public void PointersFuncPtrsAndHandlesBreakCycles(string fieldType)
    {
        var spec = ParseTypes($$"""
            { 's': { 'kind': 'struct', 'fields': [ { 'name': 'x', 'type': {{fieldType}} } ] },
              'sp': { 'kind': 'pointer', 'to': 's' }, 'sp_alias': 'sp' }
            """);
        var s = Declared<StructType>(spec, "s");
        Assert.That(s.Size, Is.EqualTo(fieldType.Contains("len") ? 16 : 8));
    }

    [Test]
    public void MutuallyRecursiveStructsThroughPointers()
    {
        var spec = ParseTypes("""
            { 'a': { 'kind': 'struct', 'fields': [ { 'name': 'b', 'type': { 'kind': 'pointer', 'to': 'b' } }, { 'name': 'n', 'type': 'int' } ] },
              'b': { 'kind': 'struct', 'fields': [ { 'name': 'a', 'type': 'a' } ] } }
            """);
        var a = Declared<StructType>(spec, "a");
        var b = Declared<StructType>(spec, "b");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(((PointerType)a.GetField("b").Type).Pointee, Is.SameAs(b));
            Assert.That(b.GetField("a").Type, Is.SameAs(a));
            Assert.That(b.Size, Is.EqualTo(16));
        }
    }
}
