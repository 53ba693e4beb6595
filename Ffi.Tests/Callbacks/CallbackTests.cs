using System.Collections.Concurrent;
using Ffi.Memory;
using Ffi.Values;

namespace Ffi.Tests.Callbacks;

/// <summary>
/// Managed callbacks called by gcc-compiled C (Native/callbacks.c): every scalar both ways, structs and unions by
/// value in every class, many arguments, strings, nested function pointers, through typed delegates, dynamic
/// handlers and converted delegates.
/// </summary>
[TestFixture]
public sealed class CallbackTests
{
    private NativeModule _m = null!;

    [OneTimeSetUp]
    public void Open() => _m = NativeModule.Open(CallbackSpec.Parse());

    [OneTimeTearDown]
    public void Close() => _m.Dispose();

    [Test]
    public void EveryScalarArrivesExactly()
    {
        object?[]? seen = null;
        var typed = _m.GetFunction<Func<ScalarsFn, double>>("cb_scalars");
        double r = typed((a, b, c, d, e, f, g, h, i, j, k, l) =>
        {
            seen = [a, b, c, d, e, f, g, h, i, j, k, l];
            return 42.5;
        });
        Assert.That(r, Is.EqualTo(42.5));
        Assert.That(seen, Is.EqualTo(new object?[]
        {
            (sbyte)-8, (byte)200, (short)-16000, (ushort)60000, -2000000000, 4000000000u, -9000000000000000000L,
            18000000000000000000UL, 1.5f, -2.25, true, (nint)0x1234,
        }));

        object?[]? dynamicSeen = null;
        var viaHandler = _m.Invoke("cb_scalars", (FfiCallbackHandler)(args =>
        {
            dynamicSeen = args;
            return 7; // converted to the C return type (double)
        }));
        Assert.That(viaHandler, Is.EqualTo(7.0));
        Assert.That(dynamicSeen![..11], Is.EqualTo(seen![..11]));
        Assert.That(((NativePointer)dynamicSeen[11]!).Address, Is.EqualTo((nint)0x1234));
    }

    [Test]
    public void EveryScalarReturnsExactly()
    {
        var typed = _m.GetFunction<ReturnsFn>("cb_returns");
        int mask = typed(() => sbyte.MinValue, () => byte.MaxValue, () => short.MinValue, () => ushort.MaxValue, () => int.MinValue,
            () => uint.MaxValue, () => long.MinValue, () => ulong.MaxValue, () => 0.5f, () => -1e300, () => true, () => unchecked((nint)0xdeadbeefL));
        Assert.That(mask, Is.EqualTo(0xFFF), $"mask 0x{mask:x}");

        // Dynamic handlers return plain CLR values, converted with the dynamic API's rules.
        object?[] values = [-128, 255, -32768, 65535, int.MinValue, uint.MaxValue, long.MinValue, ulong.MaxValue, 0.5, -1e300, true, NativePointer.FromAddress(unchecked((nint)0xdeadbeefL))];
        var handlers = values.Select(v => (object?)(FfiCallbackHandler)(_ => v)).ToArray();
        Assert.That(_m.Invoke("cb_returns", handlers), Is.EqualTo(0xFFF));
    }

    [Test]
    public void StructsAndUnionsPassByValueInEveryClass()
    {
        var small = _m.GetFunction<Func<Func<Small, Small, Small>, Small>>("cb_small")((p, q) => new Small { A = p.A + q.A, B = p.B * q.B });
        Assert.That((small.A, small.B), Is.EqualTo((31, 80)));

        var mixed = _m.GetFunction<Func<Func<Mixed, int, Mixed>, Mixed>>("cb_mixed")((v, k) => new Mixed { X = v.X * k, N = v.N + k });
        Assert.That((mixed.X, mixed.N), Is.EqualTo((7.5, 10)));

        var flt = _m.GetFunction<Func<Func<Flt, Flt>, Flt>>("cb_flt")(v => new Flt { A = v.C, B = v.B, C = v.A });
        Assert.That((flt.A, flt.B, flt.C), Is.EqualTo((3f, 2f, 1f)));

        var big = _m.GetFunction<Func<Func<Big, int, Big>, Big>>("cb_big")((v, k) => new Big { A = v.A * k, B = v.B * k, C = v.C * k, D = v.D * k });
        Assert.That((big.A, big.B, big.C, big.D), Is.EqualTo((10L, -20L, 30L, 45.0)));

        Assert.That(_m.GetFunction<Func<Func<Num, Num>, int>>("cb_union")(u => new Num { I = u.I + 1 }), Is.EqualTo(42));
    }

