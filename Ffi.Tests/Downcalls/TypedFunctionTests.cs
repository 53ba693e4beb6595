using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Ffi.Memory;
using Ffi.Spec;

namespace Ffi.Tests.Downcalls;

/// <summary><c>NativeModule.GetFunction&lt;TDelegate&gt;</c>: typed stubs against the gcc-compiled API fixture.</summary>
[TestFixture]
public sealed unsafe class TypedFunctionTests
{
    [StructLayout(LayoutKind.Sequential)] public struct Pair { public long A; public long B; }
    [StructLayout(LayoutKind.Sequential)] public struct Vec2 { public double X; public double Y; }
    [StructLayout(LayoutKind.Sequential)] public struct Vec3 { public float X; public float Y; public float Z; }
    [InlineArray(10)] public struct Big { private int _v0; }
    public enum Color { Red = 1, Green = 2, Blue = 4 }

    public delegate long Sum6(long a, long b, long c, long d, long e, long f);
    public delegate long LatePair(long a, long b, long c, long d, long e, Pair p, long f);
    public delegate long SumSpan(ReadOnlySpan<int> xs, int n);
    public delegate void FillSpan(Span<int> xs, int n, int v);
    public delegate long SumPointer(int* xs, int n);
    public delegate double Many(int a, double b, int c, double d, int e, double f, int g, double h, int i, double j,
        int k, double l, int m, double n, int o, double p, int q, double r);

    private NativeModule _m = null!;

    [OneTimeSetUp]
    public void Open() => _m = NativeModule.Open(ApiSpec.Parse(), new FfiOptions { Grants = new HashSet<string> { "math" } });

    [OneTimeTearDown]
    public void Close() => _m.Dispose();

    [Test]
    public void Scalars()
    {
        Assert.That(_m.GetFunction<Func<int, int, int>>("add_int")(40, 2), Is.EqualTo(42));
        Assert.That(_m.GetFunction<Func<int, int, int>>("add_int")(int.MaxValue, 1), Is.EqualTo(int.MinValue), "C wraps; nothing checks typed values");
        Assert.That(_m.GetFunction<Func<double, double, double>>("add_double")(0.5, 0.25), Is.EqualTo(0.75));
        Assert.That(_m.GetFunction<Func<float, int, float>>("scale_float")(1.5f, 3), Is.EqualTo(4.5f));
        Assert.That(_m.GetFunction<Sum6>("sum6")(1, 2, 3, 4, 5, 6), Is.EqualTo(91));
        Assert.That(_m.GetFunction<Func<byte, byte>>("u8_next")(255), Is.Zero);
        Assert.That(_m.GetFunction<Func<short, short>>("i16_neg")(-32767), Is.EqualTo(32767));
        Assert.That(_m.GetFunction<Func<bool, bool>>("negate")(true), Is.False);
        Assert.That(_m.GetFunction<Func<bool, bool>>("negate")(false), Is.True);
        Assert.That(_m.GetFunction<Func<ulong, ulong>>("u64_id")(ulong.MaxValue), Is.EqualTo(ulong.MaxValue));
        Assert.That(_m.GetFunction<Func<long, long>>("i64_id")(long.MinValue), Is.EqualTo(long.MinValue));
        Assert.That(_m.GetFunction<Func<nint, nint>>("i64_id")(-5), Is.EqualTo((nint)(-5)), "nint for a 64-bit integer");
        Assert.That(_m.GetFunction<Func<uint, uint>>("u32_id")(uint.MaxValue), Is.EqualTo(uint.MaxValue));
        Assert.That(_m.GetFunction<Func<Color, Color>>("next_color")(Color.Blue), Is.EqualTo(Color.Red));
        Assert.That(_m.GetFunction<Func<int, int>>("next_color")(2), Is.EqualTo(4), "an enum also maps to its base width");
    }

    [Test]
    public void StructsByValue()
    {
        Assert.That(_m.GetFunction<Func<Pair, long>>("pair_sum")(new Pair { A = 4, B = 2 }), Is.EqualTo(42));
        var swapped = _m.GetFunction<Func<Pair, Pair>>("pair_swap")(new Pair { A = 1, B = 2 });
        Assert.That((swapped.A, swapped.B), Is.EqualTo((2L, 1L)));
        var v = _m.GetFunction<Func<Vec2, double, Vec2>>("vec2_scale")(new Vec2 { X = 1.5, Y = -2 }, 2);
        Assert.That((v.X, v.Y), Is.EqualTo((3.0, -4.0)));
        var w = _m.GetFunction<Func<Vec3, Vec3, Vec3>>("vec3_add")(new Vec3 { X = 1, Y = 2, Z = 3 }, new Vec3 { X = 0.5f, Y = 0.25f, Z = 0.125f });
        Assert.That((w.X, w.Y, w.Z), Is.EqualTo((1.5f, 2.25f, 3.125f)), "12 bytes: two SSE eightbytes");

        var big = _m.GetFunction<Func<int, Big>>("big_make")(5);
        for (int i = 0; i < 10; i++) Assert.That(big[i], Is.EqualTo(5 + i), "MEMORY-class return");
        long expected = Enumerable.Range(0, 10).Sum(i => (5L + i) * (i + 1));
        Assert.That(_m.GetFunction<Func<Big, long>>("big_sum")(big), Is.EqualTo(expected), "MEMORY-class argument");
        Assert.That(_m.GetFunction<LatePair>("late_pair")(1, 2, 3, 4, 5, new Pair { A = 6, B = 7 }, 8), Is.EqualTo(15 + 600 + 7000 + 56),
            "a 16-byte struct that no longer fits in registers goes whole to the stack");
    }

