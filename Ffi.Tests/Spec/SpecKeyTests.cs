using NUnit.Framework;
using Ffi.Spec;
using Ffi.Types;

namespace Ffi.Tests.Spec;

/// <summary>
/// Unknown keys are errors with a did-you-mean (the original ignored them: a misspelt <c>"ret_as_string"</c> did
/// nothing); <c>x-</c> keys are free for annotations; every key of SPEC.md and of the original is accepted.
/// </summary>
[TestFixture]
public sealed class SpecKeyTests
{
    private static string Q(string s) => s.Replace('\'', '"');

    private static string Doc(string body) => Q($"{{'version':'1','lib':'libt.so.1',{body}}}");

    [TestCase("'fucntions':[]", "fucntions: unknown key \"fucntions\" in the spec (did you mean \"functions\"?)")]
    [TestCase("'extra':[1,2]", "extra: unknown key \"extra\" in the spec (expected version, lib, doc, types, functions, variables or constants)")]
    [TestCase("'functions':[{'name':'f','ret':'char*','params':[],'ret_as_string':true}]",
        "functions[0] (f): ret_as_string: unknown key \"ret_as_string\" in a function (did you mean \"ret_as_str\"?)")]
    [TestCase("'functions':[{'name':'f','ret':'int','params':[],'varadic':true}]",
        "functions[0] (f): varadic: unknown key \"varadic\" in a function (did you mean \"variadic\"?)")]
    [TestCase("'variables':[{'name':'v','tpye':'int'}]", "variables[0] (v): tpye: unknown key \"tpye\" in a variable (did you mean \"type\"?)")]
    [TestCase("'types':{'s':{'kind':'struct','fields':[{'name':'a','type':'int','bitz':3}]}}",
        "types.s.fields[0].bitz: unknown key \"bitz\" in a field (did you mean \"bits\"?)")]
    [TestCase("'types':{'s':{'kind':'struct','fileds':[]}}", "types.s.fileds: unknown key \"fileds\" in a struct type (did you mean \"fields\"?)")]
    [TestCase("'types':{'t':{'kind':'int','bits':8,'signed':true,'len':3}}",
        "types.t.len: unknown key \"len\" in an int type (expected kind, name, doc, bits or signed)")]
    [TestCase("'types':{'t':{'kind':'float','bits':32,'signed':true}}",
        "types.t.signed: unknown key \"signed\" in a float type (expected kind, name, doc or bits)")]
    [TestCase("'types':{'t':{'kind':'void','tag':'x'}}", "types.t.tag: unknown key \"tag\" in a void type (expected kind, name or doc)")]
    [TestCase("'functions':[{'name':'f','ret':{'kind':'pointer','to':'int','tagg':'x'},'params':[]}]",
        "functions[0] (f): ret.tagg: unknown key \"tagg\" in a pointer type (did you mean \"tag\"?)")]
    [TestCase("'types':{'p':{'kind':'pointer','to':'int','tga':'x'}}", "types.p.tga: unknown key \"tga\" in a pointer type (expected kind, name, doc, to, tag or const)")]
    public void UnknownKeyIsAnErrorWithItsPath(string body, string message)
    {
        var ex = Assert.Throws<FfiSpecException>(() => FfiSpec.Parse(Doc(body)));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex.Message, Is.EqualTo(message));
            Assert.That(ex.Message, Is.EqualTo($"{ex.JsonPath}: {ex.Reason}"));
        }
    }

    [Test]
    public void AnnotationKeysAndCommentsAreAllowed()
    {
        var spec = FfiSpec.Parse(Doc("""
            // a comment
            'x-origin': 'zlib.h', /* another */
            'types': { 't': { 'kind': 'int', 'bits': 8, 'signed': true, 'x-note': {} },
                       's': { 'kind': 'struct', 'fields': [ { 'name': 'a', 'type': 't', 'x-why': 1 } ] } },
            'functions': [ { 'name': 'f', 'ret': 'int', 'params': [], 'x-since': '1.2' } ],
            'variables': [ { 'name': 'v', 'type': 'int', 'x-ro': true } ]
            """));
        Assert.That(((IntType)spec.Types["t"]).Bits, Is.EqualTo(8));
    }

    /// <summary>Every key SPEC.md documents and every key the original reads (seeds/000), in one spec.</summary>
    [Test]
    public void EveryDocumentedKeyIsAccepted()
    {
        var spec = FfiSpec.Parse(Doc("""
            'doc': 'the library',
            'types': {
              'i': { 'kind': 'int', 'bits': 32, 'signed': true, 'name': 'i', 'doc': 'an int' },
              'f': { 'kind': 'float', 'bits': 64, 'doc': 'x' },
              'v': { 'kind': 'void', 'doc': 'x' },
              'p': { 'kind': 'pointer', 'to': 'i', 'tag': 'P', 'doc': 'x' },
              'a': { 'kind': 'array', 'of': 'i', 'len': 2, 'doc': 'x' },
              's': { 'kind': 'struct', 'packed': true, 'align': 8, 'doc': 'x',
                     'fields': [ { 'name': 'a', 'type': 'i', 'bits': 3, 'doc': 'x' }, { 'name': 'b', 'type': 'i', 'align': 4 },
                                 { 'name': 'c', 'type': 'i', 'packed': true } ] },
              'q': { 'kind': 'struct', 'pack': 2, 'fields': [ { 'name': 'a', 'type': 'i' } ] },
              'u': { 'kind': 'union', 'fields': [ { 'name': 'a', 'type': 'i' } ], 'packed': false, 'pack': 4 },
              'e': { 'kind': 'enum', 'base': 'i', 'values': { 'A': 1 }, 'doc': 'x' },
              'fp': { 'kind': 'funcptr', 'ret': 'i', 'params': ['i'], 'variadic': true, 'doc': 'x' },
              'al': { 'kind': 'alias', 'to': 'i', 'doc': 'x' },
              'ai': { 'kind': 'alias', 'to': 'int', 'align': 8 },
              'h': { 'kind': 'handle', 'tag': 'H', 'rep': 'pointer', 'doc': 'x' }
            },
            'functions': [ { 'name': 'g', 'ret': 'string', 'params': ['i'], 'variadic': true, 'lib': 'libu.so', 'doc': 'x',
                             'ret_as_str': true, 'errno': true, 'caps': ['fs'], 'trivial': false } ],
            'variables': [ { 'name': 'w', 'type': 'i', 'lib': 'libu.so', 'doc': 'x', 'caps': ['fs'] } ],
            'constants': { 'K': 3 }
            """));
        Assert.That(spec.Types.Names, Has.Count.EqualTo(13));
    }
}
