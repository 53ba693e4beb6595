using System.Runtime.InteropServices;
using Ffi.Memory;
using Ffi.Values;

namespace Ffi.Tests.Downcalls;

/// <summary>
/// Aggregates returned by value through the dynamic APIs: held inside the <see cref="FfiValue"/> (≤ 16 bytes), as
/// garbage-collected <see cref="StructValue"/> copies, or into the caller's storage — never module storage per call,
/// and module storage (the original's semantics) on request.
/// </summary>
[TestFixture]
public sealed class StructResultTests
{
    private NativeModule _m = null!;

    [OneTimeSetUp]
    public void Open() => _m = NativeModule.Open(ApiSpec.Parse());

    [OneTimeTearDown]
    public void Close() => _m.Dispose();

    [StructLayout(LayoutKind.Sequential)]
    private record struct Pair(long A, long B);

    private FfiValue Call(string name, params FfiValue[] args) => _m.Function(name).Invoke(args.AsSpan());

    private NativePointer NewPair(long a, long b) => _m.Memory.Box("pair", new { a, b });

    [Test]
    public void ASmallAggregateResultIsHeldInsideTheFfiValueWithNoModuleStorage()
    {
        var pair = NewPair(1, 2);
        int blocks = _m.Memory.LiveBlockCount;
        var swapped = Call("pair_swap", pair);
        Assert.That(swapped.Kind, Is.EqualTo(FfiValueKind.Aggregate));
        Assert.That(swapped.AggregateType, Is.SameAs(_m.Types["pair"]));
        Assert.That(_m.Memory.Get(swapped, "a"), Is.EqualTo(2L));
        Assert.That(_m.Memory.Get(swapped, "b"), Is.EqualTo(1L));
        Assert.That(swapped.ToStruct<Pair>(), Is.EqualTo(new Pair(2, 1)));
        Assert.That(swapped.ToString(), Is.EqualTo("pair (inline)"));
        Assert.That(_m.Memory.LiveBlockCount, Is.EqualTo(blocks), "no module storage per result");
    }

    [Test]
    public void AnInlineAggregatePassesBackByValueInRegistersAndOnTheStack()
    {
        var swapped = Call("pair_swap", NewPair(1, 2));
        Assert.That(Call("pair_sum", swapped).ToInt64(), Is.EqualTo(21), "the emitted invoker copies it into its carriers");
        Assert.That(Call("pair2_sum", swapped).ToInt64(), Is.EqualTo(21), "a same-sized type is accepted, as storage is");
        Assert.That(Call("late_pair", 1, 2, 3, 4, 5, swapped, 8).ToInt64(), Is.EqualTo(15 + 200 + 1000 + 56),
            "five integer registers taken: the pair goes on the stack image");
        Assert.That(Call("pair_sum", Call("pair_swap", swapped)).ToInt64(), Is.EqualTo(12), "a result straight into the next call");
    }

    [Test]
    public void SseAndOddSizedAggregatesKeepExactlyTheirBytes()
    {
        var v = _m.Memory.Box("vec3", new { x = 1f, y = 2f, z = 3f });
        var sum = Call("vec3_add", v, v);
        Assert.That(sum.Kind, Is.EqualTo(FfiValueKind.Aggregate));
        Assert.That(new[] { _m.Memory.Get(sum, "x"), _m.Memory.Get(sum, "y"), _m.Memory.Get(sum, "z") }, Is.EqualTo(new object[] { 2f, 4f, 6f }));
        var twice = Call("vec3_add", sum, sum);
        Assert.That(_m.Memory.Get(twice, "z"), Is.EqualTo(12f), "12 bytes in xmm0:xmm1, in and out");
        Assert.That(sum, Is.EqualTo(Call("vec3_add", v, v)), "equal values compare equal (the padding is zero)");

        var scaled = Call("vec2_scale", Call("vec2_scale", _m.Memory.Box("vec2", new { x = 1.5, y = -2.0 }), 2.0), 3.0);
        Assert.That(_m.Memory.Get(scaled, "x"), Is.EqualTo(9.0));
        Assert.That(_m.Memory.Get(scaled, "y"), Is.EqualTo(-12.0));
    }

    [Test]
    public void AnInlineAggregateBecomesStorageOnlyWhenAsked()
    {
        var swapped = Call("pair_swap", NewPair(1, 2));
        int blocks = _m.Memory.LiveBlockCount;
        var copy = (StructValue)swapped.ToObject()!;
        Assert.That(copy.InStorage, Is.False);
        Assert.That(copy["a"], Is.EqualTo(2L));
        Assert.That(_m.Memory.LiveBlockCount, Is.EqualTo(blocks));
        var storage = swapped.ToPointer();
        Assert.That(_m.Memory.LiveBlockCount, Is.EqualTo(blocks + 1), "ToPointer copies into module storage (the original's form)");
        Assert.That(_m.Memory.Get(storage, "b"), Is.EqualTo(1L));
        _m.Memory.Free(storage);
    }