    [Test]
    public void AStructWhosePaddingEightbyteIsNotPassedCrossesOneRegister()
    {
        // struct { int64_t a; } aligned(16): 16 bytes, classes INTEGER and NO_CLASS, so only rdi/rsi… carries it.
        var p = new Pad16 { A = 4 };
        Assert.That(_m.GetFunction<Func<int, Pad16, long, long>>("pad16_down")(1, p, 2), Is.EqualTo(43));
        var box = _m.Memory.Box("pad16", new { a = 4L });
        Assert.That(_m.Invoke("pad16_down", 1, box, 2L), Is.EqualTo(43L));
        Assert.That(_m.Function("pad16_down").Invoke([1, box, 2L]).ToInt64(), Is.EqualTo(43));
        Assert.That(_m.GetFunction<Func<Func<Pad16, long, Pad16>, long>>("cb_pad16")((v, x) => new Pad16 { A = v.A * x }), Is.EqualTo(35));
        Assert.That(_m.Invoke("cb_pad16", (FfiCallbackHandler)(a => new { a = (long)((StructValue)a[0]!)["a"]! * (long)a[1]! })), Is.EqualTo(35L));
    }

    [Test]
    public void DynamicHandlersGetStructCopiesAndReturnManagedValues()
    {
        var small = (StructValue)_m.Invoke("cb_small", (FfiCallbackHandler)(a =>
        {
            var p = (StructValue)a[0]!;
            var q = (StructValue)a[1]!;
            return new Dictionary<string, object?> { ["a"] = (int)p["a"]! + (int)q["a"]!, ["b"] = (int)p["b"]! * (int)q["b"]! };
        }))!;
        Assert.That((small["a"], small["b"]), Is.EqualTo((31, 80)));

        var big = (StructValue)_m.Invoke("cb_big", (FfiCallbackHandler)(a =>
        {
            var v = (StructValue)a[0]!;
            int k = (int)a[1]!;
            return new { a = (long)v["a"]! * k, b = (long)v["b"]! * k, c = (long)v["c"]! * k, d = (double)v["d"]! * k };
        }))!;
        Assert.That((big["a"], big["b"], big["c"], big["d"]), Is.EqualTo((10L, -20L, 30L, 45.0)));

        // A handler may return the struct value it received (storage of the type).
        var flt = (StructValue)_m.Invoke("cb_flt", (FfiCallbackHandler)(a => a[0]))!;
        Assert.That((flt["a"], flt["b"], flt["c"]), Is.EqualTo((1f, 2f, 3f)));

        Assert.That(_m.Invoke("cb_union", (FfiCallbackHandler)(a => new { i = (int)((StructValue)a[0]!)["i"]! + 1 })), Is.EqualTo(42));
    }

