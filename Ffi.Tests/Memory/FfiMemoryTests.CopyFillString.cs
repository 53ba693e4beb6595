using System.Runtime.InteropServices;
using Ffi.Memory;
using Ffi.Types;

namespace Ffi.Tests.Memory;

/// <summary>Raw memory: copy, fill and string.</summary>
public sealed partial class FfiMemoryTests
{
    // ---- copy / fill / string -----------------------------------------------------------------------

    [Test]
    public void Copy_FromPointer()
    {
        var src = Patterned(8, 0x11);
        PokeAt(src, 0, 0xCAFEBABEu);
        var dst = Patterned(12, 0xEE);
        Mem.Copy(dst, src, 8);
        Assert.That(Raw(dst, 12), Is.EqualTo(new byte[] { 0xBE, 0xBA, 0xFE, 0xCA, 0x11, 0x11, 0x11, 0x11, 0xEE, 0xEE, 0xEE, 0xEE }));
    }

    [Test]
    public void Copy_OverlappingIsAMemmove()
    {
        var p = Mem.Malloc(8);
        Mem.Copy(p, new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, 8);
        Mem.Copy(p.Offset(2, null), p, 6);
        Assert.That(Raw(p, 8), Is.EqualTo(new byte[] { 1, 2, 1, 2, 3, 4, 5, 6 }));
    }

    [Test]
    public void Copy_FromString_AddsTheNulAndKeepsEmbeddedNuls()
    {
        var p = Patterned(8, 0xEE);
        Mem.Copy(p, "hi", 3);
        Assert.That(Raw(p, 4), Is.EqualTo(new byte[] { (byte)'h', (byte)'i', 0, 0xEE }));

        var q = Patterned(8, 0xEE);
        Mem.Copy(q, "a\0b", 4);
        Assert.That(Raw(q, 5), Is.EqualTo(new byte[] { (byte)'a', 0, (byte)'b', 0, 0xEE }));

        var r = Patterned(8, 0xEE);
        Mem.Copy(r, "héllo", 2); // fewer bytes than the string: only those are written
        Assert.That(Raw(r, 3), Is.EqualTo(new byte[] { (byte)'h', 0xC3, 0xEE }));
        Assert.That(Assert.Throws<FfiMemoryException>(() => Mem.Copy(r, "hi", 4))!.Message, Does.Contain("the source has 3"));
    }

    [Test]
    public void Copy_FromBytes()
    {
        var p = Patterned(6, 0xEE);
        Mem.Copy(p, new byte[] { 1, 2, 3 }, 3);
        Assert.That(Raw(p, 6), Is.EqualTo(new byte[] { 1, 2, 3, 0xEE, 0xEE, 0xEE }));
        Assert.Throws<FfiMemoryException>(() => Mem.Copy(p, new byte[] { 1, 2, 3 }, 4));
        Assert.That(Raw(p, 6), Is.EqualTo(new byte[] { 1, 2, 3, 0xEE, 0xEE, 0xEE }));
    }

    [Test]
    public void Copy_Errors()
    {
        var p = Mem.Malloc(8);
        Assert.That(Assert.Throws<FfiMemoryException>(() => Mem.Copy(p, "x", -1))!.Message, Does.Contain("copy: n < 0"));
        Assert.That(Assert.Throws<FfiArgumentException>(() => Mem.Copy(p, 42, 1))!.Message, Does.Contain("source must be"));
        Assert.That(Assert.Throws<FfiMemoryException>(() => Mem.Copy(NativePointer.Null, "x", 1))!.Message, Does.Contain("null pointer"));
        Assert.DoesNotThrow(() => Mem.Copy(p, Array.Empty<byte>(), 0));
    }

    [Test]
    public void Fill_SetsBytes()
    {
        var p = Patterned(10, 0x00);
        Mem.Fill(p.Offset(1, null), 0xAB, 8);
        Assert.That(Raw(p, 10), Is.EqualTo(new byte[] { 0, 0xAB, 0xAB, 0xAB, 0xAB, 0xAB, 0xAB, 0xAB, 0xAB, 0 }));
        Mem.Fill(p, 255, 1);
        Assert.That(RawAt<byte>(p, 0), Is.EqualTo(255));
    }

    [TestCase(-1, 4)]
    [TestCase(256, 4)]
    [TestCase(0, -1)]
    public void Fill_InvalidArguments(int value, long length)
    {
        var p = Patterned(8, 0x5A);
        Assert.That(Assert.Throws<FfiMemoryException>(() => Mem.Fill(p, value, length))!.Message, Does.Contain("fill: invalid arguments"));
        Assert.That(Raw(p, 8), Is.All.EqualTo((byte)0x5A));
    }

    [Test]
    public void String_UpToNulOrExactLength()
    {
        var p = Mem.Malloc(16);
        Mem.Copy(p, "héllo\0wörld", 14);
        Assert.Multiple(() =>
        {
            Assert.That(Mem.String(p), Is.EqualTo("héllo"));
            Assert.That(Mem.String(p, 3), Is.EqualTo("hé"));
            Assert.That(Mem.String(p, 13), Is.EqualTo("héllo\0wörld"));
            Assert.That(Mem.String(p, 0), Is.Empty);
            Assert.That(Mem.String(p.Offset(7, null)), Is.EqualTo("wörld"));
        });
    }

    [Test]
    public void String_Errors()
    {
        var p = Mem.Malloc(4);
        Assert.That(Assert.Throws<FfiMemoryException>(() => Mem.String(p, -1))!.Message, Does.Contain("string: len < 0"));
        Assert.That(Assert.Throws<FfiMemoryException>(() => Mem.String(NativePointer.Null))!.Message, Does.Contain("null pointer"));
    }
}
