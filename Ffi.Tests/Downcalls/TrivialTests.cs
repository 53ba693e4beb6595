using System.Diagnostics;
using Ffi.Values;

namespace Ffi.Tests.Downcalls;

/// <summary>Functions declared <c>"trivial": true</c> are called without the GC transition.</summary>
[TestFixture]
public sealed class TrivialTests
{
    [Test]
    public void TrivialFunctionsWorkThroughEveryApi()
    {
        using var m = NativeModule.Open(ApiSpec.Parse());
        Assert.That(m.Invoke("add_int_trivial", 40, 2), Is.EqualTo(42));
        Assert.That(m.Function("add_int_trivial").Invoke([FfiValue.FromInt64(1), 2]).ToInt64(), Is.EqualTo(3));
        var add = m.GetFunction<Func<int, int, int>>("add_int_trivial");
        for (int i = 0; i < 1000; i++) Assert.That(add(i, -i), Is.Zero);
        Assert.That(m.Stubs.RawCount, Is.EqualTo(1), "the raw stub of a trivial function is its own");
        m.Invoke("add_int", 1, 2);
        Assert.That(m.Stubs.RawCount, Is.EqualTo(2), "add_int has the same shape but is not trivial");
    }

    /// <summary>
    /// The observable difference: during a trivial call the thread stays in cooperative mode, so a collection
    /// requested meanwhile waits for the call to return; during a normal call it does not.
    /// </summary>
    [TestCase("spin_trivial", true)]
    [TestCase("spin_normal", false)]
    public void ACollectionWaitsForATrivialCallOnly(string function, bool waits)
    {
        using var m = NativeModule.Open(ApiSpec.Parse());
        var spin = m.GetFunction<Action<int>>(function);
        spin(1);
        using var started = new ManualResetEventSlim();
        var caller = new Thread(() =>
        {
            started.Set();
            spin(600);
        });
        caller.Start();
        started.Wait();
        Thread.Sleep(100);
        var clock = Stopwatch.StartNew();
        GC.Collect();
        long collectMs = clock.ElapsedMilliseconds;
        caller.Join();
        if (waits) Assert.That(collectMs, Is.GreaterThan(250), "the GC had to wait for the native call to return");
        else Assert.That(collectMs, Is.LessThan(250), "the GC ran while the thread was in native code");
    }
}
