using System.Text;
using NUnit.Framework;
using Ffi.Spec;
using Ffi.Types;

namespace Ffi.Tests.Spec;

/// <summary>
/// The spec reader (docs/spec-format.md, format "1"): every kind and where it may appear, builtins, functions and
/// variables, and every error with its exact message (JSON path, ": ", reason).
/// </summary>
/// <remarks>
/// To keep the JSON readable, specs are written with single quotes and <see cref="Q"/> turns them into
/// double quotes (and ^ into an apostrophe); expected messages go through <see cref="Q"/> as well.
/// </remarks>
[TestFixture]
public sealed class SpecReaderTests
{
    private static string Q(string s) => s.Replace('\'', '"').Replace('^', '\'');

    private static string Doc(string body) => Q($"{{'version':'1','lib':'libt.so.1',{body}}}");

    private static FfiSpec Parse(string body) => FfiSpec.Parse(Doc(body));

    private static FfiSpec ParseTypes(string types) => Parse($"'types':{types}");

    private static T Declared<T>(FfiSpec spec, string name) where T : CType
    {
        Assert.That(spec.Types.TryGet(name, out var t), Is.True, $"type {name} is missing");
        Assert.That(t, Is.InstanceOf<T>());
        return (T)t!;
    }

    private static void AssertFails(string json, string expectedMessage)
    {
        var ex = Assert.Throws<FfiSpecException>(() => FfiSpec.Parse(json));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex.Message, Is.EqualTo(expectedMessage));
            Assert.That(ex.Message, Is.EqualTo($"{ex.JsonPath}: {ex.Reason}"));
        }
    }

    // ------------------------------------------------------------------------------------------
    // Document
    // ------------------------------------------------------------------------------------------

    [Test]
    public void MinimalDocument()
    {
        var spec = FfiSpec.Parse(Q("{'version':'1','lib':'libz.so.1'}"));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(spec.Version, Is.EqualTo("1"));
            Assert.That(spec.Lib, Is.EqualTo("libz.so.1"));
            Assert.That(spec.Types.Names, Is.Empty);
            Assert.That(spec.Functions, Is.Empty);
            Assert.That(spec.Variables, Is.Empty);
        }
    }

    [Test]
    public void NullOrEmptySectionsAreEmpty()
    {
        var spec = Parse("'types':null,'functions':null,'variables':null");
        Assert.That(spec.Types.Names, Is.Empty);
        spec = Parse("'types':{},'functions':[],'variables':[]");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(spec.Types.Names, Is.Empty);
            Assert.That(spec.Functions, Is.Empty);
            Assert.That(spec.Variables, Is.Empty);
        }
    }

    [Test]
    public void ByteApiLoadAndTryParseAgreeWithParse()
    {
        var json = Doc("'types':{'t':{'kind':'float','bits':64}},'functions':[{'name':'f','ret':'t','params':['t']}]");
        var fromBytes = FfiSpec.Parse(Encoding.UTF8.GetBytes(json));
        var file = Path.Combine(Path.GetTempPath(), $"ffi-spec-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, json);
        try
        {
            var loaded = FfiSpec.Load(file);
            Assert.That(FfiSpec.TryParse(json, out var tried, out var error), Is.True);
            using (Assert.EnterMultipleScope())
            {
                Assert.That(error, Is.Null);
                foreach (var spec in new[] { fromBytes, loaded, tried! })
                {
                    Assert.That(spec.Lib, Is.EqualTo("libt.so.1"));
                    Assert.That(spec.Types["t"], Is.InstanceOf<FloatType>());
                    Assert.That(spec.Functions[0].Signature, Is.EqualTo("t f(t)"));
                }
            }
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public void TryParseReportsTheErrorWithoutThrowing()
    {
        Assert.That(FfiSpec.TryParse(Q("{'version':'2','lib':'x'}"), out var spec, out var error), Is.False);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(spec, Is.Null);
            Assert.That(error!.JsonPath, Is.EqualTo("version"));
            Assert.That(error.Reason, Is.EqualTo("unsupported version (expected \"1\")"));
        }
    }

    [Test]
    public void NullArgumentsAndMissingFilesAreNotSpecErrors()
    {
        Assert.Throws<ArgumentNullException>(() => FfiSpec.Parse((string)null!));
        Assert.Throws<ArgumentNullException>(() => FfiSpec.Load(null!));
        Assert.Throws<FileNotFoundException>(() => FfiSpec.Load(Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}.json")));
    }

    [TestCase("[1]", "$: the spec must be a JSON object, not an array")]
    [TestCase("'v1'", "$: the spec must be a JSON object, not a string ('v1')")]
    [TestCase("null", "$: the spec must be a JSON object, not null")]
    [TestCase("{'lib':'x'}", "$: missing required key 'version' (the string '1')")]
    [TestCase("{'version':1,'lib':'x'}", "version: unsupported version (expected '1')")]
    [TestCase("{'version':'2','lib':'x'}", "version: unsupported version (expected '1')")]
    [TestCase("{'version':'1.0','lib':'x'}", "version: unsupported version (expected '1')")]
    [TestCase("{'version':null,'lib':'x'}", "version: unsupported version (expected '1')")]
    [TestCase("{'version':'1'}", "$: missing required key 'lib' (a string)")]
    [TestCase("{'version':'1','lib':3}", "lib: must be a string, not a number (3)")]
    [TestCase("{'version':'1','lib':null}", "lib: must be a string, not null")]
    [TestCase("{'version':'1','lib':['a']}", "lib: must be a string, not an array")]
    [TestCase("{'version':'1','lib':''}", "lib: must name a library (a soname, file name or path), not be empty")]
    [TestCase("{'version':'1','lib':'x','types':[]}", "types: must be an object of named types, not an array")]
    [TestCase("{'version':'1','lib':'x','types':'int'}", "types: must be an object of named types, not a string ('int')")]
    [TestCase("{'version':'1','lib':'x','types':true}", "types: must be an object of named types, not a boolean (true)")]
    [TestCase("{'version':'1','lib':'x','functions':{}}", "functions: must be an array of functions, not an object")]
    [TestCase("{'version':'1','lib':'x','functions':'f'}", "functions: must be an array of functions, not a string ('f')")]
    [TestCase("{'version':'1','lib':'x','variables':3}", "variables: must be an array of variables, not a number (3)")]
    [TestCase("{'version':'1','lib':'x','variables':{}}", "variables: must be an array of variables, not an object")]
    [TestCase("{'version':'1','version':'1','lib':'x'}", "version: duplicate key 'version'")]
    [TestCase("{'version':'1','lib':'x','lib':'y'}", "lib: duplicate key 'lib'")]
    [TestCase("{'version':'1','lib':'x','types':{},'types':{}}", "types: duplicate key 'types'")]
    [TestCase("{'version':'\\ud800','lib':'x'}", "version: invalid string: an escape decodes to an unpaired UTF-16 surrogate (such as '\\ud800')")]
    [TestCase("{'version':'1','lib':'x\\udc00'}", "lib: invalid string: an escape decodes to an unpaired UTF-16 surrogate (such as '\\ud800')")]
    [TestCase("{'version':'1','lib':'x','types':{'\\ud800':'int'}}", "types: invalid key: an escape decodes to an unpaired UTF-16 surrogate (such as '\\ud800')")]
    [TestCase("{'version':'1','lib':'x','types':{'t':'\\ud800x'}}", "types.t: invalid string: an escape decodes to an unpaired UTF-16 surrogate (such as '\\ud800')")]
    public void DocumentErrors(string json, string expected) => AssertFails(Q(json), Q(expected));

    // The texts after "invalid JSON at ...:" are System.Text.Json's; the reader adds the place (1-based).
    [TestCase("", "$: invalid JSON at line 1, byte 1: The input does not contain any JSON tokens. Expected the input to start with a valid JSON token, when isFinalBlock is true.")]
    [TestCase("{", "$: invalid JSON at line 1, byte 2: Expected depth to be zero at the end of the JSON payload. There is an open JSON object or array that should be closed.")]
    [TestCase("{\"version\":\"1\",\"lib\":\"x\",}", "$: invalid JSON at line 1, byte 26: The JSON object contains a trailing comma at the end which is not supported in this mode. Change the reader options.")]
    [TestCase("{\"version\":\"1\" \"lib\":\"x\"}", "$: invalid JSON at line 1, byte 16: '\"' is invalid after a value. Expected either ',', '}', or ']'.")]
    [TestCase("{\"version\":\"1\",\"lib\":\"x\"} x", "$: invalid JSON at line 1, byte 27: 'x' is invalid after a single JSON value. Expected end of data.")]
    [TestCase("{\n\"version\":\"1\",\n\"lib\": x}", "$: invalid JSON at line 3, byte 8: 'x' is an invalid start of a value.")]
    public void InvalidJson(string json, string expected) => AssertFails(json, expected);

    [Test]
    public void InvalidUtf8IsASpecError()
    {
        byte[] bad = [.. "{\"version\":\"1\",\"lib\":\"a"u8, 0xFF, .. "\"}"u8];
        var ex = Assert.Throws<FfiSpecException>(() => FfiSpec.Parse(bad));
        Assert.That(ex.Message, Is.EqualTo("$: invalid text: the spec is not valid UTF-8 (at byte offset 23)"));

        byte[] badKey = [.. "{\"version\":\"1\",\"lib\":\"x\",\""u8, 0xC3, .. "\":1}"u8];
        ex = Assert.Throws<FfiSpecException>(() => FfiSpec.Parse(badKey));
        Assert.That(ex.Message, Is.EqualTo("$: invalid text: the spec is not valid UTF-8 (at byte offset 26)"));

        // A lone surrogate in a .NET string cannot be encoded as UTF-8 at all.
        ex = Assert.Throws<FfiSpecException>(() => FfiSpec.Parse("{\"version\":\"1\",\"lib\":\"a\uD800\"}"));
        Assert.That(ex.Message, Is.EqualTo("$: invalid text: the spec contains an unpaired UTF-16 surrogate"));
    }

    [Test]
    public void NonAsciiTextIsFine()
    {
        var spec = Parse("'types':{'t':{'kind':'void','doc':'größe \\u00e9 \\ud83d\\ude00'}},'functions':[{'name':'ƒ','ret':'t','params':[]}]");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(spec.Types["t"].Doc, Is.EqualTo("größe é \U0001F600"));
            Assert.That(spec.Functions[0].Name, Is.EqualTo("ƒ"));
        }
    }

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

    // ------------------------------------------------------------------------------------------
    // Type errors (the value of "types")
    // ------------------------------------------------------------------------------------------

    // names, JSON shape
    [TestCase("{'a':'int','a':'long'}", "types.a: duplicate type name 'a'")]
    [TestCase("{'':'int'}", "types['']: a type name must not be empty")]
    [TestCase("{'t':''}", "types.t: a type name must not be empty")]
    [TestCase("{'t':3}", "types.t: must be a type object, or a string naming the aliased type, not a number (3)")]
    [TestCase("{'t':null}", "types.t: must be a type object, or a string naming the aliased type, not null")]
    [TestCase("{'t':['int']}", "types.t: must be a type object, or a string naming the aliased type, not an array")]
    [TestCase("{'t':{'bits':8}}", "types.t: missing required key 'kind' (a string)")]
    [TestCase("{'t':{'kind':1}}", "types.t.kind: must be a string, not a number (1)")]
    [TestCase("{'t':{'kind':'integer'}}", "types.t.kind: unknown kind 'integer' (expected void, int, float, pointer, array, struct, union, enum, funcptr, alias or handle)")]
    [TestCase("{'t':{'kind':'Int','bits':8,'signed':true}}", "types.t.kind: unknown kind 'Int' (expected void, int, float, pointer, array, struct, union, enum, funcptr, alias or handle)")]
    [TestCase("{'t':{'kind':'int','kind':'float'}}", "types.t.kind: duplicate key 'kind'")]
    [TestCase("{'t':{'kind':'void','name':3}}", "types.t.name: must be a string, not a number (3)")]
    [TestCase("{'t':{'kind':'void','doc':false}}", "types.t.doc: must be a string, not a boolean (false)")]
    [TestCase("{'my type':{'kind':'struct','fields':[{'name':'x','type':'nope'}]}}", "types['my type'].fields[0].type: unknown type 'nope'")]
    [TestCase("{'2d':'nope'}", "types['2d']: unknown type 'nope'")]
    [TestCase("{'a-b':{'kind':'pointer','to':'nope'}}", "types['a-b'].to: unknown type 'nope'")]
    [TestCase("{'_ok9':{'kind':'pointer','to':'nope'}}", "types._ok9.to: unknown type 'nope'")]
    // int, float
    [TestCase("{'t':{'kind':'int','signed':true}}", "types.t: missing required key 'bits' (the width in bits)")]
    [TestCase("{'t':{'kind':'int','bits':12,'signed':true}}", "types.t.bits: must be 8, 16, 32 or 64, not a number (12)")]
    [TestCase("{'t':{'kind':'int','bits':128,'signed':true}}", "types.t.bits: must be 8, 16, 32 or 64, not a number (128)")]
    [TestCase("{'t':{'kind':'int','bits':0,'signed':true}}", "types.t.bits: must be 8, 16, 32 or 64, not a number (0)")]
    [TestCase("{'t':{'kind':'int','bits':8.5,'signed':true}}", "types.t.bits: must be 8, 16, 32 or 64, not a number (8.5)")]
    [TestCase("{'t':{'kind':'int','bits':'8','signed':true}}", "types.t.bits: must be 8, 16, 32 or 64, not a string ('8')")]
    [TestCase("{'t':{'kind':'int','bits':8}}", "types.t: missing required key 'signed' (true or false)")]
    [TestCase("{'t':{'kind':'int','bits':8,'signed':'yes'}}", "types.t.signed: must be true or false, not a string ('yes')")]
    [TestCase("{'t':{'kind':'int','bits':8,'signed':1}}", "types.t.signed: must be true or false, not a number (1)")]
    [TestCase("{'t':{'kind':'int','bits':8,'signed':null}}", "types.t.signed: must be true or false, not null")]
    [TestCase("{'t':{'kind':'float'}}", "types.t: missing required key 'bits' (the width in bits)")]
    [TestCase("{'t':{'kind':'float','bits':16}}", "types.t.bits: must be 32 or 64, not a number (16)")]
    [TestCase("{'t':{'kind':'float','bits':80}}", "types.t.bits: must be 32 or 64, not a number (80)")]
    [TestCase("{'t':{'kind':'float','bits':null}}", "types.t.bits: must be 32 or 64, not null")]
    // pointer
    [TestCase("{'p':{'kind':'pointer'}}", "types.p: missing required key 'to' (the pointee type)")]
    [TestCase("{'p':{'kind':'pointer','to':3}}", "types.p.to: a type must be a type name (string) or a type object, not a number (3)")]
    [TestCase("{'p':{'kind':'pointer','to':''}}", "types.p.to: a type name must not be empty")]
    [TestCase("{'p':{'kind':'pointer','to':'int','tag':7}}", "types.p.tag: must be a string, not a number (7)")]
    // array
    [TestCase("{'a':{'kind':'array','len':3}}", "types.a: missing required key 'of' (the element type)")]
    [TestCase("{'a':{'kind':'array','of':'int','len':-1}}", "types.a.len: must be an integer from 0 to 576460752303423488, not -1")]
    [TestCase("{'a':{'kind':'array','of':'int','len':2.5}}", "types.a.len: must be an integer from 0 to 576460752303423488, not a number (2.5)")]
    [TestCase("{'a':{'kind':'array','of':'int','len':'4'}}", "types.a.len: must be an integer from 0 to 576460752303423488, not a string ('4')")]
    [TestCase("{'a':{'kind':'array','of':'int','len':1e400}}", "types.a.len: must be an integer from 0 to 576460752303423488, not a number (1e400)")]
    [TestCase("{'a':{'kind':'array','of':'int','len':99999999999999999999}}", "types.a.len: must be an integer from 0 to 576460752303423488, not a number (99999999999999999999)")]
    [TestCase("{'a':{'kind':'array','of':'int','len':576460752303423489}}", "types.a.len: must be an integer from 0 to 576460752303423488, not 576460752303423489")]
    [TestCase("{'a':{'kind':'array','of':'int','len':144115188075855873}}", "types.a: the array is larger than 576460752303423488 bytes")]
    // struct and union
    [TestCase("{'s':{'kind':'struct'}}", "types.s: missing required key 'fields' (an array)")]
    [TestCase("{'s':{'kind':'union','fields':{}}}", "types.s.fields: must be an array, not an object")]
    [TestCase("{'s':{'kind':'struct','fields':['int']}}", "types.s.fields[0]: a field must be a JSON object, not a string ('int')")]
    [TestCase("{'s':{'kind':'struct','fields':[{'type':'int'}]}}", "types.s.fields[0]: missing required key 'name' (a string)")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':1,'type':'int'}]}}", "types.s.fields[0].name: must be a string, not a number (1)")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'x'}]}}", "types.s.fields[0]: missing required key 'type' (the field^s type)")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'x','type':null}]}}", "types.s.fields[0].type: a type must be a type name (string) or a type object, not null")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'x','type':'int','name':'y'}]}}", "types.s.fields[0].name: duplicate key 'name'")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'a','type':'int'},{'name':'b','type':'int'},{'name':'a','type':'long'}]}}", "types.s.fields[2].name: duplicate field name 'a' (also fields[0])")]
    [TestCase("{'s':{'kind':'union','fields':[{'name':'a','type':'int'},{'name':'a','type':'int'}]}}", "types.s.fields[1].name: duplicate field name 'a' (also fields[0])")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'a','type':'int','bits':65}]}}", "types.s.fields[0].bits: must be an integer from 0 to 64, not 65")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'a','type':'int','bits':-1}]}}", "types.s.fields[0].bits: must be an integer from 0 to 64, not -1")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'a','type':'int','bits':'3'}]}}", "types.s.fields[0].bits: must be an integer from 0 to 64, not a string ('3')")]
    [TestCase("{'s':{'kind':'struct','fields':[],'packed':'yes'}}", "types.s.packed: must be true or false, not a string ('yes')")]
    [TestCase("{'s':{'kind':'struct','fields':[],'align':3}}", "types.s.align: must be a power of two, not 3")]
    [TestCase("{'s':{'kind':'union','fields':[],'align':24}}", "types.s.align: must be a power of two, not 24")]
    [TestCase("{'s':{'kind':'struct','fields':[],'align':0}}", "types.s.align: must be an integer from 1 to 268435456, not 0")]
    [TestCase("{'s':{'kind':'struct','fields':[],'align':-8}}", "types.s.align: must be an integer from 1 to 268435456, not -8")]
    [TestCase("{'s':{'kind':'struct','fields':[],'align':536870912}}", "types.s.align: must be an integer from 1 to 268435456, not 536870912")]
    [TestCase("{'s':{'kind':'struct','fields':[],'align':8.0}}", "types.s.align: must be an integer from 1 to 268435456, not a number (8.0)")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'a','type':{'kind':'array','of':'int','len':144115188075855872}},{'name':'b','type':'char'}]}}", "types.s: the struct is larger than 576460752303423488 bytes")]
    // enum
    [TestCase("{'e':{'kind':'enum','values':{}}}", "types.e: missing required key 'base' (the name of an integer type)")]
    [TestCase("{'e':{'kind':'enum','base':{'kind':'int','bits':8,'signed':true}}}", "types.e.base: must be the name of an integer type, not an object")]
    [TestCase("{'e':{'kind':'enum','base':''}}", "types.e.base: a type name must not be empty")]
    [TestCase("{'e':{'kind':'enum','base':'integer'}}", "types.e.base: unknown type 'integer'")]
    [TestCase("{'e':{'kind':'enum','base':'double'}}", "types.e.base: an enum base must be an integer type, not double")]
    [TestCase("{'e':{'kind':'enum','base':'pointer'}}", "types.e.base: an enum base must be an integer type, not pointer")]
    [TestCase("{'e0':{'kind':'enum','base':'int'},'e':{'kind':'enum','base':'e0'}}", "types.e.base: an enum base must be an integer type, not e0")]
    [TestCase("{'h':{'kind':'handle','tag':'h','rep':'int'},'e':{'kind':'enum','base':'h'}}", "types.e.base: an enum base must be an integer type, not h")]
    [TestCase("{'e':{'kind':'enum','base':'int','values':[]}}", "types.e.values: enum values must be a JSON object, not an array")]
    [TestCase("{'e':{'kind':'enum','base':'int','values':{'A':1,'A':2}}}", "types.e.values.A: duplicate enum constant 'A'")]
    [TestCase("{'e':{'kind':'enum','base':'int','values':{'A':1.5}}}", "types.e.values.A: must be an integer from -9223372036854775808 to 9223372036854775807, not a number (1.5)")]
    [TestCase("{'e':{'kind':'enum','base':'int','values':{'my-a':'1'}}}", "types.e.values['my-a']: must be an integer from -9223372036854775808 to 9223372036854775807, not a string ('1')")]
    [TestCase("{'e':{'kind':'enum','base':'uint8','values':{'A':255,'B':256}}}", "types.e.values.B: value 256 does not fit the enum^s base uint8")]
    [TestCase("{'e':{'kind':'enum','base':'int8','values':{'A':-128,'B':-129}}}", "types.e.values.B: value -129 does not fit the enum^s base int8")]
    [TestCase("{'e':{'kind':'enum','base':'int8','values':{'A':128}}}", "types.e.values.A: value 128 does not fit the enum^s base int8")]
    [TestCase("{'e':{'kind':'enum','base':'uint32','values':{'A':-1}}}", "types.e.values.A: value -1 does not fit the enum^s base uint32")]
    [TestCase("{'e':{'kind':'enum','base':'int32','values':{'A':2147483648}}}", "types.e.values.A: value 2147483648 does not fit the enum^s base int32")]
    [TestCase("{'e':{'kind':'enum','base':'bool','values':{'F':0,'T':1,'X':2}}}", "types.e.values.X: value 2 does not fit the enum^s base bool")]
    [TestCase("{'e':{'kind':'enum','base':'u8','values':{'A':256}},'u8':'uint8'}", "types.e.values.A: value 256 does not fit the enum^s base uint8")]
    // funcptr
    [TestCase("{'f':{'kind':'funcptr','params':[]}}", "types.f: missing required key 'ret' (the return type)")]
    [TestCase("{'f':{'kind':'funcptr','ret':'int'}}", "types.f: missing required key 'params' (an array)")]
    [TestCase("{'f':{'kind':'funcptr','ret':'int','params':'int'}}", "types.f.params: must be an array, not a string ('int')")]
    [TestCase("{'f':{'kind':'funcptr','ret':'int','params':[1]}}", "types.f.params[0]: a type must be a type name (string) or a type object, not a number (1)")]
    [TestCase("{'f':{'kind':'funcptr','ret':'int','params':[],'variadic':'no'}}", "types.f.variadic: must be true or false, not a string ('no')")]
    [TestCase("{'f':{'kind':'funcptr','ret':{'kind':'array','of':'int','len':2},'params':[]}}", "types.f.ret: a C function cannot return an array; return a pointer or a struct")]
    [TestCase("{'f':{'kind':'funcptr','ret':'int','params':['int','void']}}", "types.f.params[1]: void is not a parameter type (a function without parameters has 'params': [])")]
    [TestCase("{'f':{'kind':'funcptr','ret':'int','params':[{'kind':'array','of':'int'}]}}", "types.f.params[0]: a flexible array (int[]) has no size and cannot be passed by value; give it a 'len' or use a pointer")]
    // alias
    [TestCase("{'a':{'kind':'alias'}}", "types.a: missing required key 'to' (the name of the aliased type)")]
    [TestCase("{'a':{'kind':'alias','to':{'kind':'void'}}}", "types.a.to: must be the name of the aliased type, not an object")]
    [TestCase("{'a':{'kind':'alias','to':''}}", "types.a.to: a type name must not be empty")]
    [TestCase("{'a':'nope'}", "types.a: unknown type 'nope'")]
    [TestCase("{'a':{'kind':'alias','to':'nope'}}", "types.a.to: unknown type 'nope'")]
    [TestCase("{'a':'b','b':'c','c':'nope'}", "types.c: unknown type 'nope'")]
    [TestCase("{'a':'a'}", "types.a: alias cycle: a -> a")]
    [TestCase("{'a':{'kind':'alias','to':'a'}}", "types.a.to: alias cycle: a -> a")]
    // The cycle is reported where it closes: at the reference back to the first name on the chain.
    [TestCase("{'a':'b','b':'a'}", "types.b: alias cycle: a -> b -> a")]
    [TestCase("{'x':'int','a':{'kind':'alias','to':'b'},'b':{'kind':'alias','to':'c'},'c':{'kind':'alias','to':'a'}}", "types.c.to: alias cycle: a -> b -> c -> a")]
    [TestCase("{'a':'b','b':'c','c':'b'}", "types.c: alias cycle: b -> c -> b")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'x','type':'a'}]},'a':'b','b':'a'}", "types.b: alias cycle: a -> b -> a")]
    // handle
    [TestCase("{'h':{'kind':'handle','rep':'pointer'}}", "types.h: missing required key 'tag' (a string)")]
    [TestCase("{'h':{'kind':'handle','tag':'','rep':'pointer'}}", "types.h.tag: a handle tag must not be empty")]
    [TestCase("{'h':{'kind':'handle','tag':1,'rep':'pointer'}}", "types.h.tag: must be a string, not a number (1)")]
    [TestCase("{'h':{'kind':'handle','tag':'t'}}", "types.h: missing required key 'rep' (the representation type)")]
    [TestCase("{'pt':{'kind':'struct','fields':[]},'h':{'kind':'handle','tag':'t','rep':'pt'}}", "types.h.rep: a handle^s rep must be an integer, enum, pointer, funcptr or handle, not pt")]
    [TestCase("{'h':{'kind':'handle','tag':'t','rep':{'kind':'union','fields':[]}}}", "types.h.rep: a handle^s rep must be an integer, enum, pointer, funcptr or handle, not union {…}")]
    [TestCase("{'h':{'kind':'handle','tag':'t','rep':{'kind':'array','of':'int','len':2}}}", "types.h.rep: a handle^s rep must be an integer, enum, pointer, funcptr or handle, not int[2]")]
    [TestCase("{'h':{'kind':'handle','tag':'t','rep':'double'}}", "types.h.rep: a handle^s rep must be an integer, enum, pointer, funcptr or handle, not double")]
    [TestCase("{'h':{'kind':'handle','tag':'t','rep':'void'}}", "types.h.rep: a handle^s rep must be an integer, enum, pointer, funcptr or handle, not void")]
    // unknown type references, everywhere a type can be named
    [TestCase("{'point':{'kind':'struct','fields':[{'name':'x','type':'float'},{'name':'y','type':'flaot'}]}}", "types.point.fields[1].type: unknown type 'flaot' (did you mean 'float'?)")]
    [TestCase("{'p':{'kind':'pointer','to':'nope'}}", "types.p.to: unknown type 'nope'")]
    [TestCase("{'a':{'kind':'array','of':'nope','len':2}}", "types.a.of: unknown type 'nope'")]
    [TestCase("{'f':{'kind':'funcptr','ret':'nope','params':[]}}", "types.f.ret: unknown type 'nope'")]
    [TestCase("{'f':{'kind':'funcptr','ret':'int','params':['int','nope']}}", "types.f.params[1]: unknown type 'nope'")]
    [TestCase("{'h':{'kind':'handle','tag':'t','rep':'nope'}}", "types.h.rep: unknown type 'nope'")]
    [TestCase("{'u':{'kind':'union','fields':[{'name':'x','type':'nope'}]}}", "types.u.fields[0].type: unknown type 'nope'")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'x','type':{'kind':'pointer','to':{'kind':'array','of':'nope'}}}]}}", "types.s.fields[0].type.to.of: unknown type 'nope'")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'x','type':{'kind':'funcptr','ret':'int','params':[{'kind':'handle','tag':'t','rep':'nope'}]}}]}}", "types.s.fields[0].type.params[0].rep: unknown type 'nope'")]
    [TestCase("{'int32':'Int32'}", "types.int32: unknown type 'Int32' (did you mean 'int32', 'uint32' or 'int'?)")]
    // aggregates containing themselves by value
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'x','type':'s'}]}}", "types.s.fields[0].type: cyclic aggregate reference: s -> s (a type cannot contain itself by value; use a pointer)")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'x','type':{'kind':'array','of':'s','len':2}}]}}", "types.s.fields[0].type.of: cyclic aggregate reference: s -> s (a type cannot contain itself by value; use a pointer)")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'x','type':'arr'}]},'arr':{'kind':'array','of':'s','len':0}}", "types.arr.of: cyclic aggregate reference: s -> arr -> s (a type cannot contain itself by value; use a pointer)")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'u','type':'u'}]},'u':{'kind':'union','fields':[{'name':'s','type':'s'}]}}", "types.u.fields[0].type: cyclic aggregate reference: s -> u -> s (a type cannot contain itself by value; use a pointer)")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'x','type':'sa'}]},'sa':'s'}", "types.sa: cyclic aggregate reference: s -> sa -> s (a type cannot contain itself by value; use a pointer)")]
    [TestCase("{'sa':{'kind':'alias','to':'s'},'s':{'kind':'struct','fields':[{'name':'x','type':'sa'}]}}", "types.s.fields[0].type: cyclic aggregate reference: sa -> s -> sa (a type cannot contain itself by value; use a pointer)")]
    [TestCase("{'a':{'kind':'struct','fields':[{'name':'b','type':'b'}]},'b':{'kind':'struct','fields':[{'name':'a','type':'a'}]}}", "types.b.fields[0].type: cyclic aggregate reference: a -> b -> a (a type cannot contain itself by value; use a pointer)")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'in','type':{'kind':'struct','fields':[{'name':'x','type':'s'}]}}]}}", "types.s.fields[0].type.fields[0].type: cyclic aggregate reference: s -> s (a type cannot contain itself by value; use a pointer)")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'h','type':{'kind':'handle','tag':'t','rep':'s'}}]}}", "types.s.fields[0].type.rep: cyclic aggregate reference: s -> s (a type cannot contain itself by value; use a pointer)")]
    // void, flexible arrays
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'x','type':'void'}]}}", "types.s.fields[0].type: void is only valid as a return type or a pointee, not as a struct field")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'x','type':{'kind':'void'}}]}}", "types.s.fields[0].type: void is only valid as a return type or a pointee, not as a struct field")]
    [TestCase("{'v':'__void__','s':{'kind':'struct','fields':[{'name':'x','type':'v'}]}}", "types.s.fields[0].type: void is only valid as a return type or a pointee, not as a struct field")]
    [TestCase("{'u':{'kind':'union','fields':[{'name':'x','type':'void'}]}}", "types.u.fields[0].type: void is only valid as a return type or a pointee, not as a union field")]
    [TestCase("{'a':{'kind':'array','of':'void','len':4}}", "types.a.of: void is only valid as a return type or a pointee, not as an array element")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'d','type':{'kind':'array','of':'int'}},{'name':'n','type':'int'}]}}", "types.s.fields[0].type: a flexible array must be the last field of a struct")]
    [TestCase("{'u':{'kind':'union','fields':[{'name':'d','type':{'kind':'array','of':'int'}}]}}", "types.u.fields[0].type: a union member cannot be a flexible array")]
    [TestCase("{'a':{'kind':'array','of':{'kind':'array','of':'int'},'len':2}}", "types.a.of: a flexible array (int[]) has no size and cannot be an array element; give it a 'len' or use a pointer")]
    [TestCase("{'fa':{'kind':'array','of':'int'},'a':{'kind':'array','of':'fa','len':2}}", "types.a.of: a flexible array (fa) has no size and cannot be an array element; give it a 'len' or use a pointer")]
    [TestCase("{'h':{'kind':'handle','tag':'t','rep':{'kind':'array','of':'int'}}}", "types.h.rep: a handle^s rep must be an integer, enum, pointer, funcptr or handle, not int[]")]
    // bitfields
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'x','type':'double','bits':3}]}}", "types.s.fields[0].type: a bitfield must have an integer or enum type, not double")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'x','type':'pointer','bits':3}]}}", "types.s.fields[0].type: a bitfield must have an integer or enum type, not pointer")]
    [TestCase("{'h':{'kind':'handle','tag':'t','rep':'int'},'s':{'kind':'struct','fields':[{'name':'x','type':'h','bits':3}]}}", "types.s.fields[0].type: a bitfield must have an integer or enum type, not h")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'x','type':{'kind':'array','of':'int','len':1},'bits':3}]}}", "types.s.fields[0].type: a bitfield must have an integer or enum type, not int[1]")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'x','type':'uint8','bits':9}]}}", "types.s.fields[0].bits: bitfield width 9 exceeds the 8 bits of uint8")]
    [TestCase("{'s':{'kind':'union','fields':[{'name':'x','type':'int','bits':33}]}}", "types.s.fields[0].bits: bitfield width 33 exceeds the 32 bits of int")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'x','type':'long','bits':64},{'name':'y','type':'short','bits':17}]}}", "types.s.fields[1].bits: bitfield width 17 exceeds the 16 bits of short")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'x','type':{'kind':'pointer','to':'int'},'bits':3}]}}", "types.s.fields[0].type: a bitfield must have an integer or enum type, not an inline pointer")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'a','type':'int'},{'name':'x','type':{'kind':'array','of':'int'},'bits':3}]}}", "types.s.fields[1].type: a bitfield must have an integer or enum type, not int[]")]
    [TestCase("{'e':{'kind':'enum','base':'e'}}", "types.e.base: cyclic type reference: e -> e (an enum base or handle rep cannot refer back to the type itself)")]
    [TestCase("{'\u00fcber':{'kind':'strukt'}}", "types[\"\u00fcber\"].kind: unknown kind \"strukt\" (expected void, int, float, pointer, array, struct, union, enum, funcptr, alias or handle)")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'x','type':'bool','bits':2}]}}", "types.s.fields[0].bits: bitfield width 2 exceeds the 1 bit of bool")]
    [TestCase("{'e':{'kind':'enum','base':'uint16'},'s':{'kind':'struct','fields':[{'name':'x','type':'e','bits':17}]}}", "types.s.fields[0].bits: bitfield width 17 exceeds the 16 bits of e")]
    public void TypeErrors(string types, string expected) => AssertFails(Doc($"'types':{types}"), Q(expected));

    [Test]
    public void ValidBitfieldEdges()
    {
        var spec = ParseTypes("""
            { 'e': { 'kind': 'enum', 'base': 'uint16', 'values': { 'A': 1 } }, 'b': 'bool',
              's': { 'kind': 'struct', 'fields': [
                { 'name': 'flag', 'type': 'b', 'bits': 1 }, { 'name': 'e', 'type': 'e', 'bits': 16 },
                { 'name': 'all', 'type': 'uint64', 'bits': 64 }, { 'name': '', 'type': 'bool', 'bits': 0 } ] } }
            """);
        var s = Declared<StructType>(spec, "s");
        Assert.That(s.Fields.Select(f => f.BitWidth), Is.EqualTo(new int?[] { 1, 16, 64, 0 }));
    }

    [Test]
    public void LargestArrayIsAccepted()
    {
        var spec = ParseTypes("{'a':{'kind':'array','of':'int','len':144115188075855872},'b':{'kind':'array','of':'uint8','len':576460752303423488}}");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(spec.Types["a"].Size, Is.EqualTo(576460752303423488L));
            Assert.That(spec.Types["b"].Size, Is.EqualTo(576460752303423488L));
        }
    }

    // ------------------------------------------------------------------------------------------
    // Function and variable errors
    // ------------------------------------------------------------------------------------------

    [TestCase("[1]", "functions[0]: a function must be a JSON object, not a number (1)")]
    [TestCase("[{'ret':'int','params':[]}]", "functions[0]: missing required key 'name' (a string)")]
    [TestCase("[{'name':3,'ret':'int','params':[]}]", "functions[0].name: must be a string, not a number (3)")]
    [TestCase("[{'name':'','ret':'int','params':[]}]", "functions[0].name: a symbol name must not be empty")]
    [TestCase("[{'name':'a\\u0000b','ret':'int','params':[]}]", "functions[0].name: a symbol name must not contain NUL")]
    [TestCase("[{'name':'f','name':'g','ret':'int','params':[]}]", "functions[0].name: duplicate key 'name'")]
    [TestCase("[{'name':'f','params':[]}]", "functions[0] (f): missing required key 'ret' (the return type)")]
    [TestCase("[{'name':'f','ret':'int'}]", "functions[0] (f): missing required key 'params' (an array)")]
    [TestCase("[{'name':'f','ret':'int','params':{}}]", "functions[0] (f): params: must be an array, not an object")]
    [TestCase("[{'name':'f','ret':'int','params':null}]", "functions[0] (f): params: must be an array, not null")]
    [TestCase("[{'name':'f','ret':3,'params':[]}]", "functions[0] (f): ret: a type must be a type name (string) or a type object, not a number (3)")]
    [TestCase("[{'name':'f','ret':'int','params':['int',[]]}]", "functions[0] (f): param[1]: a type must be a type name (string) or a type object, not an array")]
    [TestCase("[{'name':'f','ret':'int','params':[''] }]", "functions[0] (f): param[0]: a type name must not be empty")]
    [TestCase("[{'name':'f','ret':'int','params':[],'lib':''}]", "functions[0] (f): lib: must name a library, not be empty")]
    [TestCase("[{'name':'f','ret':'int','params':[],'lib':3}]", "functions[0] (f): lib: must be a string, not a number (3)")]
    [TestCase("[{'name':'f','ret':'int','params':[],'doc':[]}]", "functions[0] (f): doc: must be a string, not an array")]
    [TestCase("[{'name':'f','ret':'int','params':[],'variadic':'yes'}]", "functions[0] (f): variadic: must be true or false, not a string ('yes')")]
    [TestCase("[{'name':'f','ret':'string','params':[],'ret_as_str':1}]", "functions[0] (f): ret_as_str: must be true or false, not a number (1)")]
    [TestCase("[{'name':'f','ret':'int','params':[],'errno':'x'}]", "functions[0] (f): errno: must be true or false, not a string ('x')")]
    [TestCase("[{'name':'f','ret':'int','params':[],'trivial':0}]", "functions[0] (f): trivial: must be true or false, not a number (0)")]
    [TestCase("[{'name':'f','ret':'int','params':[],'caps':'fs'}]", "functions[0] (f): caps: must be an array of strings, not a string ('fs')")]
    [TestCase("[{'name':'f','ret':'int','params':[],'caps':['fs','']}]", "functions[0] (f): caps[1]: must be a non-empty string, not a string ('')")]
    [TestCase("[{'name':'f','ret':'int','params':[],'caps':[1]}]", "functions[0] (f): caps[0]: must be a non-empty string, not a number (1)")]
    [TestCase("[{'name':'f','ret':'int','params':[],'caps':[null]}]", "functions[0] (f): caps[0]: must be a non-empty string, not null")]
    [TestCase("[{'name':'f','ret':'int','params':[]},{'name':'g','ret':'int','params':[]},{'name':'f','ret':'long','params':[]}]", "functions[2] (f): duplicate function name 'f' (first declared at functions[0])")]
    [TestCase("[{'name':'f','ret':'nope','params':[]}]", "functions[0] (f): ret: unknown type 'nope'")]
    [TestCase("[{'name':'f','ret':'int','params':[{'kind':'pointer','to':'nope'}]}]", "functions[0] (f): param[0].to: unknown type 'nope'")]
    [TestCase("[{'name':'f','ret':{'kind':'struct','fields':[{'name':'x','type':'nope'}]},'params':[]}]", "functions[0] (f): ret.fields[0].type: unknown type 'nope'")]
    [TestCase("[{'name':'my f','ret':'nope','params':[]}]", "functions[0] (my f): ret: unknown type 'nope'")]
    [TestCase("[{'name':'f','ret':'int','params':['void']}]", "functions[0] (f): param[0]: void is not a parameter type (a function without parameters has 'params': [])")]
    [TestCase("[{'name':'f','ret':'int','params':['int',{'kind':'void'}]}]", "functions[0] (f): param[1]: void is not a parameter type (a function without parameters has 'params': [])")]
    [TestCase("[{'name':'f','ret':'int','params':[{'kind':'array','of':'int'}]}]", "functions[0] (f): param[0]: a flexible array (int[]) has no size and cannot be passed by value; give it a 'len' or use a pointer")]
    [TestCase("[{'name':'f','ret':{'kind':'array','of':'int','len':4},'params':[]}]", "functions[0] (f): ret: a C function cannot return an array; return a pointer or a struct")]
    [TestCase("[{'name':'f','ret':{'kind':'array','of':'int'},'params':[]}]", "functions[0] (f): ret: a C function cannot return an array; return a pointer or a struct")]
    [TestCase("[{'name':'f','ret':'int','params':[],'ret_as_str':true}]", "functions[0] (f): ret_as_str: only valid on a char* or unsigned char* return, not int")]
    [TestCase("[{'name':'f','ret':'int','params':['int',{'kind':'funcptr','ret':'int','params':[]}],'trivial':true}]", "functions[0] (f): trivial: a trivial function cannot take a function pointer (param[1]): a managed callback during a call without the GC transition would bring the runtime down")]
    [TestCase("[{'name':'f','ret':'void','params':[],'ret_as_str':true}]", "functions[0] (f): ret_as_str: only valid on a char* or unsigned char* return, not void")]
    [TestCase("[{'name':'f','ret':'pointer','params':[],'ret_as_str':true}]", "functions[0] (f): ret_as_str: only valid on a char* or unsigned char* return, not pointer")]
    [TestCase("[{'name':'f','ret':{'kind':'pointer','to':'int16'},'params':[],'ret_as_str':true}]", "functions[0] (f): ret_as_str: only valid on a char* or unsigned char* return, not int16*")]
    [TestCase("[{'name':'f','ret':{'kind':'pointer','to':'bool'},'params':[],'ret_as_str':true}]", "functions[0] (f): ret_as_str: only valid on a char* or unsigned char* return, not bool*")]
    [TestCase("[{'name':'f','ret':{'kind':'pointer','to':'string'},'params':[],'ret_as_str':true}]", "functions[0] (f): ret_as_str: only valid on a char* or unsigned char* return, not string*")]
    [TestCase("[{'name':'f','ret':{'kind':'array','of':'char','len':8},'params':[],'ret_as_str':false}]", "functions[0] (f): ret: a C function cannot return an array; return a pointer or a struct")]
    public void FunctionErrors(string functions, string expected) => AssertFails(Doc($"'functions':{functions}"), Q(expected));

    [Test]
    public void SpecExampleCrc32ParamError()
    {
        AssertFails(Doc("""
            'types': { 'uLong': 'ulong', 'uInt': 'uint', 'Bytef': 'uint8' },
            'functions': [
              { 'name': 'zlibVersion', 'ret': 'string', 'params': [], 'ret_as_str': true },
              { 'name': 'adler32', 'ret': 'uLong', 'params': [ 'uLong', { 'kind': 'pointer', 'to': 'Bytef' }, 'uInt' ] },
              { 'name': 'compressBound', 'ret': 'uLong', 'params': [ 'uLong' ] },
              { 'name': 'crc32', 'ret': 'uLong', 'params': [ 'uLong', 'uLongf', 'uInt' ] } ]
            """), "functions[3] (crc32): param[1]: unknown type \"uLongf\" (did you mean \"uLong\", \"ulong\" or \"long\"?)");
    }

    [Test]
    public void FunctionErrorsComeAfterTypeErrors()
    {
        // Types are resolved first, so a bad type wins over a bad function even though it is used there.
        AssertFails(Doc("'functions':[{'name':'f','ret':'nope','params':[]}],'types':{'t':'nope2'}"), "types.t: unknown type \"nope2\"");
    }

    [TestCase("[[]]", "variables[0]: a variable must be a JSON object, not an array")]
    [TestCase("[{'type':'int'}]", "variables[0]: missing required key 'name' (a string)")]
    [TestCase("[{'name':'','type':'int'}]", "variables[0].name: a symbol name must not be empty")]
    [TestCase("[{'name':'v'}]", "variables[0] (v): missing required key 'type' (the variable^s type)")]
    [TestCase("[{'name':'v','type':'void'}]", "variables[0] (v): type: a variable cannot have type void")]
    [TestCase("[{'name':'v','type':{'kind':'void'}}]", "variables[0] (v): type: a variable cannot have type void")]
    [TestCase("[{'name':'v','type':'nope'}]", "variables[0] (v): type: unknown type 'nope'")]
    [TestCase("[{'name':'v','type':{'kind':'array','of':'nope','len':1}}]", "variables[0] (v): type.of: unknown type 'nope'")]
    [TestCase("[{'name':'v','type':'int','lib':''}]", "variables[0] (v): lib: must name a library, not be empty")]
    [TestCase("[{'name':'v','type':'int','caps':[false]}]", "variables[0] (v): caps[0]: must be a non-empty string, not a boolean (false)")]
    [TestCase("[{'name':'v','type':'int','doc':1}]", "variables[0] (v): doc: must be a string, not a number (1)")]
    [TestCase("[{'name':'v','type':'int'},{'name':'v','type':'long'}]", "variables[1] (v): duplicate variable name 'v' (first declared at variables[0])")]
    public void VariableErrors(string variables, string expected) => AssertFails(Doc($"'variables':{variables}"), Q(expected));

    [Test]
    public void FunctionsAndVariablesHaveSeparateNamespaces()
    {
        var spec = Parse("'functions':[{'name':'x','ret':'int','params':[]}],'variables':[{'name':'x','type':'int'}],'types':{'x':'int'}");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(spec.TryGetFunction("x", out _), Is.True);
            Assert.That(spec.TryGetVariable("x", out _), Is.True);
            Assert.That(spec.Types.IsDeclared("x"), Is.True);
        }
    }
}
