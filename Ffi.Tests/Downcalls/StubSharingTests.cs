using Ffi.Spec;
using Ffi.Values;

namespace Ffi.Tests.Downcalls;

/// <summary>Functions of one call shape share their emitted code: binding a large API must not emit per function.</summary>
[TestFixture]
public sealed class StubSharingTests
{
    private const string Spec = """
        { "version": "1", "lib": "libc.so.6", "types": {},
          "functions": [
            { "name": "abs", "ret": "int", "params": ["int"] },
            { "name": "toupper", "ret": "int", "params": ["int"] },
            { "name": "tolower", "ret": "int", "params": ["int"] },
            { "name": "isdigit", "ret": "int", "params": ["int"] },
            { "name": "labs", "ret": "long", "params": ["long"] } ] }
        """;

    [Test]
    public void FunctionsOfOneShapeShareOneRawStubAndOneInvokerPerApi()
    {
        using var m = NativeModule.Open(FfiSpec.Parse(Spec));
        Assert.That(m.Invoke("abs", -5), Is.EqualTo(5));
        Assert.That(m.Invoke("toupper", (int)'a'), Is.EqualTo((int)'A'));
        Assert.That(m.Invoke("tolower", (int)'Q'), Is.EqualTo((int)'q'));
        Assert.That(m.Invoke("isdigit", (int)'x'), Is.EqualTo(0));
        Assert.That(m.Stubs.InvokerCount, Is.EqualTo(1), "one object invoker for the four int(int) functions");
        Assert.That(m.Function("abs").Invoke([-7]).ToInt64(), Is.EqualTo(7));
        Assert.That(m.Function("toupper").Invoke([(int)'b']).ToInt64(), Is.EqualTo('B'));
        Assert.That(m.Stubs.InvokerCount, Is.EqualTo(2), "and one FfiValue invoker");
        Assert.That(m.Invoke("labs", -9L), Is.EqualTo(9L));
        Assert.That(m.Stubs.InvokerCount, Is.EqualTo(3), "long(long) is another shape");
        Assert.That(m.Stubs.RawCount, Is.EqualTo(2), "one raw stub per shape");
    }

    [Test]
    public void ASharedInvokerSeesEachFunctionsOwnDisposalAndName()
    {
        var a = NativeModule.Open(FfiSpec.Parse(Spec));
        using var b = NativeModule.Open(FfiSpec.Parse(Spec));
        var absA = a.Function("abs");
        Assert.That(absA.Invoke(-1), Is.EqualTo(1));
        Assert.That(absA.Invoke([-1]).ToInt64(), Is.EqualTo(1));
        Assert.That(b.Invoke("abs", -2), Is.EqualTo(2));
        a.Dispose();
        Assert.Throws<ObjectDisposedException>(() => absA.Invoke(-1));
        Assert.Throws<ObjectDisposedException>(() => absA.Invoke([-1]));
        Assert.That(b.Invoke("abs", -3), Is.EqualTo(3));
        var bad = Assert.Throws<FfiArgumentException>(() => b.Invoke("toupper", "x"))!;
        Assert.That(bad.Message, Does.StartWith("toupper: param[0]"));
    }

    [Test]
    public void TypedDelegatesOfOneShapeShareOneStub()
    {
        using var m = NativeModule.Open(FfiSpec.Parse(Spec));
        var abs = m.GetFunction<Func<int, int>>("abs");
        var upper = m.GetFunction<Func<int, int>>("toupper");
        var lower = m.GetFunction<Func<int, int>>("tolower");
        Assert.That((abs(-4), upper('c'), lower('D')), Is.EqualTo((4, (int)'C', (int)'d')));
        Assert.That(m.Stubs.TypedCount, Is.EqualTo(1));
        var labs = m.GetFunction<Func<long, long>>("labs");
        Assert.That(labs(-6), Is.EqualTo(6));
        Assert.That(m.Stubs.TypedCount, Is.EqualTo(2));
    }

    [Test]
    public void DelegateAndMulticastDelegateAreRefusedWithABindError()
    {
        using var m = NativeModule.Open(FfiSpec.Parse(Spec));
        Assert.That(() => m.GetFunction<Delegate>("abs"), Throws.TypeOf<FfiBindException>().With.Message.Contains("is not a delegate type with a signature"));
        Assert.That(() => m.GetFunction<MulticastDelegate>("abs"), Throws.TypeOf<FfiBindException>().With.Message.Contains("is not a delegate type with a signature"));
    }
}
