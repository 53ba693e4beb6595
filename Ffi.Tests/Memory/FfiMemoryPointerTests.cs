using System.Runtime.InteropServices;
using Ffi.Memory;

namespace Ffi.Tests.Memory;

/// <summary>Cast tag rules, Errno, and NativePointer itself (null, printing, equality, interior pointers).</summary>
[TestFixture]
public sealed class FfiMemoryPointerTests : MemoryFixture
{
    // ---- cast ---------------------------------------------------------------------------------------

    [Test]
    public void Cast_RetagsAndKeepsTheBlock()
    {
        var raw = Mem.Malloc(8);
        var asPoint = Mem.Cast("point", raw);
        var tagged = Mem.Cast("ptpoint", raw);
        Assert.Multiple(() =>
        {
            Assert.That(asPoint.Type, Is.SameAs(MemoryTestSpec.Spec.Types["point"]));
            Assert.That(asPoint.Tag, Is.Null);
            Assert.That(asPoint.Block, Is.SameAs(raw.Block), "still bounds-checked");
            Assert.That(asPoint.Address, Is.EqualTo(raw.Address));
            Assert.That(tagged.Type, Is.SameAs(MemoryTestSpec.Spec.Types["point"]), "a pointer type casts to its pointee");
            Assert.That(tagged.Tag, Is.EqualTo("pt"));
            Assert.That(Mem.Cast("pointer", tagged).Type, Is.Null);
            Assert.That(Mem.Cast("void", tagged).Type, Is.Null);
            Assert.That(Mem.Cast(MemoryTestSpec.Spec.Types["ptpoint"], tagged).Tag, Is.EqualTo("pt"), "same tag: fine");
        });
        Assert.Throws<FfiMemoryException>(() => Mem.Get(asPoint, "[1].x"));
    }

    [Test]
    public void Cast_BetweenTwoDifferentTagsIsRefusedUnlessThroughVoidPointer()
    {
        var tagged = Mem.Cast("ptpoint", Mem.Malloc(8));
        var ex = Assert.Throws<FfiArgumentException>(() => Mem.Cast("FILE_h", tagged));
        Assert.That(ex!.Message, Does.Contain("\"pt\"").And.Contain("\"FILE\""));

        var untagged = Mem.Cast("pointer", tagged);
        var file = Mem.Cast("FILE_h", untagged);
        var plain = Mem.Cast("point", tagged); // untagged target: fine, the tag is dropped
        Assert.Multiple(() =>
        {
            Assert.That(untagged.Tag, Is.Null);
            Assert.That(file.Tag, Is.EqualTo("FILE"));
            Assert.That(file.Type, Is.SameAs(MemoryTestSpec.Spec.Types["FILE_h"]));
            Assert.That(plain.Tag, Is.Null);
        });
    }

    // ---- errno --------------------------------------------------------------------------------------

    [Test]
    public unsafe void Errno_IsCsErrno()
    {
        // Checked against libc's own errno cell (__errno_location), read and written right next to the call:
        // the runtime itself may change errno between unrelated calls.
        var libc = NativeLibrary.Load("libc.so.6");
        try
        {
            var location = (delegate* unmanaged<int*>)NativeLibrary.GetExport(libc, "__errno_location");
            Mem.Errno = 42;
            int seen = *location();
            *location() = 13;
            int read = Mem.Errno;
            Assert.Multiple(() =>
            {
                Assert.That(seen, Is.EqualTo(42));
                Assert.That(read, Is.EqualTo(13));
            });
        }
        finally
        {
            NativeLibrary.Free(libc);
        }
    }

    [Test]
    public void Errno_IsPerThread()
    {
        int other = -1, mine = -1;
        var t = new Thread(() =>
        {
            Mem.Errno = 7;
            other = Mem.Errno;
        });
        Mem.Errno = 42;
        mine = Mem.Errno;
        t.Start();
        t.Join();
        Mem.Errno = 0;
        Assert.Multiple(() =>
        {
            Assert.That(other, Is.EqualTo(7));
            Assert.That(mine, Is.EqualTo(42));
            Assert.That(Mem.Errno, Is.Zero);
        });
    }