    [Test]
    public void StringsArraysSpansAndPointers()
    {
        var count = _m.GetFunction<Func<string, ulong>>("count_bytes");
        Assert.That(count("h\u00e9llo"), Is.EqualTo(6));
        Assert.That(count(new string('\u00e9', 1000)), Is.EqualTo(2000), "long strings are copied to native memory");
        Assert.That(_m.GetFunction<Func<string, nuint>>("count_bytes")("abc"), Is.EqualTo((nuint)3));
        Assert.That(_m.GetFunction<Func<string?>>("greet")(), Is.EqualTo("h\u00e9llo"));
        Assert.That(_m.GetFunction<Func<string?>>("greet_raw")(), Is.EqualTo("h\u00e9llo"), "string reads any char* return");
        Assert.That(_m.GetFunction<Func<nint>>("greet_raw")(), Is.Not.Zero);

        Assert.That(_m.GetFunction<Func<int[], int, long>>("sum_array")([1, 2, 3, 4], 4), Is.EqualTo(10));
        Assert.That(_m.GetFunction<Func<int[]?, int, long>>("sum_array")(null, 0), Is.Zero);
        Assert.That(_m.GetFunction<Func<int[], int, long>>("sum_array")([], 0), Is.Zero);
        int[] data = [5, 6, 7];
        Assert.That(_m.GetFunction<SumSpan>("sum_array")(data.AsSpan(1), 2), Is.EqualTo(13));
        var into = new int[4];
        _m.GetFunction<FillSpan>("fill_array")(into, 4, 100);
        Assert.That(into, Is.EqualTo(new[] { 100, 101, 102, 103 }));
        fixed (int* p = data) Assert.That(_m.GetFunction<SumPointer>("sum_array")(p, 3), Is.EqualTo(18));
        Assert.That(_m.GetFunction<Func<double[], int, double>>("sum_doubles_array")([0.5, 0.25], 2), Is.EqualTo(0.75));
    }

    [Test]
    public void HandlesAreTaggedAndTagChecked()
    {
        var create = _m.GetFunction<Func<long, NativePointer>>("counter_new");
        var bump = _m.GetFunction<Func<NativePointer, long>>("counter_bump");
        var c = create(41);
        Assert.That(c.Tag, Is.EqualTo("counter"));
        Assert.That(bump(c), Is.EqualTo(42));
        var wrong = NativePointer.FromAddress(c.Address, null, "other");
        Assert.That(() => bump(wrong), Throws.TypeOf<FfiArgumentException>()
            .With.Message.EqualTo("counter_bump: param[0] (counter_h): pointer tagged \"other\" where \"counter\" (counter_h) is expected"));
        Assert.That(_m.GetFunction<Func<nint, long>>("counter_bump")(c.Address), Is.EqualTo(43), "a raw address is not checked");
        _m.GetFunction<Action<NativePointer>>("counter_free")(c);
    }

    [Test]
    public void VariadicExtrasComeFromTheDelegate()
    {
        Assert.That(_m.GetFunction<Func<int, long, long, long, long>>("vsum")(3, 1L << 40, -5, 7), Is.EqualTo((1L << 40) + 2));
        Assert.That(_m.GetFunction<Func<int, long>>("vsum")(0), Is.Zero);
        Assert.That(_m.GetFunction<Func<int, int, double, short, float, double>>("vmix")(2, 1, 0.5, 2, 0.25f), Is.EqualTo(3000.75),
            "short promotes to int, float to double");
    }

    [Test]
    public void ManyArgumentsAndErrno()
    {
        double r = _m.GetFunction<Many>("many")(1, 2.5, 3, 4.5, 5, 6.5, 7, 8.5, 9, 10.5, 11, 12.5, 13, 14.5, 15, 16.5, 17, 18.5);
        double expected = 0;
        for (int i = 0; i < 18; i++) expected += (i + 1) * (i % 2 == 0 ? i + 1 : i + 1.5);
        Assert.That(r, Is.EqualTo(expected));
        Assert.That(_m.GetFunction<Func<int, int>>("fail_with")(7), Is.EqualTo(-1));
        Assert.That(NativeModule.LastErrno, Is.EqualTo(7));
    }

