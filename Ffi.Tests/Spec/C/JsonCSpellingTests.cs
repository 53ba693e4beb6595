using Ffi.Spec;
using Ffi.Types;

namespace Ffi.Tests.Spec.C;

/// <summary>The JSON spec takes C spellings wherever a type name is expected.</summary>
[TestFixture]
public sealed class JsonCSpellingTests
{
    private static FfiSpec Spec(string functions, string types = "{}") =>
        FfiSpec.Parse($$"""{ "version": "1", "lib": "libc.so.6", "types": {{types}}, "functions": [{{functions}}] }""");

    [Test]
    public void ScalarAndPointerSpellings()
    {
        var spec = Spec("""
            { "name": "f", "ret": "unsigned int", "params": ["char*", "const char *", "uint8_t", "unsigned long long", "void *", "int[4]", "signed char"] }
            """);
        var f = spec.Functions[0];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(f.ReturnType, Is.SameAs(BuiltinTypes.All["uint"]));
            Assert.That(f.ParameterTypes[0], Is.InstanceOf<PointerType>().With.Property("IsCharPointer").True);
            Assert.That(f.ParameterTypes[1], Is.SameAs(BuiltinTypes.All["string"]));
            Assert.That(f.ParameterTypes[2], Is.SameAs(BuiltinTypes.All["uint8"]));
            Assert.That(f.ParameterTypes[3], Is.SameAs(BuiltinTypes.All["ulonglong"]));
            Assert.That(((PointerType)f.ParameterTypes[4]).Pointee, Is.InstanceOf<VoidType>());
            Assert.That(f.ParameterTypes[6], Is.SameAs(BuiltinTypes.All["schar"]));
        }
        Assert.That(f.ParameterTypes[5], Is.InstanceOf<ArrayType>().With.Property("Length").EqualTo(4));
    }

    [Test]
    public void TagAndFunctionPointerSpellings()
    {
        var spec = Spec("""
            { "name": "mktime", "ret": "long", "params": ["struct tm *"] },
            { "name": "signal", "ret": "void (*)(int)", "params": ["int", "void (*)(int)"] },
            { "name": "qsort", "ret": "void", "params": ["void *", "size_t", "size_t", "int (*)(const void *, const void *)"] }
            """, """{ "struct tm": { "kind": "struct", "fields": [ { "name": "tm_sec", "type": "int" } ] }, "point": { "kind": "struct", "fields": [] } }""");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(((PointerType)spec.Functions[0].ParameterTypes[0]).Pointee, Is.SameAs(spec.Types["struct tm"]));
            Assert.That(spec.Functions[1].ReturnType, Is.InstanceOf<FuncPtrType>());
            Assert.That(((FuncPtrType)spec.Functions[2].ParameterTypes[3]).Parameters, Has.Count.EqualTo(2));
            Assert.That(spec.Types.ParseType("\"point *\""), Is.InstanceOf<PointerType>().With.Property("Pointee").SameAs(spec.Types["point"]));
        }
    }

    [Test]
    public void UnknownNamesStayUnknown()
    {
        var ex = Assert.Throws<FfiSpecException>(() => Spec("""{ "name": "f", "ret": "int", "params": ["unsigned flaot"] }"""));
        Assert.That(ex.Message, Is.EqualTo("functions[0] (f): param[0]: unknown type \"unsigned flaot\""));
    }
}
