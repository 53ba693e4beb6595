using System.Globalization;
using System.Text.RegularExpressions;
using Ffi.Memory;
using Ffi.Spec;
using Ffi.Tests.Native;
using Ffi.Tests.Oracle;

namespace Ffi.Tests.Downcalls;

/// <summary>The shapes.c fixtures: many arguments, registers and the stack, and the helpers the fixtures share.</summary>
public sealed partial class ShapeFixtureTests
{
    // ------------------------------------------------------------------ many arguments

    [Test]
    public void TenLongsSpillFourToTheStack()
    {
        var a = Enumerable.Range(0, 10).Select(i => (i % 2 == 0 ? 1 : -1) * ((long)(i + 1) << 36) + i).ToArray();
        long expected = a.Select((v, i) => (i + 1) * v).Sum();
        Assert.That(_m.Invoke("ten_longs", [.. a.Cast<object?>()]), Is.EqualTo(expected));
    }

    [Test]
    public void TwelveDoublesSpillFourToTheStack()
    {
        var d = Enumerable.Range(0, 12).Select(i => (i - 5.5) * 1.5).ToArray();
        double expected = d.Select((v, i) => (i + 1) * v).Sum();
        Assert.That(_m.Invoke("twelve_doubles", [.. d.Cast<object?>()]), Is.EqualTo(expected));
    }

    [Test]
    public void InterleavedIntegersAndFloatsSpillInArgumentOrder()
    {
        object?[] args =
        [
            1, 0.5, 1L << 33, 0.25f, (short)-2, -1.5, (sbyte)-3, 2.75f, -(1L << 34), 3.125,
            -100, 8.5, 1L << 35, -0.125f, 4_000_000_000u, -16.25, 12_345_678_901L, 0.0625,
        ];
        double expected = 0;
        for (int i = 0; i < args.Length; i++) expected += (i + 1) * Convert.ToDouble(args[i], CultureInfo.InvariantCulture);
        Assert.That(_m.Invoke("interleaved", args), Is.EqualTo(expected));
    }

    [Test]
    public void SmallIntegersOnTheStackTakeWholeSlots()
    {
        long[] r = [1L << 40, -(1L << 40), 3, -4, 1L << 20, -(1L << 21)];
        long expected = r.Select((v, i) => (i + 1) * v).Sum()
                        + 7 * -7 + 8 * -1234 + 9L * int.MinValue + 10 * 250 + 11 * 1 + 12 * 65535;
        Assert.That(_m.Invoke("small_ints_on_stack", r[0], r[1], r[2], r[3], r[4], r[5],
            (sbyte)-7, (short)-1234, int.MinValue, (byte)250, true, ushort.MaxValue), Is.EqualTo(expected));
    }

    [Test]
    public void FloatsOnTheStackTakeWholeSlots()
    {
        var x = Enumerable.Range(0, 8).Select(i => i + 0.5).ToArray();
        double expected = x.Select((v, i) => (i + 1) * v).Sum() + 9 * 1.25 + 10 * -2.5 + 11 * 3.0625;
        Assert.That(_m.Invoke("floats_on_stack", [.. x.Cast<object?>(), 1.25f, -2.5f, 3.0625]), Is.EqualTo(expected));
    }

    [Test]
    public void IntegerPairThatNoLongerFitsGoesOnTheStackAndTheNextIntegerTakesTheRegister()
    {
        // 5 ints use rdi..r8; {long,long} needs two registers, so it goes on the stack and g takes r9.
        long expected = 1 + 2 * -2 + 3 * 3 + 4 * -4 + 5 * 5 + 6 * (1L << 40) + 7 * -(1L << 41) + 8 * ((1L << 42) + 1);
        Assert.That(_m.Invoke("ints_then_ll", 1, -2, 3, -4, 5, new { a = 1L << 40, b = -(1L << 41) }, (1L << 42) + 1),
            Is.EqualTo(expected));
    }

    [Test]
    public void IntegerSsePairStillFitsAfterFiveInts()
    {
        // {long,double} needs r9 and xmm0: it fits, and g goes on the stack.
        double expected = 1 + 2 * -2 + 3 * 3 + 4 * -4 + 5 * 5 + 6.0 * -(1L << 33) + 7 * 0.75 + 8 * 77;
        Assert.That(_m.Invoke("ints_then_ld", 1, -2, 3, -4, 5, new { a = -(1L << 33), b = 0.75 }, 77L), Is.EqualTo(expected));
    }