    [Test]
    public void ManyArgumentsFillTheRegistersAndTheStack()
    {
        object?[]? seen = null;
        double r = _m.GetFunction<Func<ManyFn, double>>("cb_many")((a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, s, m, b, last) =>
        {
            seen = [a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, s.A, s.B, m.X, m.N, b.A, b.B, b.C, b.D, last];
            return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12 + a13 + s.A + s.B + m.X + m.N + b.A + b.B + b.C + b.D + last;
        });
        Assert.That(seen, Is.EqualTo(new object?[] { 1, 2.0, 3L, 4f, 5, 6.0, 7L, 8f, 9, 10.0, 11L, 12f, 13, 14.0, 5, 6, 0.5, 9, 100L, 200L, 300L, 0.25, 15 }));
        Assert.That(r, Is.EqualTo(740.75));

        // The same through the dynamic handler: every argument read from the trampoline's frame.
        object?[]? dyn = null;
        var viaHandler = _m.Invoke("cb_many", (FfiCallbackHandler)(a =>
        {
            dyn = a;
            return 1.25;
        }));
        Assert.That(viaHandler, Is.EqualTo(1.25));
        Assert.That(dyn![..14], Is.EqualTo(seen![..14]));
        var big = (StructValue)dyn[16]!;
        Assert.That((big["a"], big["b"], big["c"], big["d"], dyn[17]), Is.EqualTo((100L, 200L, 300L, 0.25, 15)));
    }

    [Test]
    public void CharPointersArriveAsStringsWhenTheDelegateAsks()
    {
        Assert.That(_m.GetFunction<Func<Func<string, int>, int>>("cb_string")(s => s == "héllo callbacks" ? 1 : -1), Is.EqualTo(1));
        // A dynamic handler gets the pointer; a converted delegate gets a string.
        Assert.That(_m.Invoke("cb_string", (FfiCallbackHandler)(a => System.Runtime.InteropServices.Marshal.PtrToStringUTF8(((NativePointer)a[0]!).Address) == "héllo callbacks" ? 1 : -1)), Is.EqualTo(1));
        Assert.That(_m.Invoke("cb_string", (Func<string, long>)(s => s.Length)), Is.EqualTo(15));
    }

    [Test]
    public void AnyDelegateIsConvertedPerTheFunctionPointerType()
    {
        // long parameters and a long result for int(int): converted, not typed.
        Assert.That(_m.Invoke("cb_reenter", (Func<long, long>)(x => x * 10), 4), Is.EqualTo(41));
        // A Func<object?[], object?> is a dynamic handler, like FfiCallbackHandler.
        Assert.That(_m.Invoke("cb_reenter", (Func<object?[], object?>)(a => (int)a[0]! * 2), 5), Is.EqualTo(11));
        // An exactly matching delegate is typed (invoked directly by its trampoline).
        Assert.That(_m.Invoke("cb_reenter", (Func<int, int>)(x => x * 10), 4), Is.EqualTo(41));
        Assert.That(_m.Function("cb_reenter").Invoke([FfiValue.FromObject((Func<int, int>)(x => x * 3)), 5]).ToInt64(), Is.EqualTo(16));
    }

    [Test]
    public void NestedFunctionPointersCanBeCalled()
    {
        int r = _m.GetFunction<Func<Func<NativePointer, int, int>, int, int>>("cb_nested")((g, x) => (int)_m.FunctionAt(g).Invoke(x)! * 2, 20);
        Assert.That(r, Is.EqualTo(42));
        var viaHandler = _m.Invoke("cb_nested", (FfiCallbackHandler)(a => (int)_m.FunctionAt((NativePointer)a[0]!).Invoke(a[1])! * 2), 20);
        Assert.That(viaHandler, Is.EqualTo(42));
        var g = _m.GetFunction<Func<Func<nint, int, int>, int, int>>("cb_nested");
        Assert.That(g((p, x) => (int)_m.FunctionAt(p, "unary_fn").Invoke(x)!, 1), Is.EqualTo(2));
    }

    [Test]
    public void EnumsAndHandlesArriveTyped()
    {
        Assert.That(_m.GetFunction<Func<Func<Color, NativePointer, int>, int>>("cb_enum_handle")((c, h) =>
            c == Color.Blue && h.Address == 0x1000 && h.Tag == "session" ? 1 : -1), Is.EqualTo(1));
        Assert.That(_m.GetFunction<Func<Func<int, nint, int>, int>>("cb_enum_handle")((c, h) => c * 100 + (int)h), Is.EqualTo(4296));
        Assert.That(_m.Invoke("cb_enum_handle", (FfiCallbackHandler)(a => ((NativePointer)a[1]!).Tag == "session" ? (int)a[0]! : -1)), Is.EqualTo(2));
    }

