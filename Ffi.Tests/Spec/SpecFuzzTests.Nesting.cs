using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ffi.Spec;
using Ffi.Types;
using NUnit.Framework;

namespace Ffi.Tests.Spec;

/// <summary>The spec reader fuzzed: deeply nested specs.</summary>
public sealed partial class SpecFuzzTests
{
    // ------------------------------------------------------------------------------------------
    // Deep nesting
    // ------------------------------------------------------------------------------------------

    private static string AliasChain(int n, bool rootFirst)
    {
        var sb = new StringBuilder("{\"version\":\"1\",\"lib\":\"x\",\"types\":{");
        var entries = Enumerable.Range(0, n).Select(i => $"\"a{i}\":\"{(i == n - 1 ? "int" : $"a{i + 1}")}\"");
        sb.AppendJoin(',', rootFirst ? entries : entries.Reverse());
        return sb.Append("}}").ToString();
    }

    private static T OnThread<T>(int stackSize, Func<T> body)
    {
        T result = default!;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = body();
            }
            catch (Exception ex)
            {
                error = ex;
            }
        }, stackSize);
        thread.Start();
        thread.Join();
        return error is null ? result : throw new AssertionException($"the body threw {error}");
    }

    [Test]
    public void LongAliasChainDeclaredLeafFirstResolves()
    {
        var spec = FfiSpec.Parse(AliasChain(10_000, rootFirst: false));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(spec.Types.Names, Has.Count.EqualTo(10_000));
            Assert.That(spec.Types["a0"], Is.SameAs(BuiltinTypes.All["int"]));
            Assert.That(spec.Types["a9999"], Is.SameAs(BuiltinTypes.All["int"]));
        }
    }

    [Test]
    public void LongAliasChainDeclaredRootFirstResolvesOrIsTooDeep()
    {
        // Resolving a0 recurses through all 10,000 names. Either it fits the stack or the resolver
        // stops with a spec error; it must never overflow the stack.
        var json = AliasChain(10_000, rootFirst: true);
        var oracle = new Oracle();
        if (oracle.Check(() => FfiSpec.Parse(json), "(10,000 alias chain)"))
            Assert.That(FfiSpec.Parse(json).Types["a0"], Is.SameAs(BuiltinTypes.All["int"]));
        else
            Assert.That(Assert.Throws<FfiSpecException>(() => FfiSpec.Parse(json)).Reason, Is.EqualTo("type references nest too deeply"));
        oracle.AssertClean();
    }

    [Test]
    public void LongAliasChainOnASmallStackIsTooDeepNotACrash()
    {
        var json = AliasChain(10_000, rootFirst: true);
        var ex = OnThread<FfiSpecException?>(256 * 1024, () =>
        {
            try
            {
                FfiSpec.Parse(json);
                return null;
            }
            catch (FfiSpecException e)
            {
                return e;
            }
        });
        Assert.That(ex, Is.Not.Null, "10,000 nested resolutions on a 256 KiB stack were expected to be refused");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.Reason, Is.EqualTo("type references nest too deeply"));
            Assert.That(ex.JsonPath, Does.Match(@"^types\.a\d+$"));
        }
    }

    [Test]
    public void LongAliasChainOnABigStackResolves()
    {
        var json = AliasChain(10_000, rootFirst: true);
        var spec = OnThread(64 * 1024 * 1024, () => FfiSpec.Parse(json));
        Assert.That(spec.Types["a0"], Is.SameAs(BuiltinTypes.All["int"]));
    }

    [Test]
    public void LongChainOfStructsByValue()
    {
        const int n = 10_000;
        var sb = new StringBuilder("{\"version\":\"1\",\"lib\":\"x\",\"types\":{");
        sb.AppendJoin(',', Enumerable.Range(0, n).Select(i =>
            $"\"s{i}\":{{\"kind\":\"struct\",\"fields\":[{{\"name\":\"x\",\"type\":\"{(i == n - 1 ? "char" : $"s{i + 1}")}\"}}]}}"));
        var json = sb.Append("}}").ToString();
        var oracle = new Oracle();
        if (oracle.Check(() => FfiSpec.Parse(json), "(10,000 struct chain)"))
            Assert.That(FfiSpec.Parse(json).Types["s0"].Size, Is.EqualTo(1));
        else
            Assert.That(Assert.Throws<FfiSpecException>(() => FfiSpec.Parse(json)).Reason, Is.EqualTo("type references nest too deeply"));
        oracle.AssertClean();
    }

    private static string Nest(int depth, string open, string leaf, string close)
    {
        var sb = new StringBuilder("{\"version\":\"1\",\"lib\":\"x\",\"types\":{\"t\":");
        for (int i = 0; i < depth; i++) sb.Append(open);
        sb.Append(leaf);
        for (int i = 0; i < depth; i++) sb.Append(close);
        return sb.Append("}}").ToString();
    }

    [Test]
    public void DeeplyNestedInlinePointersAndArraysWithinTheJsonDepthLimit()
    {
        // The root and "types" take 2 of the 256 levels of nesting the reader allows.
        var pointers = FfiSpec.Parse(Nest(254, "{\"kind\":\"pointer\",\"to\":", "\"int\"", "}"));
        CType t = pointers.Types["t"];
        int depth = 0;
        while (t is PointerType p)
        {
            t = p.Pointee;
            depth++;
        }
        using (Assert.EnterMultipleScope())
        {
            Assert.That(depth, Is.EqualTo(254));
            Assert.That(t, Is.SameAs(BuiltinTypes.All["int"]));
        }

        var arrays = FfiSpec.Parse(Nest(254, "{\"kind\":\"array\",\"len\":1,\"of\":", "\"double\"", "}"));
        Assert.That(arrays.Types["t"].Size, Is.EqualTo(8));

        var mixed = FfiSpec.Parse(Nest(120, "{\"kind\":\"array\",\"len\":2,\"of\":{\"kind\":\"pointer\",\"to\":", "\"int\"", "}}"));
        Assert.That(mixed.Types["t"].Size, Is.EqualTo(16));
    }

    [TestCase(255, "{\"kind\":\"pointer\",\"to\":", "\"int\"", "}")]
    [TestCase(10_000, "{\"kind\":\"pointer\",\"to\":", "\"int\"", "}")]
    [TestCase(100_000, "{\"kind\":\"array\",\"len\":1,\"of\":", "\"int\"", "}")]
    [TestCase(100_000, "[", "1", "]")]
    [TestCase(100_000, "{\"kind\":\"struct\",\"fields\":[{\"name\":\"x\",\"type\":", "\"int\"", "}]}")]
    public void NestingBeyondTheJsonDepthLimitIsInvalidJson(int depth, string open, string leaf, string close)
    {
        var json = Nest(depth, open, leaf, close);
        var ex = Assert.Throws<FfiSpecException>(() => FfiSpec.Parse(json));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex.JsonPath, Is.EqualTo("$"));
            Assert.That(ex.Reason, Does.StartWith("invalid JSON at line 1, byte "));
            Assert.That(ex.Reason, Does.Contain("The maximum configured depth of 256 has been exceeded."));
        }
    }
}
