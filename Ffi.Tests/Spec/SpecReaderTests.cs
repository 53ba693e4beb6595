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
public sealed partial class SpecReaderTests
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

        // Outside a string, where the fast reader stops at once: the text is still checked before the JSON is.
        byte[] badSpace = [.. "{\"version\":\"1\","u8, 0xFF, .. "\"lib\":\"x\"}"u8];
        ex = Assert.Throws<FfiSpecException>(() => FfiSpec.Parse(badSpace));
        Assert.That(ex.Message, Is.EqualTo("$: invalid text: the spec is not valid UTF-8 (at byte offset 15)"));

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
}
