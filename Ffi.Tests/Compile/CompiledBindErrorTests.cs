using System.Reflection;
using Ffi.Spec;

namespace Ffi.Tests.Compile;

/// <summary>
/// Compiled bindings resolve nothing before a function's first call: an assembly whose library or symbol is missing
/// loads, and its other functions work; the first call of the missing one throws <see cref="FfiBindException"/>
/// naming library and symbol, every call does until it resolves (a failure is not kept), and the per-function
/// <c>lib</c> override is where the symbol is looked up.
/// </summary>
[TestFixture]
public sealed class CompiledBindErrorTests
{
    private const string Spec = """
        { "version": "1", "lib": "libc.so.6", "functions": [
            { "name": "abs", "ret": "int", "params": ["int"] },
            { "name": "ffi_no_such_symbol", "ret": "int", "params": ["int"] },
            { "name": "gone", "ret": "int", "params": [], "lib": "libffi-no-such-library.so.9" },
            { "name": "cos", "ret": "double", "params": ["double"], "lib": "libm.so.6" } ] }
        """;

    private static object? Call(CompiledAssembly a, string name, params object?[] args) =>
        Downcalls.TypedSignature.Call(a.Type("Native").GetMethod(name, BindingFlags.Public | BindingFlags.Static)!, null, args);

    [Test]
    public void AMissingSymbolThrowsAtItsFirstCallNamingLibraryAndSymbol()
    {
        using var a = new CompiledAssembly(FfiSpec.Parse(Spec), "BindErrors1");
        Assert.That(Call(a, "abs", -5), Is.EqualTo(5));
        for (int i = 0; i < 2; i++)
        {
            var e = Assert.Throws<FfiBindException>(() => Call(a, "ffi_no_such_symbol", 1))!;
            Assert.That((e.Library, e.Symbol), Is.EqualTo(("libc.so.6", "ffi_no_such_symbol")));
            Assert.That(e.Message, Does.Contain("\"ffi_no_such_symbol\"").And.Contain("\"libc.so.6\""));
        }
    }

    [Test]
    public void AMissingLibraryThrowsAtItsFirstCallNamingLibraryAndSymbol()
    {
        using var a = new CompiledAssembly(FfiSpec.Parse(Spec), "BindErrors2");
        for (int i = 0; i < 2; i++)
        {
            var e = Assert.Throws<FfiBindException>(() => Call(a, "gone"))!;
            Assert.That((e.Library, e.Symbol), Is.EqualTo(("libffi-no-such-library.so.9", "gone")));
            Assert.That(e.Message, Does.StartWith("gone: ").And.Contain("libffi-no-such-library.so.9"));
        }
        Assert.That(Call(a, "abs", -7), Is.EqualTo(7));
    }

    [Test]
    public void ThePerFunctionLibraryOverrideIsWhereTheSymbolIsFound()
    {
        using var a = new CompiledAssembly(FfiSpec.Parse(Spec), "BindErrors3");
        Assert.That(Call(a, "cos", 0.0), Is.EqualTo(1.0));
    }

    [Test]
    public void ManyThreadsBindingOneFunctionAllGetIt()
    {
        using var a = new CompiledAssembly(FfiSpec.Parse(Spec), "BindErrors4");
        var results = new int[64];
        Parallel.For(0, results.Length, i => results[i] = (int)Call(a, "abs", -i)!);
        Assert.That(results, Is.EqualTo(Enumerable.Range(0, 64).ToArray()));
    }
}