    [Test]
    public void MismatchesAreReportedOncePerParameterWhenTheDelegateIsMade()
    {
        Assert.That(() => _m.GetFunction<Func<long, double, int>>("add_int"), Throws.TypeOf<FfiBindException>().With.Message.EqualTo(
            "add_int: Func`3 does not match the spec (int add_int(int, int)):\n  param[0]: Int64 does not map to int (use int)\n  param[1]: Double does not map to int (use int)"));
        Assert.That(() => _m.GetFunction<Func<int, long>>("add_int"), Throws.TypeOf<FfiBindException>()
            .With.Message.Contains("the delegate has 1 parameter(s); add_int takes 2"));
        Assert.That(() => _m.GetFunction<Func<int, int, double>>("add_int"), Throws.TypeOf<FfiBindException>()
            .With.Message.Contains("return: Double does not map to int"));
        Assert.That(() => _m.GetFunction<Func<string, long>>("counter_bump"), Throws.TypeOf<FfiBindException>()
            .With.Message.Contains("param[0]: String does not map to counter_h"));
        Assert.That(() => _m.GetFunction<Func<Vec2, long>>("pair_sum"), Throws.Nothing, "same size: any unmanaged struct of 16 bytes");
        Assert.That(() => _m.GetFunction<Func<Vec3, long>>("pair_sum"), Throws.TypeOf<FfiBindException>()
            .With.Message.Contains("param[0]: Vec3 does not map to pair (use an unmanaged struct of 16 bytes)"));
        Assert.That(() => _m.GetFunction<Func<int, object, long>>("vsum"), Throws.TypeOf<FfiBindException>()
            .With.Message.Contains("param[1]: Object cannot be a variadic extra"));
        Assert.That(() => _m.GetFunction<Func<int, int>>("nope"), Throws.TypeOf<FfiNameException>());
    }

    [Test]
    public void CapabilitiesAndDisposal()
    {
        Assert.That(_m.GetFunction<Func<int, int, int>>("gated_add")(1, 2), Is.EqualTo(3));
        var spec = ApiSpec.Parse();
        var denied = NativeModule.Open(spec);
        var gated = denied.GetFunction<Func<int, int, int>>("gated_add");
        Assert.That(() => gated(1, 2), Throws.TypeOf<FfiCapabilityDeniedException>()
            .With.Message.EqualTo("gated_add: capability \"math\" was not granted (grant it with FfiOptions.Grants)"));
        var add = denied.GetFunction<Func<int, int, int>>("add_int");
        Assert.That(add(1, 2), Is.EqualTo(3));
        denied.Dispose();
        Assert.That(() => add(1, 2), Throws.TypeOf<ObjectDisposedException>());
        Assert.That(() => denied.GetFunction<Func<int, int, int>>("add_int"), Throws.TypeOf<ObjectDisposedException>());
    }

    [Test]
    public void BlittableCallsDoNotAllocate()
    {
        var add = _m.GetFunction<Func<int, int, int>>("add_int");
        var count = _m.GetFunction<Func<string, ulong>>("count_bytes");
        var pair = _m.GetFunction<Func<Pair, Pair>>("pair_swap");
        var big = _m.GetFunction<Func<int, Big>>("big_make");
        var sum = _m.GetFunction<SumSpan>("sum_array");
        int[] data = [1, 2, 3];
        long total = 0;
        for (int i = 0; i < 100; i++) total += add(i, 1) + (long)count("sixteen chars...") + pair(new Pair { A = i, B = 1 }).A + big(i)[9] + sum(data, 3);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) total += add(i, 1) + (long)count("sixteen chars...") + pair(new Pair { A = i, B = 1 }).A + big(i)[9] + sum(data, 3);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(allocated, Is.Zero);
        Assert.That(total, Is.Not.Zero);
    }

    [Test]
    public void ConcurrentFirstRequestsGetOneDelegate()
    {
        using var m = NativeModule.Open(ApiSpec.Parse());
        var got = new Func<int, int, int>[8];
        var errors = new System.Collections.Concurrent.ConcurrentBag<string>();
        using var start = new Barrier(8);
        var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            try
            {
                start.SignalAndWait();
                got[t] = m.GetFunction<Func<int, int, int>>("add_int");
                for (int i = 0; i < 10_000; i++)
                    if (got[t](i, t) != i + t) errors.Add($"thread {t}: wrong sum at {i}");
            }
            catch (Exception ex)
            {
                errors.Add($"thread {t}: {ex}");
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.That(errors, Is.Empty);
        Assert.That(got.Distinct().Count(), Is.EqualTo(1));
    }
}
