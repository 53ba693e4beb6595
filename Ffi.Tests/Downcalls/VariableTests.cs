using Ffi.Memory;
using Ffi.Spec;
using Ffi.Tests.Native;

namespace Ffi.Tests.Downcalls;

/// <summary>Global variables: get, set, address, aggregates copied both ways, capabilities.</summary>
[TestFixture]
public sealed class VariableTests
{
    private static FfiSpec Spec() => FfiSpec.Parse($$"""
        { "version": "1", "lib": "{{Fixtures.GlobalsLibrary}}",
          "types": { "point": { "kind": "struct", "fields": [ {"name":"x","type":"int"}, {"name":"y","type":"int"} ] } },
          "functions": [ { "name": "read_origin_sum", "ret": "int", "params": [] } ],
          "variables": [
            { "name": "origin", "type": "point" },
            { "name": "counter", "type": "long" },
            { "name": "ratio", "type": "double", "caps": ["math"] },
            { "name": "optind", "type": "int", "lib": "libc.so.6" } ] }
        """);

    [Test]
    public void ScalarsReadAndWrite()
    {
        using var m = NativeModule.Open(Spec());
        var counter = m.Variable("counter");
        Assert.That(counter.Get(), Is.EqualTo(7L));
        counter.Set(41);
        Assert.That(counter.Get(), Is.EqualTo(41L));
        Assert.That(m.Memory.Get(counter.Address), Is.EqualTo(41L), "the address points at the same storage");
        var ex = Assert.Throws<FfiArgumentException>(() => counter.Set(1.5));
        Assert.That(ex!.Message, Is.EqualTo("counter (long): non-integral float to int: Double 1.5 for long"));
        Assert.That(counter.Get(), Is.EqualTo(41L), "a failed set writes nothing");
    }

    [Test]
    public void AVariableOfAnotherLibrary()
    {
        using var m = NativeModule.Open(Spec());
        var optind = m.Variable("optind");
        int before = (int)optind.Get()!;
        optind.Set(before + 2);
        Assert.That(optind.Get(), Is.EqualTo(before + 2));
        optind.Set(before);
    }

    [Test]
    public void AnAggregateGetIsAManagedCopyThatTakesNoModuleStorage()
    {
        using var m = NativeModule.Open(Spec());
        var origin = m.Variable("origin");
        int blocks = m.Memory.LiveBlockCount;
        for (int i = 0; i < 1000; i++) origin.Get();
        var value = (StructValue)origin.Get()!;
        Assert.That(value.InStorage, Is.False);
        Assert.That(m.Memory.LiveBlockCount, Is.EqualTo(blocks), "a loop of reads stays flat");
        var saved = (StructValue)origin.Get()!;
        int y = (int)value["y"]!;
        value["x"] = 10;
        origin.Set(value);
        Assert.That(m.Invoke("read_origin_sum"), Is.EqualTo(10 + y), "a managed copy writes back");
        origin.Set(saved); // the library is shared by the fixture's tests
    }

    [Test]
    public void AggregatesAreCopiedOutAndInFromStorageOrManagedValues()
    {
        using var m = NativeModule.Open(Spec());
        var origin = m.Variable("origin");
        var copy = ((StructValue)origin.Get()!).Pointer;
        Assert.That(m.Memory.Get(copy, "x"), Is.EqualTo(3));
        m.Memory.Set(copy, "x", 100);
        Assert.That(m.Invoke("read_origin_sum"), Is.EqualTo(7), "Get returns a copy, not the global itself");

        origin.Set(copy);
        Assert.That(m.Invoke("read_origin_sum"), Is.EqualTo(104));
        origin.Set(new { y = -1 });
        Assert.That(m.Invoke("read_origin_sum"), Is.EqualTo(-1), "a managed value replaces the whole struct: x becomes 0");
        Assert.Throws<FfiArgumentException>(() => origin.Set(new { z = 1 }));
        Assert.That(m.Invoke("read_origin_sum"), Is.EqualTo(-1), "a value that fails to convert leaves the global untouched");
        origin.Set(new Dictionary<string, object?> { ["x"] = 3, ["y"] = 4 });
        Assert.That(m.Invoke("read_origin_sum"), Is.EqualTo(7));
    }

    [Test]
    public void CapabilitiesGateVariables()
    {
        using var denied = NativeModule.Open(Spec());
        var ex = Assert.Throws<FfiCapabilityDeniedException>(() => denied.Variable("ratio").Get());
        Assert.That(ex!.Message, Does.StartWith("ratio: capability \"math\" was not granted"));
        Assert.Throws<FfiCapabilityDeniedException>(() => _ = denied.Variable("ratio").Address);
        using var granted = NativeModule.Open(Spec(), new FfiOptions { Grants = new HashSet<string> { "math" } });
        Assert.That(granted.Variable("ratio").Get(), Is.EqualTo(0.5));
    }

    [Test]
    public void UnknownVariablesAndUseAfterDispose()
    {
        var m = NativeModule.Open(Spec());
        Assert.Throws<FfiNameException>(() => m.Variable("nope"));
        var counter = m.Variable("counter");
        m.Dispose();
        Assert.Throws<ObjectDisposedException>(() => counter.Get());
        Assert.Throws<ObjectDisposedException>(() => m.Variable("counter"));
    }
}
