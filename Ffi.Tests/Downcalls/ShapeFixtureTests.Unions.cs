using System.Globalization;
using System.Text.RegularExpressions;
using Ffi.Memory;
using Ffi.Spec;
using Ffi.Tests.Native;
using Ffi.Tests.Oracle;

namespace Ffi.Tests.Downcalls;

/// <summary>The shapes.c fixtures: unions passed and returned by value.</summary>
public sealed partial class ShapeFixtureTests
{
    // ------------------------------------------------------------------ unions

    [Test]
    public void UnionOfIntAndFloatIsInteger()
    {
        var u = Storage(_m.Invoke("u_if_from_float", 0.375f));
        Assert.Multiple(() =>
        {
            Assert.That(_m.Invoke("u_if_int", new { f = 1.5f }), Is.EqualTo(BitConverter.SingleToInt32Bits(1.5f)));
            Assert.That(_m.Invoke("u_if_int", new { i = -5 }), Is.EqualTo(-5));
            Assert.That(_m.Invoke("u_if_float", new { i = BitConverter.SingleToInt32Bits(-2.75f) }), Is.EqualTo(-2.75f));
            Assert.That(_m.Memory.Get(u, "f"), Is.EqualTo(0.375f));
            Assert.That(_m.Memory.Get(u, "i"), Is.EqualTo(BitConverter.SingleToInt32Bits(0.375f)));
        });
    }

    [Test]
    public void UnionOfFloatAndDoubleIsSse()
    {
        var u = Storage(_m.Invoke("u_fd_from_double", 6.125));
        Assert.Multiple(() =>
        {
            Assert.That(_m.Invoke("u_fd_double", new { d = -3.25 }), Is.EqualTo(-3.25));
            Assert.That(_m.Invoke("u_fd_float", new { f = 0.75f }), Is.EqualTo(0.75f));
            Assert.That(_m.Memory.Get(u, "d"), Is.EqualTo(6.125));
            Assert.That(_m.Memory.Get(u, "f"), Is.EqualTo(BitConverter.Int32BitsToSingle((int)BitConverter.DoubleToInt64Bits(6.125))));
        });
    }

    [Test]
    public void UnionOfDoubleAndLongIsInteger()
    {
        var u = Storage(_m.Invoke("u_dl_from_double", -7.75));
        Assert.Multiple(() =>
        {
            Assert.That(_m.Invoke("u_dl_twice", new { d = 1.25 }), Is.EqualTo(2.5));
            Assert.That(_m.Invoke("u_dl_twice", new { l = BitConverter.DoubleToInt64Bits(-4.5) }), Is.EqualTo(-9.0));
            Assert.That(_m.Invoke("u_dl_long", new { d = 0.1 }), Is.EqualTo(BitConverter.DoubleToInt64Bits(0.1)));
            Assert.That(_m.Memory.Get(u, "d"), Is.EqualTo(-7.75));
            Assert.That(_m.Memory.Get(u, "l"), Is.EqualTo(BitConverter.DoubleToInt64Bits(-7.75)));
        });
    }

    [Test]
    public void UnionSplitIntoIntegerAndSseEightbytes()
    {
        // f[0], f[1] and i share eightbyte 0 (INTEGER: rdi); f[2] is alone in eightbyte 1 (SSE: xmm0).
        var u = Storage(_m.Invoke("u_fi3_make", -0.5f, 4.25f, 1024f));
        Assert.Multiple(() =>
        {
            Assert.That(_m.Invoke("u_fi3_sum", new { f = new[] { 1.5f, -2.25f, 0.5f } }), Is.EqualTo(1.5 + 2 * -2.25 + 3 * 0.5));
            Assert.That(_m.Memory.Get(u, "f[0]"), Is.EqualTo(-0.5f));
            Assert.That(_m.Memory.Get(u, "f[1]"), Is.EqualTo(4.25f));
            Assert.That(_m.Memory.Get(u, "f[2]"), Is.EqualTo(1024f));
        });
    }

    [Test]
    public void UnionOfTwentyFourBytesIsMemory()
    {
        var c = Enumerable.Range(0, 20).Select(i => (sbyte)(i % 2 == 0 ? i * 5 : -i * 6)).ToArray();
        long expected = 1000 + c.Select((v, i) => (i + 1) * (long)v).Sum();
        var storage = _m.Memory.Box("u_big", new { c });
        var made = Storage(_m.Invoke("u_big_make", (sbyte)-10));
        Assert.Multiple(() =>
        {
            Assert.That(_m.Invoke("u_big_sum", new { c }, 1000L), Is.EqualTo(expected));
            Assert.That(_m.Invoke("u_big_sum", storage, 1000L), Is.EqualTo(expected));
            for (int i = 0; i < 20; i++)
                Assert.That(_m.Memory.Get(made, $"c[{i}]"), Is.EqualTo((sbyte)(-10 + i)), $"c[{i}]");
        });
    }
}
