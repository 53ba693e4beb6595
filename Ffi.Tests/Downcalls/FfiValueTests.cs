using Ffi.Memory;
using Ffi.Values;

namespace Ffi.Tests.Downcalls;

/// <summary>The no-allocation dynamic path: <c>Function(name).Invoke(ReadOnlySpan&lt;FfiValue&gt;)</c>.</summary>
[TestFixture]
public sealed class FfiValueTests : ApiModuleFixture
{
    [Test]
    public void ScalarsComeBackAsTheirKinds()
    {
        Assert.That(Call("add_int", 2, 40).ToInt64(), Is.EqualTo(42));
        Assert.That(Call("add_int", 2, 40).Kind, Is.EqualTo(FfiValueKind.Int));
        Assert.That(Call("add_double", 0.5, 0.25).ToDouble(), Is.EqualTo(0.75));
        Assert.That(Call("add_double", 1, 2).ToDouble(), Is.EqualTo(3.0), "floats accept integers");
        Assert.That(Call("scale_float", 1.5f, 3).Kind, Is.EqualTo(FfiValueKind.Float));
        Assert.That(Call("scale_float", 1.5f, 3).ToDouble(), Is.EqualTo(4.5));
        Assert.That(Call("sum6", 1, 2, 3, 4, 5, 6).ToInt64(), Is.EqualTo(91));
        Assert.That(Call("u8_next", 255).ToUInt64(), Is.Zero);
        Assert.That(Call("u8_next", 7).Kind, Is.EqualTo(FfiValueKind.UInt));
        Assert.That(Call("i16_neg", -32767).ToInt64(), Is.EqualTo(32767));
        Assert.That(Call("negate", true).ToBoolean(), Is.False);
        Assert.That(Call("negate", 0).ToBoolean(), Is.True, "bool accepts 0 and 1");
        Assert.That(Call("u64_id", ulong.MaxValue).ToUInt64(), Is.EqualTo(ulong.MaxValue));
        Assert.That(Call("i64_id", long.MinValue).ToInt64(), Is.EqualTo(long.MinValue));
        Assert.That(Call("next_color", 4).ToInt64(), Is.EqualTo(1));
        Assert.That(Call("u32_id", 7.0).ToUInt64(), Is.EqualTo(7), "an integral float converts");
    }

    [Test]
    public void TheObjectPathBoxesResultsAsTheirClrTypes()
    {
        Assert.That(_m.Invoke("add_int", 2, 40), Is.TypeOf<int>().And.EqualTo(42));
        Assert.That(_m.Invoke("u8_next", (byte)7), Is.TypeOf<byte>().And.EqualTo(8));
        Assert.That(_m.Invoke("i16_neg", (short)-5), Is.TypeOf<short>().And.EqualTo(5));
        Assert.That(_m.Invoke("negate", true), Is.TypeOf<bool>().And.EqualTo(false));
        Assert.That(_m.Invoke("scale_float", 1.5f, 3), Is.TypeOf<float>().And.EqualTo(4.5f));
        Assert.That(_m.Invoke("add_double", 0.5, 0.25), Is.TypeOf<double>().And.EqualTo(0.75));
        Assert.That(_m.Invoke("u32_id", 7u), Is.TypeOf<uint>().And.EqualTo(7u));
        Assert.That(_m.Invoke("u64_id", ulong.MaxValue), Is.TypeOf<ulong>().And.EqualTo(ulong.MaxValue));
        Assert.That(_m.Invoke("i64_id", long.MinValue), Is.TypeOf<long>().And.EqualTo(long.MinValue));
        Assert.That(_m.Invoke("next_color", 4), Is.TypeOf<int>().And.EqualTo(1), "an enum comes back as its base type");
    }

    [Test]
    public void ArityNullAndDisposalAreCheckedAfterTheFirstCall()
    {
        var m = NativeModule.Open(ApiSpec.Parse());
        var add = m.Function("add_int");
        Assert.That(add.Invoke([1, 2]).ToInt64(), Is.EqualTo(3));
        Assert.That(add.Invoke(1, 2), Is.EqualTo(3));
        Assert.That(() => add.Invoke([1]), Throws.TypeOf<FfiArgumentException>().With.Message.Contains("expected 2 argument(s), got 1"));
        Assert.That(() => add.Invoke(1, 2, 3), Throws.TypeOf<FfiArgumentException>().With.Message.Contains("expected 2 argument(s), got 3"));
        Assert.That(() => add.Invoke((object?[])null!), Throws.TypeOf<ArgumentNullException>());
        m.Dispose();
        Assert.That(() => add.Invoke([1, 2]), Throws.TypeOf<ObjectDisposedException>());
        Assert.That(() => add.Invoke(1, 2), Throws.TypeOf<ObjectDisposedException>());
    }

