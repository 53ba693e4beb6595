using Ffi.Compile;
using Ffi.Spec;

namespace Ffi.Tests.Compile;

/// <summary>Specs and options that cannot be compiled: each is an <see cref="FfiCompileException"/> naming the culprit, never a crash or a silent rename.</summary>
[TestFixture]
public sealed class CompileErrorTests
{
    private static FfiCompileException Refused(string types, BindingOptions? options = null) =>
        Assert.Throws<FfiCompileException>(() => BindingCompiler.Compile(
            FfiSpec.Parse($$"""{ "version": "1", "lib": "x", "types": { {{types}} } }"""), options ?? new BindingOptions("Errors")))!;

    [Test]
    public void AnEmptyStructIsRefusedByName()
    {
        var ex = Refused("""
            "ok": {"kind":"struct","fields":[{"name":"a","type":"int"}]},
            "empty_struct": {"kind":"struct","fields":[]}
            """);
        Assert.That(ex.Subject, Is.EqualTo("types.empty_struct"));
        Assert.That(ex.Message, Does.StartWith("types.empty_struct: an empty struct (0 bytes").And.Contain("handle"));
        Assert.That(ex, Is.InstanceOf<FfiException>());
    }

    [Test]
    public void AnEmptyUnionIsRefusedByName() =>
        Assert.That(Refused("""  "u": {"kind":"union","fields":[]}  """).Message, Does.StartWith("types.u: an empty union"));

    [Test]
    public void AVariadicFunctionPointerTypeIsRefusedByName()
    {
        var ex = Refused("""  "printer": {"kind":"funcptr","ret":"int","params":["string"],"variadic":true}  """);
        Assert.That(ex.Subject, Is.EqualTo("types.printer"));
        Assert.That(ex.Reason, Does.Contain("variadic"));
    }

    [Test]
    public void AnInlineStructInADelegateSignatureIsRefusedWithItsPath()
    {
        var ex = Refused("""  "cb": {"kind":"funcptr","ret":"void","params":[{"kind":"struct","fields":[{"name":"x","type":"int"}]}]}  """);
        Assert.That(ex.Subject, Is.EqualTo("types.cb.params[0]"));
        Assert.That(ex.Reason, Does.Contain("name it in the spec's types"));
    }

    [Test]
    public void ADocWithControlCharactersStillGivesAnXmlFile()
    {
        var compiled = BindingCompiler.Compile(FfiSpec.Parse("""
            { "version": "1", "lib": "x", "types": { "s": {"kind":"struct","doc":"bell\u0007 <and> & ]]>","fields":[{"name":"x","type":"int"}]} } }
            """), new BindingOptions("Docs"));
        var summary = System.Xml.Linq.XDocument.Parse(compiled.XmlDoc).Descendants("member").Single(m => m.Attribute("name")!.Value == "T:Docs.s").Value;
        Assert.That(summary, Is.EqualTo("bell <and> & ]]>"));
    }

    [Test]
    public void TwoTypeNamesMeetingInOneClrNameAreAClash()
    {
        var ex = Refused("""
            "a-b": {"kind":"struct","fields":[{"name":"x","type":"int"}]},
            "a_b": {"kind":"struct","fields":[{"name":"x","type":"int"}]}
            """);
        Assert.That(ex.Message, Is.EqualTo("types.a_b: its CLR name \"a_b\" is already taken in namespace Errors by types.a-b; rename one of them in the spec"));
    }

    [Test]
    public void TwoMemberNamesMeetingInOneClrNameAreAClash()
    {
        var ex = Refused("""  "s": {"kind":"struct","fields":[{"name":"x.y","type":"int"},{"name":"x_y","type":"int"}]}  """);
        Assert.That(ex.Message, Does.StartWith("types.s.fields[1] (x_y): its CLR name \"x_y\" is already taken in type s by types.s.fields[0] (x.y)"));
    }

    [Test]
    public void AnEnumConstantClashIsNamed() =>
        Assert.That(Refused("""  "e": {"kind":"enum","base":"int","values":{"A-1":1,"A_1":2}}  """).Message,
            Does.StartWith("types.e.values.A_1: its CLR name \"A_1\" is already taken in type e by types.e.values.A-1"));

    [Test]
    public void ATypeNamedAsTheClassIsAClash() =>
        Assert.That(Refused("""  "Native": {"kind":"struct","fields":[{"name":"x","type":"int"}]}  """).Message,
            Does.StartWith("types.Native: its CLR name \"Native\" is already taken in namespace Errors by --class"));

    [Test]
    public void AConstantNamedAsAMemberTheCompilerAddsMakesThatMemberTheSubject()
    {
        var ex = Assert.Throws<FfiCompileException>(() => BindingCompiler.Compile(FfiSpec.Parse("""
            { "version": "1", "lib": "x", "types": { "cb": {"kind":"funcptr","ret":"int","params":["int"]} },
              "functions": [{"name": "f", "ret": "int", "params": ["cb"]}], "constants": {"Callbacks": 1} }
            """), new BindingOptions("Errors")))!;
        Assert.That(ex.Subject, Is.EqualTo("the callback registrations of compiled bindings"));
        Assert.That(ex.Message, Does.Contain("already taken in type Native by constants.Callbacks"));
    }

    [TestCase("1abc")]
    [TestCase("a..b")]
    [TestCase("a b")]
    [TestCase("")]
    public void AnInvalidNamespaceIsRefused(string ns)
    {
        var ex = Refused("""  "s": {"kind":"struct","fields":[{"name":"x","type":"int"}]}  """, new BindingOptions(ns));
        Assert.That(ex.Subject, Is.EqualTo("--namespace"));
    }

    [Test]
    public void AnInvalidClassNameIsRefused()
    {
        var ex = Refused("""  "s": {"kind":"struct","fields":[{"name":"x","type":"int"}]}  """, new BindingOptions("Ok") { ClassName = "Na.tive" });
        Assert.That(ex.Subject, Is.EqualTo("--class"));
    }
}