    [Test]
    public void SsePairThatNoLongerFitsGoesOnTheStackAndTheNextDoubleTakesXmm7()
    {
        var d = Enumerable.Range(0, 7).Select(i => 0.5 + i).ToArray();
        double expected = d.Select((v, i) => (i + 1) * v).Sum() + 8 * 100.25 + 9 * -200.5 + 10 * 1.125;
        Assert.That(_m.Invoke("doubles_then_dd", [.. d.Cast<object?>(), new { a = 100.25, b = -200.5 }, 1.125]), Is.EqualTo(expected));
    }

    [Test]
    public void SseIntegerPairStillFitsAfterSevenDoubles()
    {
        // {double,long} takes xmm7 and rdi; h goes on the stack.
        var d = Enumerable.Range(0, 7).Select(i => -0.25 * i).ToArray();
        double expected = d.Select((v, i) => (i + 1) * v).Sum() + 8 * -0.375 + 9.0 * (1L << 45) + 10 * 9.5;
        Assert.That(_m.Invoke("doubles_then_dl", [.. d.Cast<object?>(), new { a = -0.375, b = 1L << 45 }, 9.5]), Is.EqualTo(expected));
    }

    [Test]
    public void SseIntegerPairGoesOnTheStackWhenTheIntegerRegistersAreGone()
    {
        // Six longs take every INTEGER register: {double,long} goes on the stack whole, h takes xmm0.
        long[] a = [10, -20, 30, -40, 1L << 40, -(1L << 39)];
        double expected = a.Select((v, i) => (i + 1) * (double)v).Sum() + 7 * 2.5 + 8.0 * -(1L << 44) + 9 * -0.25;
        Assert.That(_m.Invoke("longs_then_dl", [.. a.Cast<object?>(), new { a = 2.5, b = -(1L << 44) }, -0.25]), Is.EqualTo(expected));
    }

    [Test]
    public void NineSmallStructsRunOutOfSseRegisters()
    {
        // xmm0..xmm6 hold a, c, e, f.a, g.b; h and i need two each and only xmm7 is left: both go on the stack,
        // then w takes xmm7. rdi, rsi, rdx, rcx hold b, d, f.b, g.a; z takes r8.
        double expected = (0.5 + 2 * 1.5) + 3 * (3 + 2 * -4) + 5 * (1.25 + 2 * -2.5) + 7 * (-6 + 2 * 0.75)
                          + 11 * (1 + 2 * 2 + 3 * -3) + 13 * (0.125 + 2.0 * (1L << 30)) + 17 * (-(1L << 31) + 2 * 4.5)
                          + 19 * (7.5 + 2 * 8.25) + 23 * (-9.5 + 2 * 10.75) + 29.0 * (1L << 33) + 31 * -0.5;
        var result = _m.Invoke("struct_mix",
            new { a = 0.5f, b = 1.5f }, new { a = 3, b = -4 }, new { a = 1.25, b = -2.5 }, new { a = -6, b = 0.75f },
            new { a = 1f, b = 2f, c = -3f }, new { a = 0.125, b = 1L << 30 }, new { a = -(1L << 31), b = 4.5 },
            new { a = 7.5, b = 8.25 }, new { a = -9.5, b = 10.75 }, 1L << 33, -0.5);
        Assert.That(result, Is.EqualTo(expected));
    }

    [Test]
    public void SixteenAlignedStructOnTheStackStartsAtASixteenByteBoundary()
    {
        // x at stack+0, s at stack+16 (not +8), y at stack+32 — gcc -S shows the loads at 8/24/32/40(%rsp).
        long expected = 1 + 2 * 2 + 3 * 3 + 4 * 4 + 5 * 5 + 6 * 6 + 7 * (1L << 40) + 8 * -(1L << 41) + 9 * 3 + 10 * -5;
        Assert.That(_m.Invoke("aligned_on_stack", 1L, 2L, 3L, 4L, 5L, 6L, 1L << 40, new { a = -(1L << 41), b = 3L }, -5L),
            Is.EqualTo(expected));
    }

    [Test]
    public void ThirtyTwoAlignedStructOnTheStackStartsAtAThirtyTwoByteOffset()
    {
        // x at stack+0, s at stack+32, y at stack+64 — gcc -S shows the loads at 8/40/72(%rsp).
        long expected = 1 + 2 * 2 + 3 * 3 + 4 * 4 + 5 * 5 + 6 * 6 + 7 * (1L << 40) + 8 * -(1L << 41) + 9 * -5;
        Assert.That(_m.Invoke("aligned32_on_stack", 1L, 2L, 3L, 4L, 5L, 6L, 1L << 40, new { a = -(1L << 41) }, -5L),
            Is.EqualTo(expected));
    }