    [Test]
    public void CFunctionPointersStillPassAsPointers()
    {
        var triple = NativePointer.FromAddress(_m.GetFunctionAddress("c_triple"));
        Assert.That(_m.Invoke("cb_repeat", triple, 4), Is.EqualTo(3 * (0 + 1 + 2 + 3)));
        Assert.That(_m.GetFunction<Func<nint, int, int>>("cb_repeat")(triple.Address, 3), Is.EqualTo(9));
        Assert.That(_m.Function("cb_repeat").Invoke([triple, 2]).ToInt64(), Is.EqualTo(3));
    }

    [Test]
    public void NullDelegatesPassNullPointers()
    {
        var store = _m.GetFunction<Action<Func<int, int>?>>("cb_store");
        store(null);
        Assert.That(_m.Invoke("cb_call_stored", 1), Is.EqualTo(-1));
        _m.Invoke("cb_store", [null]);
        Assert.That(_m.Invoke("cb_call_stored", 1), Is.EqualTo(-1));
    }

    [Test]
    public void CallbacksRunOnManyNativeThreadsAtOnce()
    {
        var threads = new ConcurrentDictionary<int, bool>();
        long sum = _m.GetFunction<Func<Func<int, int, int>, int, int, long>>("cb_threads")((t, i) =>
        {
            threads[Environment.CurrentManagedThreadId] = true;
            return t * 1000 + i;
        }, 24, 2000);
        long expected = Enumerable.Range(0, 24).Sum(t => Enumerable.Range(0, 2000).Sum(i => (long)(t * 1000 + i)));
        Assert.That(sum, Is.EqualTo(expected));
        Assert.That(threads.Count, Is.GreaterThanOrEqualTo(2), "the callback ran on the C threads");

        long viaHandler = (long)_m.Invoke("cb_threads", (FfiCallbackHandler)(a => (int)a[0]! + (int)a[1]!), 20, 200)!;
        Assert.That(viaHandler, Is.EqualTo(Enumerable.Range(0, 20).Sum(t => Enumerable.Range(0, 200).Sum(i => (long)(t + i)))));
    }

    [Test]
    public void CallbacksMayCallBackIntoCReentrantly()
    {
        var reenter = _m.GetFunction<Func<Func<int, int>, int, int>>("cb_reenter");
        Func<int, int>? f = null;
        f = depth => depth == 0 ? 100 : reenter(f!, depth - 1) * 2;
        // depth 3: ((((100 + 1) * 2 + 1) * 2 + 1) * 2 + 1) * 2 + 1
        Assert.That(reenter(f, 3), Is.EqualTo(((((100 + 1) * 2 + 1) * 2 + 1) * 2) + 1));
    }

    [Test]
    public void EachLiveCallbackHasItsOwnPointerAndPoolsGrow()
    {
        var handles = Enumerable.Range(0, 100).Select(k => _m.Callbacks.Register("unary_fn", (Func<int, int>)(x => x * k))).ToList();
        try
        {
            Assert.That(handles.Select(h => h.Address).Distinct().Count(), Is.EqualTo(100));
            var store = _m.GetFunction<Action<NativePointer>>("cb_store");
            for (int k = 0; k < handles.Count; k++)
            {
                store(handles[k]);
                Assert.That(_m.Invoke("cb_call_stored", 3), Is.EqualTo(3 * k), $"callback {k}");
            }
            Assert.That(_m.Callbacks.RegisteredCount, Is.GreaterThanOrEqualTo(100));
        }
        finally
        {
            foreach (var h in handles) h.Dispose();
        }
        Assert.That(handles.All(h => !h.IsAlive));
    }
}