    [Test]
    public void AnAggregateOver16BytesComesBackAsAGarbageCollectedCopy()
    {
        int blocks = _m.Memory.LiveBlockCount;
        var big = Call("big_make", 5);
        Assert.That(big.Kind, Is.EqualTo(FfiValueKind.Object));
        Assert.That(((StructValue)big.ToObject()!).InStorage, Is.False);
        Assert.That(_m.Memory.Get(big, "v[9]"), Is.EqualTo(14));
        long expected = Enumerable.Range(0, 10).Sum(i => (5L + i) * (i + 1));
        Assert.That(Call("big_sum", big).ToInt64(), Is.EqualTo(expected));
        Assert.That(_m.Invoke("big_sum", _m.Invoke("big_make", 5)), Is.EqualTo(expected));
        Assert.That(_m.Memory.LiveBlockCount, Is.EqualTo(blocks));
    }

    [Test]
    public void TheObjectPathGivesAManagedStructValueThatMovesToStorageOnPointer()
    {
        var pair = NewPair(1, 2);
        int blocks = _m.Memory.LiveBlockCount;
        var s = (StructValue)_m.Invoke("pair_swap", pair)!;
        Assert.That(s.InStorage, Is.False);
        Assert.That(s.ToString(), Is.EqualTo("pair (managed copy)"));
        s["a"] = 5L;
        Assert.That(s["a"], Is.EqualTo(5L));
        Assert.That(_m.Invoke("pair_sum", s), Is.EqualTo(51L), "a managed copy passes by value (emitted invoker)");
        Assert.That(_m.Function("late_pair").Invoke(1, 2, 3, 4, 5, s, 8), Is.EqualTo(15L + 500 + 1000 + 56));
        Assert.That(_m.Memory.LiveBlockCount, Is.EqualTo(blocks));

        var p = s.Pointer;
        Assert.That(s.InStorage, Is.True);
        Assert.That(s.Pointer, Is.EqualTo(p), "moved once");
        Assert.That(_m.Memory.LiveBlockCount, Is.EqualTo(blocks + 1));
        s["b"] = 9L;
        Assert.That(_m.Memory.Get(p, "b"), Is.EqualTo(9L), "after the move the value is the storage");
        Assert.That(_m.Invoke("pair_sum", s), Is.EqualTo(59L));
        _m.Memory.Free(p);
        Assert.That(() => _m.Invoke("pair_sum", s), Throws.TypeOf<FfiMemoryException>().With.Message.Contains("use after free"));
    }

    [Test]
    public void AManagedCopyIsCheckedLikeStorage()
    {
        var s = (StructValue)_m.Invoke("pair_swap", NewPair(1, 2))!;
        Assert.That(() => _m.Invoke("vec3_add", s, s), Throws.TypeOf<FfiArgumentException>()
            .With.Message.Contains("aggregate requires a value of a compatible type (vec3, 12 bytes), not pair (16 bytes)"));
        var inline = Call("pair_swap", NewPair(1, 2));
        Assert.That(() => Call("vec3_add", inline, inline), Throws.TypeOf<FfiArgumentException>().With.Message.Contains("vec3"));
        Assert.That(() => _m.Memory.Get(inline, "nope"), Throws.TypeOf<FfiArgumentException>().With.Message.Contains("nope"));
        Assert.That(() => _m.Memory.Get(FfiValue.FromInt64(3), "a"), Throws.TypeOf<FfiArgumentException>().With.Message.Contains("has no members"));
        Assert.That(() => inline.ToStruct<long>(), Throws.TypeOf<InvalidCastException>().With.Message.Contains("16 bytes"));
        var bytes = new byte[8];
        Assert.That(() => s.CopyTo(bytes), Throws.ArgumentException);
    }

    [Test]
    public void InvokeIntoWritesTheResultIntoTheCallersStorage()
    {
        var big = _m.Memory.New("big");
        int blocks = _m.Memory.LiveBlockCount;
        var make = _m.Function("big_make");
        for (int i = 0; i < 100; i++) make.InvokeInto([i], big);
        Assert.That(_m.Memory.Get(big, "v[9]"), Is.EqualTo(99 + 9));
        Assert.That(_m.Memory.LiveBlockCount, Is.EqualTo(blocks));

        var pair = _m.Memory.New("pair2");
        _m.Function("pair_swap").InvokeInto([NewPair(3, 4)], pair);
        Assert.That(_m.Memory.Get(pair, "first"), Is.EqualTo(4L), "storage of a same-sized type");

        Assert.That(() => _m.Function("pair_swap").InvokeInto([NewPair(3, 4)], big), Throws.TypeOf<FfiArgumentException>()
            .With.Message.Contains("the result needs storage of pair (16 bytes), not of big (40 bytes)"));
        Assert.That(() => make.InvokeInto([1], NativePointer.Null), Throws.TypeOf<FfiMemoryException>().With.Message.Contains("null pointer"));
        Assert.That(() => _m.Function("counter_free").InvokeInto([FfiValue.Null], big), Throws.TypeOf<FfiArgumentException>().With.Message.Contains("returns void"));
        _m.Memory.Free(big);
        Assert.That(() => make.InvokeInto([1], big), Throws.TypeOf<FfiMemoryException>().With.Message.Contains("use after free"));
    }

    [Test]
    public void StructInAndOutThroughFfiValuesAllocatesNothing()
    {
        var swap = _m.Function("pair_swap");
        var args = new FfiValue[1];
        args[0] = Call("pair_swap", NewPair(1, 2));
        for (int i = 0; i < 100; i++) args[0] = swap.Invoke(args.AsSpan());
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++) args[0] = swap.Invoke(args.AsSpan());
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(allocated, Is.Zero);
        Assert.That(args[0].ToStruct<Pair>(), Is.EqualTo(new Pair(2, 1)));
    }
}