    [Test]
    public void MemoryReturnShiftsTheIntegerArguments()
    {
        // The hidden result pointer takes rdi: a1..a5 take rsi..r9 and a6 goes on the stack.
        long a1 = 1L << 40, a2 = -7, a3 = 9, a4 = -(1L << 35), a5 = 1000, a6 = -(1L << 38);
        var s = Storage(_m.Invoke("s24_from_longs", a1, a2, a3, a4, a5, a6));
        Assert.Multiple(() =>
        {
            Assert.That(_m.Memory.Get(s, "a"), Is.EqualTo(a1 + 2 * a2));
            Assert.That(_m.Memory.Get(s, "b"), Is.EqualTo(a3 * 0.5 + a4));
            Assert.That(_m.Memory.Get(s, "c"), Is.EqualTo(a5 - 3 * a6));
        });
    }

    [Test]
    public void MemoryReturnWithMemoryArgumentsBetweenScalars()
    {
        var x = _m.Memory.Box("s24", new { a = 1L << 35, b = 1.5, c = -10L });
        var z = new { a = new long[] { 1, 2, 3 }, b = new[] { 0.5, 0.25, 0.125 } };
        var r = Storage(_m.Invoke("s32_combine", 3L, x, 2.0, new { a = 0.25, b = -100L, c = 1.5f, d = 77, e = -0.5 },
            1L << 36, z, 0.75f));
        Assert.Multiple(() =>
        {
            Assert.That(_m.Memory.Get(r, "a"), Is.EqualTo(1.5 * 2.0 + 0.25 + 0.5 + 2 * 0.25 + 3 * 0.125));
            Assert.That(_m.Memory.Get(r, "b"), Is.EqualTo((1L << 35) * 3 - 100 + (1L << 36) + 1 + 2 * 2 + 3 * 3));
            Assert.That(_m.Memory.Get(r, "c"), Is.EqualTo(1.5f * 2 + 0.75f));
            Assert.That(_m.Memory.Get(r, "d"), Is.EqualTo(77 - -10));
            Assert.That(_m.Memory.Get(r, "e"), Is.EqualTo(-0.5 + 2.0));
        });
    }

    [Test]
    public void RegisterPairReturnWithEveryArgumentRegisterTaken()
    {
        long[] a = [1L << 33, -2, 3, -(1L << 34), 5, -6, 1L << 36]; // a1..a6 in registers, a7 on the stack
        double[] d = [0.5, -1.5, 2.25, -3.125, 4, -5.5, 6.75, -7.25, 8.0625]; // d1..d8 in xmm0..7, d9 on the stack
        var s = Storage(_m.Invoke("s_dl_from_many",
            a[0], a[1], a[2], a[3], a[4], a[5], d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], a[6], d[8]));
        Assert.Multiple(() =>
        {
            Assert.That(_m.Memory.Get(s, "a"), Is.EqualTo(d.Select((v, i) => (i + 1) * v).Sum()));
            Assert.That(_m.Memory.Get(s, "b"), Is.EqualTo(a.Select((v, i) => (i + 1) * v).Sum()));
        });
    }

    // A nested dictionary (lists for arrays) from member paths such as "p.x", "v[2]" and "p[1].y" (indexes in order).
    private static Dictionary<string, object?> ManagedValue(IEnumerable<Leaf> leaves)
    {
        var root = new Dictionary<string, object?>();
        foreach (var leaf in leaves)
        {
            // "p[1].y" -> "p", 1, "y"
            var steps = Regex.Matches(leaf.Path, @"\[(\d+)\]|\w+")
                .Select(m => m.Groups[1].Success ? (object)int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : m.Value)
                .ToList();
            object container = root;
            for (int k = 0; k < steps.Count; k++)
            {
                object? child = k == steps.Count - 1 ? leaf.Value
                    : steps[k + 1] is int ? new List<object?>() : new Dictionary<string, object?>();
                if (container is Dictionary<string, object?> map)
                {
                    var name = (string)steps[k];
                    if (child is not Dictionary<string, object?> and not List<object?> || !map.TryGetValue(name, out var existing))
                        map[name] = child;
                    else
                        child = existing;
                }
                else
                {
                    var list = (List<object?>)container;
                    if ((int)steps[k] == list.Count) list.Add(child);
                    else child = list[(int)steps[k]];
                }
                container = child!;
            }
        }
        return root;
    }

    // An aggregate returned by value: the storage behind the StructValue.
    private static NativePointer Storage(object? result) => ((StructValue)result!).Pointer;
}