    [Test]
    public void ConversionFailuresAreTheObjectPathsMessages()
    {
        Assert.That(() => Call("u32_id", -1), Throws.TypeOf<FfiArgumentException>()
            .With.Message.EqualTo("u32_id: param[0] (uint32): negative to unsigned: -1 for uint32"));
        Assert.That(() => Call("u8_next", 256), Throws.TypeOf<FfiArgumentException>()
            .With.Message.EqualTo("u8_next: param[0] (uint8): integer out of range: 256 for uint8 (0..255)"));
        Assert.That(() => Call("add_int", 1.5, 1), Throws.TypeOf<FfiArgumentException>()
            .With.Message.EqualTo("add_int: param[0] (int): non-integral float to int: Double 1.5 for int"));
        Assert.That(() => Call("add_int", "x", 1), Throws.TypeOf<FfiArgumentException>()
            .With.Message.StartsWith("add_int: param[0] (int): expected integer-compatible value for int, got string \"x\""));
        Assert.That(() => Call("add_double", "x", 1), Throws.TypeOf<FfiArgumentException>()
            .With.Message.StartsWith("add_double: param[0] (double): expected number"));
        Assert.That(() => Call("add_int", 1), Throws.TypeOf<FfiArgumentException>()
            .With.Message.EqualTo("add_int: expected 2 argument(s), got 1"));
        Assert.That(() => Call("negate", 2), Throws.TypeOf<FfiArgumentException>()
            .With.Message.Contains("integer out of range: 2 for bool"));
    }

