using System.Globalization;
using System.Text.RegularExpressions;
using Ffi.Memory;
using Ffi.Spec;
using Ffi.Tests.Native;
using Ffi.Tests.Oracle;

namespace Ffi.Tests.Downcalls;

/// <summary>The shapes.c fixtures: structs passed and returned by value.</summary>
public sealed partial class ShapeFixtureTests
{
    // ------------------------------------------------------------------ structs: sum_T (parameter) and make_T (return)

    [TestCaseSource(nameof(Structs))]
    public void StructPassedAndReturnedByValue(Shape shape)
    {
        double expected = 0;
        for (int i = 0; i < shape.Leaves.Length; i++)
            expected += (i + 1) * Convert.ToDouble(shape.Leaves[i].Value, CultureInfo.InvariantCulture);

        var storage = _m.Memory.Box(shape.Name);
        foreach (var leaf in shape.Leaves) _m.Memory.Set(storage, leaf.Path, leaf.Value);
        var fromStorage = _m.Invoke("sum_" + shape.Name, storage);
        var fromManaged = _m.Invoke("sum_" + shape.Name, ManagedValue(shape.Leaves));
        var made = Storage(_m.Invoke("make_" + shape.Name, [.. shape.Leaves.Select(l => l.Value)]));

        Assert.Multiple(() =>
        {
            Assert.That(fromStorage, Is.EqualTo(expected), "argument from storage");
            Assert.That(fromManaged, Is.EqualTo(expected), "argument from a managed value");
            Assert.That(made.Extent, Is.EqualTo(_m.Memory.SizeOf(shape.Name)));
            foreach (var leaf in shape.Leaves)
            {
                var got = _m.Memory.Get(made, leaf.Path);
                Assert.That(got, Is.EqualTo(leaf.Value), $"returned {leaf.Path}");
                Assert.That(got?.GetType(), Is.EqualTo(leaf.Value.GetType()), $"returned {leaf.Path}");
            }
        });
    }

    [Test]
    public void MemoryClassArgumentIsTheCalleesOwnCopy()
    {
        var s = _m.Memory.Box("s24", new { a = 1L, b = 2.5, c = 3L });
        Assert.That(_m.Invoke("s24_scribble", s), Is.EqualTo(444L));
        Assert.Multiple(() =>
        {
            Assert.That(_m.Memory.Get(s, "a"), Is.EqualTo(1L));
            Assert.That(_m.Memory.Get(s, "b"), Is.EqualTo(2.5));
            Assert.That(_m.Memory.Get(s, "c"), Is.EqualTo(3L));
        });
    }

    [Test]
    public void StorageThatCannotHoldTheStructIsRefusedBeforeTheCall()
    {
        var small = _m.Memory.Malloc(8);
        var otherType = _m.Memory.Box("s_dl");
        var freed = _m.Memory.Box("s24");
        _m.Memory.Free(freed);
        Assert.Multiple(() =>
        {
            Assert.That(() => _m.Invoke("sum_s24", small), Throws.InstanceOf<FfiMemoryException>(), "8 bytes for a 24-byte struct");
            Assert.That(() => _m.Invoke("sum_s24", otherType), Throws.InstanceOf<FfiArgumentException>(), "storage of a 16-byte type");
            Assert.That(() => _m.Invoke("sum_s24", freed), Throws.InstanceOf<FfiMemoryException>(), "freed storage");
        });
    }

    [Test]
    public void TwoEightbyteReturnsSwapClasses()
    {
        var dl = Storage(_m.Invoke("s_dl_from_ld", new { a = -(1L << 40), b = 0.375 }));
        var fff = Storage(_m.Invoke("s_fff_rotate", new { a = 1.5f, b = -2.5f, c = 3.25f }));
        Assert.Multiple(() =>
        {
            Assert.That(_m.Memory.Get(dl, "a"), Is.EqualTo(0.75));
            Assert.That(_m.Memory.Get(dl, "b"), Is.EqualTo(-(1L << 40) + 1));
            Assert.That(_m.Memory.Get(fff, "a"), Is.EqualTo(-2.5f));
            Assert.That(_m.Memory.Get(fff, "b"), Is.EqualTo(3.25f));
            Assert.That(_m.Memory.Get(fff, "c"), Is.EqualTo(1.5f));
        });
    }

    [Test]
    public void StructShapesWhenTheCallCapturesErrno()
    {
        // Capturing errno runs code between the call and the store of the result registers.
        using var m = NativeModule.Open(FfiSpec.Parse(SpecJson(Fixtures.ShapesLibrary, ", \"errno\": true")));
        var failures = new List<string>();
        foreach (var shape in Structs)
        {
            double expected = 0;
            for (int i = 0; i < shape.Leaves.Length; i++)
                expected += (i + 1) * Convert.ToDouble(shape.Leaves[i].Value, CultureInfo.InvariantCulture);
            var sum = m.Invoke("sum_" + shape.Name, ManagedValue(shape.Leaves));
            if (!Equals(sum, expected)) failures.Add($"sum_{shape.Name}: expected {expected}, got {sum}");
            var made = Storage(m.Invoke("make_" + shape.Name, [.. shape.Leaves.Select(l => l.Value)]));
            foreach (var leaf in shape.Leaves)
            {
                var got = m.Memory.Get(made, leaf.Path);
                if (!Equals(got, leaf.Value)) failures.Add($"make_{shape.Name}.{leaf.Path}: expected {leaf.Value}, got {got}");
            }
        }
        Assert.That(failures, Is.Empty);
    }

    [Test]
    public void EmptyStructTakesNoRegisterAndNoStackSlot()
    {
        var e = new Dictionary<string, object?>();
        Assert.Multiple(() =>
        {
            Assert.That(_m.Invoke("empty_between", 3L, e, -(1L << 40)), Is.EqualTo(3 + 2 * -(1L << 40)));
            Assert.That(_m.Invoke("empty_on_stack", 1L, 2L, 3L, 4L, 5L, 6L, e, 1L << 35),
                Is.EqualTo(1 + 2 * 2 + 3 * 3 + 4 * 4 + 5 * 5 + 6 * 6 + 7 * (1L << 35)));
        });
    }

    [Test]
    public void NoClassFirstEightbyteLeavesTheStructInXmm0Alone()
    {
        // gcc -S: nc_then_double adds xmm0 (s.d) and 2 * xmm1 (x).
        Assert.That(_m.Invoke("nc_then_double", new { d = 2.5 }, 1.25), Is.EqualTo(5.0));
    }

    [Test]
    public void StructOverOneKilobyteBothWays()
    {
        var a = Enumerable.Range(0, 130).Select(i => (long)i * i - 4000 + ((long)i << 33)).ToArray();
        long expected = 5 + a.Select((v, i) => (i + 1) * v).Sum();
        var made = Storage(_m.Invoke("make_huge", -(1L << 40), 1L << 33));
        Assert.Multiple(() =>
        {
            Assert.That(_m.Invoke("sum_huge", new { a }, 5L), Is.EqualTo(expected));
            for (int i = 0; i < 130; i++)
                Assert.That(_m.Memory.Get(made, $"a[{i}]"), Is.EqualTo(-(1L << 40) + i * (1L << 33)), $"a[{i}]");
        });
    }
}
