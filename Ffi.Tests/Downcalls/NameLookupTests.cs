using Ffi.Spec;
using Ffi.Types;

namespace Ffi.Tests.Downcalls;

/// <summary>
/// One exception for a name that is not declared (<see cref="FfiNameException"/>, with a did-you-mean), and the lookups
/// that do not throw: <c>TryOpen</c>, <c>TryGetFunction</c>, <c>TryGetVariable</c>.
/// </summary>
[TestFixture]
public sealed class NameLookupTests
{
    private static FfiSpec Spec(string lib = "libc.so.6") => FfiSpec.Parse($$"""
        { "version": "1", "lib": "{{lib}}",
          "types": { "div_t": { "kind": "struct", "fields": [ { "name": "quot", "type": "int" }, { "name": "rem", "type": "int" } ] } },
          "functions": [ { "name": "abs", "ret": "int", "params": ["int"] }, { "name": "labs", "ret": "long", "params": ["long"] } ],
          "variables": [ { "name": "optind", "type": "int" }, { "name": "opterr", "type": "int" } ] }
        """);

    private static FfiNameException Fails(Action code) => Assert.Throws<FfiNameException>(() => code())!;

    [Test]
    public void EveryLookupThrowsTheSameExceptionWithSuggestions()
    {
        using var m = NativeModule.Open(Spec());
        var cases = new (FfiNameException Error, string Kind, string Name, string Message)[]
        {
            (Fails(() => m.Function("ab")), "function", "ab", "the spec declares no function \"ab\" (did you mean \"abs\"?)"),
            (Fails(() => m.Invoke("lab", 1L)), "function", "lab", "the spec declares no function \"lab\" (did you mean \"labs\"?)"),
            (Fails(() => m.GetFunction<Func<int, int>>("abss")), "function", "abss", "the spec declares no function \"abss\" (did you mean \"abs\" or \"labs\"?)"),
            (Fails(() => m.GetFunctionAddress("printf")), "function", "printf", "the spec declares no function \"printf\""),
            (Fails(() => m.Variable("optint")), "variable", "optint", "the spec declares no variable \"optint\" (did you mean \"optind\"?)"),
            (Fails(() => m.GetVariableAddress("opterrr")), "variable", "opterrr", "the spec declares no variable \"opterrr\" (did you mean \"opterr\"?)"),
            (Fails(() => _ = m.Types["div"]), "type", "div", "unknown type \"div\""),
            (Fails(() => m.Memory.Box("dvi_t")), "type", "dvi_t", "unknown type \"dvi_t\" (did you mean \"div_t\"?)"),
            (Fails(() => ((AggregateType)m.Types["div_t"]).GetField("quott")), "field", "quott", "div_t has no field \"quott\" (did you mean \"quot\"?)"),
            (Fails(() => ((AggregateType)m.Types["div_t"]).GetField("x")), "field", "x", "div_t has no field \"x\" (fields: quot, rem)"),
        };
        using (Assert.EnterMultipleScope())
        {
            foreach (var (error, kind, name, message) in cases)
            {
                Assert.That(error.Message, Is.EqualTo(message));
                Assert.That((error.Kind, error.Name), Is.EqualTo((kind, name)));
                Assert.That(error, Is.InstanceOf<FfiException>());
            }
        }
    }

    [Test]
    public void TryGetFunctionAndTryGetVariableDoNotThrow()
    {
        using var m = NativeModule.Open(Spec());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(m.TryGetFunction("abs", out var abs), Is.True);
            Assert.That(abs!.Invoke(-4), Is.EqualTo(4));
            Assert.That(m.TryGetFunction("nope", out var none), Is.False);
            Assert.That(none, Is.Null);
            Assert.That(m.TryGetVariable("optind", out var optind), Is.True);
            Assert.That(optind!.Spec.Name, Is.EqualTo("optind"));
            Assert.That(m.TryGetVariable("nope", out var noVariable), Is.False);
            Assert.That(noVariable, Is.Null);
        }
        m.Dispose();
        Assert.Throws<ObjectDisposedException>(() => m.TryGetFunction("abs", out _));
        Assert.Throws<ObjectDisposedException>(() => m.TryGetVariable("optind", out _));
    }

    [Test]
    public void TryOpenReturnsTheBindFailure()
    {
        Assert.That(NativeModule.TryOpen(Spec("libnope-ffi-test.so.1"), out var module, out var error), Is.False);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(module, Is.Null);
            Assert.That(error, Is.InstanceOf<FfiBindException>());
            Assert.That(((FfiBindException)error!).Library, Is.EqualTo("libnope-ffi-test.so.1"));
        }
        Assert.That(NativeModule.TryOpen(Spec(), out var opened, out var none, new FfiOptions()), Is.True);
        using (opened)
        {
            Assert.That(none, Is.Null);
            Assert.That(opened!.Invoke("abs", -2), Is.EqualTo(2));
        }
        Assert.Throws<ArgumentNullException>(() => NativeModule.TryOpen(null!, out _, out _));
    }
}