    /// <summary>
    /// The emitted fast stubs take only values that convert without question and leave the rest to the general
    /// conversion: at every boundary, both APIs and every CLR integer type must agree with C.
    /// </summary>
    [Test]
    public void IntegerBoundariesAgreeOnTheFastAndGeneralPaths()
    {
        object[] shortsIn = [(short)-32768, -32768, -32768L, (sbyte)-128, 32767, (ushort)32767, 32767u, 32767UL, (byte)7];
        foreach (var v in shortsIn)
        {
            long expected = -Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture);
            short wrapped = unchecked((short)expected);
            Assert.That(_m.Invoke("i16_neg", v), Is.EqualTo(wrapped), $"object {v.GetType().Name} {v}");
            Assert.That(Call("i16_neg", FfiValue.FromObject(v)).ToInt64(), Is.EqualTo((long)wrapped), $"FfiValue {v}");
        }
        object[] shortsOut = [32768, -32769L, 32768u, ulong.MaxValue, (ushort)40000];
        foreach (var v in shortsOut)
        {
            Assert.That(() => _m.Invoke("i16_neg", v), Throws.TypeOf<FfiArgumentException>().With.Message.Contains("integer out of range"), $"object {v}");
            Assert.That(() => Call("i16_neg", FfiValue.FromObject(v)), Throws.TypeOf<FfiArgumentException>().With.Message.Contains("integer out of range"), $"FfiValue {v}");
        }
        Assert.That(_m.Invoke("u8_next", 255), Is.EqualTo((byte)0));
        Assert.That(_m.Invoke("u8_next", (byte)254), Is.EqualTo((byte)255));
        Assert.That(() => _m.Invoke("u8_next", -1), Throws.TypeOf<FfiArgumentException>().With.Message.Contains("negative to unsigned"));
        Assert.That(_m.Invoke("u64_id", ulong.MaxValue), Is.EqualTo(ulong.MaxValue));
        Assert.That(_m.Invoke("u64_id", long.MaxValue), Is.EqualTo((ulong)long.MaxValue));
        Assert.That(() => _m.Invoke("u64_id", -1L), Throws.TypeOf<FfiArgumentException>().With.Message.Contains("negative to unsigned"));
        Assert.That(_m.Invoke("i64_id", long.MinValue), Is.EqualTo(long.MinValue));
        Assert.That(_m.Invoke("i64_id", (ulong)long.MaxValue), Is.EqualTo(long.MaxValue));
        Assert.That(() => _m.Invoke("i64_id", (ulong)long.MaxValue + 1), Throws.TypeOf<FfiArgumentException>().With.Message.Contains("integer out of range"));
        Assert.That(_m.Invoke("u32_id", true), Is.EqualTo(1u), "bool converts through the general path");
        Assert.That(_m.Invoke("add_double", 1, 2.5f), Is.EqualTo(3.5));
        Assert.That(_m.Invoke("scale_float", 1.5, 2), Is.EqualTo(3f));
    }

    [Test]
    public void StringsArePassedAsUtf8AndReturnedAsStrings()
    {
        Assert.That(Call("count_bytes", "h\u00e9llo").ToUInt64(), Is.EqualTo(6));
        Assert.That(Call("count_bytes", "").ToUInt64(), Is.Zero);
        var longText = new string('\u00e9', 5000);
        Assert.That(Call("count_bytes", longText).ToUInt64(), Is.EqualTo(10000), "a long string goes to native memory");
        Assert.That(Call("count_bytes", "ab\0cd").ToUInt64(), Is.EqualTo(2), "embedded NULs are copied; C stops at the first");
        Assert.That(Call("greet").AsString(), Is.EqualTo("h\u00e9llo"));
        Assert.That(Call("greet_raw").Kind, Is.EqualTo(FfiValueKind.Pointer), "a char* without ret_as_str stays a pointer");
    }

    [Test]
    public void AggregatesGoInFromStructValuesAndManagedValuesAndComeBackAsStructValues()
    {
        var swapped = Call("pair_swap", FfiValue.FromObject(new { a = 1L, b = 2L }));
        var s = (StructValue)swapped.ToObject()!;
        Assert.That(s["a"], Is.EqualTo(2L));
        Assert.That(s["b"], Is.EqualTo(1L));
        Assert.That(Call("pair_sum", s).ToInt64(), Is.EqualTo(21), "a struct value passes back by value");
        Assert.That(Call("pair2_sum", s).ToInt64(), Is.EqualTo(21), "storage of a same-sized type is accepted");
        Assert.That(Call("pair_sum", s.Pointer).ToInt64(), Is.EqualTo(21), "the original's form: a pointer to storage");

        var big = (StructValue)Call("big_make", 5).ToObject()!;
        Assert.That(_m.Memory.Get(big.Pointer, "v[9]"), Is.EqualTo(14));
        long expected = Enumerable.Range(0, 10).Sum(i => (5L + i) * (i + 1));
        Assert.That(Call("big_sum", big).ToInt64(), Is.EqualTo(expected));
        Assert.That(Call("late_pair", 1, 2, 3, 4, 5, FfiValue.FromObject(new { a = 6L, b = 7L }), 8).ToInt64(), Is.EqualTo(15 + 600 + 7000 + 56));
    }

    [Test]
    public void AggregateStorageIsCheckedBeforeItIsCopied()
    {
        var s = (StructValue)Call("pair_swap", FfiValue.FromObject(new { a = 1L, b = 2L })).ToObject()!;
        var vec3 = _m.Memory.Box("vec3");
        Assert.That(() => Call("pair_sum", vec3), Throws.TypeOf<FfiArgumentException>()
            .With.Message.Contains("aggregate requires a pointer to compatible storage (pair, 16 bytes), not to vec3 (12 bytes)"));
        _m.Memory.Free(s.Pointer);
        Assert.That(() => Call("pair_sum", s), Throws.TypeOf<FfiMemoryException>().With.Message.Contains("use after free"));
        Assert.That(() => Call("pair_sum", FfiValue.Null), Throws.TypeOf<FfiMemoryException>().With.Message.Contains("null pointer"));
    }

    [Test]
    public void ArraysArePinnedForTheCall()
    {
        int[] xs = [1, 2, 3, 4];
        Assert.That(Call("sum_array", FfiValue.FromObject(xs), 4).ToInt64(), Is.EqualTo(10));
        var into = new int[3];
        Call("fill_array", FfiValue.FromObject(into), 3, 10);
        Assert.That(into, Is.EqualTo(new[] { 10, 11, 12 }));
    }

    [Test]
    public void HandlesAreTagChecked()
    {
        var c = Call("counter_new", 41);
        Assert.That(c.ToPointer().Tag, Is.EqualTo("counter"));
        Assert.That(Call("counter_bump", c).ToInt64(), Is.EqualTo(42));
        var wrong = FfiValue.FromPointer(NativePointer.FromAddress(c.ToPointer().Address, null, "other"));
        Assert.That(() => Call("counter_bump", wrong), Throws.TypeOf<FfiArgumentException>()
            .With.Message.Contains("pointer tagged \"other\" where \"counter\""));
        Call("counter_free", c);
    }

    [Test]
    public void VariadicExtrasArePromotedByKindOrTyped()
    {
        var ll = _m.Types["longlong"];
        Assert.That(Call("vsum", 3, 1L << 40, 5_000_000_000L, -(1L << 33)).ToInt64(), Is.EqualTo((1L << 40) + 5_000_000_000L - (1L << 33)));
        Assert.That(Call("vsum", 2, FfiValue.Typed(ll, 1), FfiValue.Typed(ll, -2)).ToInt64(), Is.EqualTo(-1), "small values passed as long long");
        Assert.That(Call("vmix", 2, 1, 0.5f, 2, 0.25).ToDouble(), Is.EqualTo(3000.75), "float promotes to double");
        Assert.That(() => Call("vsum", 1, FfiValue.FromObject(new object())), Throws.TypeOf<FfiArgumentException>()
            .With.Message.StartsWith("vsum: vararg[0]: cannot pass Object"));
    }

    [Test]
    public void ErrnoIsCaptured()
    {
        Assert.That(Call("fail_with", 34).ToInt64(), Is.EqualTo(-1));
        Assert.That(NativeModule.LastErrno, Is.EqualTo(34));
    }

    [Test]
    public void ManyArgumentsUseRegistersAndStack()
    {
        var args = new FfiValue[18];
        double expected = 0;
        for (int i = 0; i < 18; i++)
        {
            args[i] = i % 2 == 0 ? FfiValue.FromInt64(i + 1) : FfiValue.FromDouble(i + 0.5);
            expected += (i + 1) * (i % 2 == 0 ? i + 1 : i + 0.5);
        }
        Assert.That(_m.Function("many").Invoke(args.AsSpan()).ToDouble(), Is.EqualTo(expected));
    }

    [Test]
    public void ScalarCallsDoNotAllocate()
    {
        var add = _m.Function("add_int");
        var strlen = _m.Function("count_bytes");
        var vec = _m.Function("add_double");
        FfiValue[] ints = [2, 3];
        FfiValue[] text = ["sixteen chars..."];
        FfiValue[] doubles = [0.5, 1.5];
        long sum = 0;
        for (int i = 0; i < 100; i++) sum += add.Invoke(ints).ToInt64() + (long)strlen.Invoke(text).ToUInt64() + (long)vec.Invoke(doubles).ToDouble();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) sum += add.Invoke(ints).ToInt64() + (long)strlen.Invoke(text).ToUInt64() + (long)vec.Invoke(doubles).ToDouble();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(sum, Is.EqualTo(1100 * (5 + 16 + 2)));
        Assert.That(allocated, Is.Zero);
    }

    [Test]
    public void FunctionsWithTheSameShapeShareOneStub()
    {
        using var m = NativeModule.Open(ApiSpec.Parse());
        m.Function("pair_sum").Invoke([FfiValue.FromObject(new { a = 1L, b = 2L })]);
        int afterFirst = m.Stubs.RawCount;
        m.Function("pair2_sum").Invoke([FfiValue.FromObject(new { first = 1L, second = 2L })]);
        m.Function("i64_id").Invoke([5L]);
        Assert.That(afterFirst, Is.EqualTo(1));
        Assert.That(m.Stubs.RawCount, Is.EqualTo(2), "pair2_sum reuses pair_sum's stub; i64_id has its own shape");
    }

    [Test]
    public void FirstCallsFromManyThreadsAgree()
    {
        using var m = NativeModule.Open(ApiSpec.Parse());
        var results = new long[8];
        using var start = new Barrier(8);
        var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            long s = 0;
            for (int i = 0; i < 2000; i++) s += m.Function("sum6").Invoke([t, i, 0, 0, 0, 1]).ToInt64();
            results[t] = s;
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        for (int t = 0; t < 8; t++) Assert.That(results[t], Is.EqualTo(Enumerable.Range(0, 2000).Sum(i => t + 2L * i + 6)));
        Assert.That(m.Stubs.RawCount, Is.EqualTo(1));
    }
}