    // ---- NativePointer ------------------------------------------------------------------------------

    [Test]
    public void NativePointer_NullAndPrinting()
    {
        var n = NativePointer.Null;
        Assert.Multiple(() =>
        {
            Assert.That(n.IsNull, Is.True);
            Assert.That(n.ToString(), Is.EqualTo("0x0"));
            Assert.That(n, Is.EqualTo(default(NativePointer)));
            Assert.That(n.Extent, Is.Null);
            Assert.That(n.Block, Is.Null);
            Assert.That(n.Type, Is.Null);
            Assert.That(NativePointer.FromAddress(0x1234ABCD).ToString(), Is.EqualTo("0x1234abcd"));
            Assert.That(NativePointer.FromAddress(-1).ToString(), Is.EqualTo("0xffffffffffffffff"));
        });
    }

    [Test]
    public void NativePointer_EqualityIsAddressAndTag()
    {
        var point = MemoryTestSpec.Spec.Types["point"];
        var a = NativePointer.FromAddress(0x1000, point, "pt");
        var sameButUntyped = NativePointer.FromAddress(0x1000, null, "pt");
        var otherTag = NativePointer.FromAddress(0x1000, point, "FILE");
        var untagged = NativePointer.FromAddress(0x1000, point);
        var otherAddress = NativePointer.FromAddress(0x1008, point, "pt");
        Assert.Multiple(() =>
        {
            Assert.That(a == sameButUntyped, Is.True);
            Assert.That(a.Equals((object)sameButUntyped), Is.True);
            Assert.That(a.GetHashCode(), Is.EqualTo(sameButUntyped.GetHashCode()));
            Assert.That(a != otherTag, Is.True);
            Assert.That(a == untagged, Is.False);
            Assert.That(a == otherAddress, Is.False);
            Assert.That(a.Equals("0x1000"), Is.False);
        });
    }

    [Test]
    public void NativePointer_AsAndOffsetStayInTheBlock()
    {
        var p = Mem.Box("rect");
        var point = MemoryTestSpec.Spec.Types["point"];
        var b = p.Offset(8, point);
        var retyped = p.As(point, "pt");
        Assert.Multiple(() =>
        {
            Assert.That(b.Address, Is.EqualTo(p.Address + 8));
            Assert.That(b.Block, Is.SameAs(p.Block));
            Assert.That(b.Extent, Is.EqualTo(8));
            Assert.That(b.Tag, Is.Null);
            Assert.That(retyped.Type, Is.SameAs(point));
            Assert.That(retyped.Tag, Is.EqualTo("pt"));
            Assert.That(retyped.Extent, Is.EqualTo(16));
        });
        Assert.Throws<FfiMemoryException>(() => Mem.Get(b, "[1].x"));
    }

    [Test]
    public void NativePointer_FromAddressIsNotBoundsChecked()
    {
        // Memory the engine did not allocate: the engine cannot know its size, so it does not check.
        var raw = Marshal.AllocHGlobal(64);
        try
        {
            unsafe
            {
                new Span<byte>((void*)raw, 64).Clear();
                *(int*)(raw + 28) = 77; // points[3].y
            }
            var p = NativePointer.FromAddress(raw, MemoryTestSpec.Spec.Types["point"]);
            Assert.Multiple(() =>
            {
                Assert.That(p.Block, Is.Null);
                Assert.That(p.Extent, Is.Null);
                Assert.That(Mem.Get(p, "[3].y"), Is.EqualTo(77), "past sizeof(point), allowed");
            });
            Mem.Set(p, "[7].x", 5);
            Assert.That(Marshal.ReadInt32(raw + 56), Is.EqualTo(5));
        }
        finally
        {
            Marshal.FreeHGlobal(raw);
        }
    }
}
