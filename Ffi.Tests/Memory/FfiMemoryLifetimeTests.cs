using System.Runtime.InteropServices;
using Ffi.Memory;

namespace Ffi.Tests.Memory;

/// <summary>Dispose, arenas and Gc attach/detach basics (GC-driven finalization is tested elsewhere).</summary>
[TestFixture]
public sealed class FfiMemoryLifetimeTests : MemoryFixture
{
    [Test]
    public void Dispose_ReleasesBoxesAndIsIdempotent()
    {
        var box = Mem.Box("point", new { x = 1 });
        var raw = Mem.Malloc(8);
        Assert.That(Mem.LiveBlockCount, Is.EqualTo(2));
        Mem.Dispose();
        Assert.Multiple(() =>
        {
            Assert.That(Mem.LiveBlockCount, Is.Zero);
            Assert.That(box.Block!.IsLive, Is.False);
            Assert.That(raw.Block!.IsLive, Is.False);
        });
        Assert.That(Assert.Throws<FfiMemoryException>(() => Mem.Get(box, "x"))!.Message, Does.Contain("use after free"));
        Assert.Throws<FfiMemoryException>(() => Mem.Fill(raw, 0, 1));
        Assert.That(Assert.Throws<FfiMemoryException>(() => Mem.Free(box))!.Message, Does.Contain("was released when its memory toolbox (module) was disposed"));
        Assert.DoesNotThrow(Mem.Dispose);
    }

    [Test]
    public void Dispose_AllocatingAfterwardsIsObjectDisposed()
    {
        var p = Mem.Malloc(8);
        Mem.Dispose();
        var ops = new (string Name, Action Op)[]
        {
            ("Malloc", () => Mem.Malloc(1)),
            ("Calloc", () => Mem.Calloc(1, 1)),
            ("New", () => Mem.New("point")),
            ("Box", () => Mem.Box("point")),
            ("Realloc", () => Mem.Realloc(p, 16)),
            ("Gc", () => Mem.Gc(p, Finalizer.Free)),
            ("CreateArena", () => Mem.CreateArena()),
        };
        Assert.Multiple(() =>
        {
            foreach (var (name, op) in ops) Assert.Throws<ObjectDisposedException>(op, name);
        });
    }

    [Test]
    public void Arena_DisposeReleasesItsAllocationsButNotTheMemorysOwn()
    {
        var own = Mem.Box("point", new { x = 5 });
        NativePointer a, b, c, d;
        using (var arena = Mem.CreateArena())
        {
            a = arena.Box("point", new { x = 1, y = 2 });
            b = arena.Malloc(16);
            c = arena.Calloc(4, 4);
            d = arena.New("intflex", 3);
            Assert.Multiple(() =>
            {
                Assert.That(arena.LiveBlockCount, Is.EqualTo(4));
                Assert.That(Mem.LiveBlockCount, Is.EqualTo(1), "arena blocks are the arena's");
                Assert.That(Mem.Get(a, "y"), Is.EqualTo(2));
                Assert.That(c.Extent, Is.EqualTo(16));
                Assert.That(Raw(c, 16), Is.All.EqualTo((byte)0));
                Assert.That(d.Extent, Is.EqualTo(12));
                Assert.That(arena.Box(MemoryTestSpec.Spec.Types["rect"]).Extent, Is.EqualTo(16));
                Assert.That(arena.New(MemoryTestSpec.Spec.Types["point"], 2).Extent, Is.EqualTo(16));
            });
        }
        Assert.Multiple(() =>
        {
            Assert.That(new[] { a, b, c, d }.Select(p => p.Block!.IsLive), Is.All.False);
            Assert.That(own.Block!.IsLive, Is.True);
            Assert.That(Mem.Get(own, "x"), Is.EqualTo(5));
        });
        Assert.Throws<FfiMemoryException>(() => Mem.Get(a, "x"));
    }

    [Test]
    public void Arena_EarlyFreeAndRealloc()
    {
        var arena = Mem.CreateArena();
        var a = arena.Malloc(8);
        var b = arena.Malloc(8);
        Mem.Free(a);
        var b2 = Mem.Realloc(b, 64);
        Assert.Multiple(() =>
        {
            Assert.That(arena.LiveBlockCount, Is.EqualTo(1), "the reallocated block stays the arena's");
            Assert.That(Mem.LiveBlockCount, Is.Zero);
        });
        arena.Dispose();
        Assert.Multiple(() =>
        {
            Assert.That(b2.Block!.IsLive, Is.False);
            Assert.That(arena.LiveBlockCount, Is.Zero);
        });
        Assert.DoesNotThrow(arena.Dispose);
    }

    [Test]
    public void Gc_ByRawAddressFindsTheArenasBlock()
    {
        // A pointer without its block (as read back from C memory) must reach the arena's block, not start
        // tracking the same memory a second time (which would free it twice).
        var arena = Mem.CreateArena();
        var p = arena.Malloc(16);
        var q = Mem.Gc(NativePointer.FromAddress(p.Address), Finalizer.Free);
        Assert.Multiple(() =>
        {
            Assert.That(q.Block, Is.SameAs(p.Block));
            Assert.That(q.Extent, Is.EqualTo(16), "still the engine block, bounds-checked");
            Assert.That(arena.LiveBlockCount, Is.Zero, "the GC owns it now");
        });
        arena.Dispose();
        Assert.That(p.Block!.IsLive, Is.True, "not the arena's any more");
        Mem.Free(q);
        Assert.That(p.Block.IsLive, Is.False);
    }

    [Test]
    public void Arena_AfterDisposeIsObjectDisposed()
    {
        var arena = Mem.CreateArena();
        arena.Dispose();
        Assert.Multiple(() =>
        {
            Assert.Throws<ObjectDisposedException>(() => arena.Malloc(1));
            Assert.Throws<ObjectDisposedException>(() => arena.Calloc(1, 1));
            Assert.Throws<ObjectDisposedException>(() => arena.New("point"));
            Assert.Throws<ObjectDisposedException>(() => arena.Box("point"));
        });
    }

    // ---- Gc attach / detach -------------------------------------------------------------------------

    [Test]
    public void Gc_FreeFinalizer_TakesTheBlockFromTheToolbox_FreeRunsItOnce()
    {
        var p = Mem.Malloc(32);
        var q = Mem.Gc(p, Finalizer.Free);
        Assert.Multiple(() =>
        {
            Assert.That(q, Is.EqualTo(p));
            Assert.That(q.Block, Is.SameAs(p.Block));
            Assert.That(q.Block!.IsGcOwned, Is.True);
            Assert.That(Mem.LiveBlockCount, Is.Zero, "the GC owns it now");
        });
        Mem.Free(q);
        Assert.That(q.Block!.IsLive, Is.False);
        Assert.That(Assert.Throws<FfiMemoryException>(() => Mem.Free(q))!.Message, Does.Contain("double free"));
    }

    [Test]
    public void Gc_SymbolFinalizer_FromAnExplicitLibrary()
    {
        var p = Mem.Box("rect");
        var q = Mem.Gc(p, Finalizer.Function("free", "libc.so.6"));
        Assert.That(q.Block!.IsGcOwned, Is.True);
        Mem.Free(q);
        Assert.That(p.Block!.IsLive, Is.False);
        Assert.Throws<FfiMemoryException>(() => Mem.Free(q));
    }

    [Test]
    public void Gc_DetachReturnsEngineMemoryToTheToolbox()
    {
        var p = Mem.Malloc(8);
        var q = Mem.Gc(p, Finalizer.Function("free", "libc.so.6"));
        Assert.That(Mem.LiveBlockCount, Is.Zero);
        var r = Mem.Gc(q, Finalizer.None);
        Assert.Multiple(() =>
        {
            Assert.That(r.Block, Is.SameAs(p.Block));
            Assert.That(r.Block!.IsGcOwned, Is.False);
            Assert.That(Mem.LiveBlockCount, Is.EqualTo(1));
        });
        Mem.Dispose();
        Assert.That(p.Block!.IsLive, Is.False, "released by the toolbox again");
    }

    [Test]
    public void Gc_MemoryFromC()
    {
        var raw = Marshal.AllocHGlobal(16); // malloc on Unix
        var q = Mem.Gc(NativePointer.FromAddress(raw), Finalizer.Free);
        Assert.Multiple(() =>
        {
            Assert.That(q.Block, Is.Not.Null);
            Assert.That(q.Block!.Size, Is.EqualTo(-1), "size unknown");
            Assert.That(q.Block.EngineAllocated, Is.False);
            Assert.That(q.Block.IsGcOwned, Is.True);
            Assert.That(q.Extent, Is.Null, "not bounds-checked");
            Assert.That(Mem.LiveBlockCount, Is.Zero);
        });
        Mem.Free(q);
        Assert.That(q.Block!.IsLive, Is.False);
        Assert.Throws<FfiMemoryException>(() => Mem.Free(q));
        Assert.Throws<FfiMemoryException>(() => Mem.Fill(q, 0, 1));
    }

    [Test]
    public void Gc_DetachMemoryFromC_StopsTrackingIt()
    {
        var raw = Marshal.AllocHGlobal(16);
        var q = Mem.Gc(NativePointer.FromAddress(raw), Finalizer.Free);
        var r = Mem.Gc(q, Finalizer.None);
        Assert.Multiple(() =>
        {
            Assert.That(r.Block, Is.Null);
            Assert.That(q.Block!.IsGcOwned, Is.False);
            Assert.That(r.Address, Is.EqualTo(raw));
        });
        Marshal.FreeHGlobal(raw); // ours again
    }

    [Test]
    public void Gc_Errors()
    {
        var rect = Mem.Box("rect");
        var inner = (NativePointer)Mem.Get(rect, "b")!;
        Assert.Multiple(() =>
        {
            Assert.That(Assert.Throws<FfiMemoryException>(() => Mem.Gc(NativePointer.Null, Finalizer.Free))!.Message, Does.Contain("gc: null pointer"));
            Assert.That(Assert.Throws<FfiMemoryException>(() => Mem.Gc(inner, Finalizer.Free))!.Message, Does.Contain("inside a block"));
            var missing = Assert.Throws<FfiBindException>(() => Mem.Gc(rect, Finalizer.Function("no_such_release_fn", "libc.so.6")));
            Assert.That(missing!.Message, Does.Contain("no_such_release_fn").And.Contain("libc.so.6"));
            Assert.Throws<FfiBindException>(() => Mem.Gc(rect, Finalizer.Function("free", "libdoes-not-exist.so.42")));
            Assert.That(Assert.Throws<FfiArgumentException>(() => Mem.Gc(rect, Finalizer.Function("free")))!.Message, Does.Contain("needs a library"));
            Assert.Throws<ArgumentNullException>(() => Mem.Gc(rect, null!));
            Assert.That(rect.Block!.IsGcOwned, Is.False, "failed attaches change nothing");
            Assert.That(Mem.LiveBlockCount, Is.EqualTo(1));
        });
    }

    [Test]
    public void Finalizer_Values()
    {
        var f = Finalizer.Function("fclose", "libc.so.6");
        Assert.Multiple(() =>
        {
            Assert.That(Finalizer.None.Kind, Is.EqualTo(FinalizerKind.None));
            Assert.That(Finalizer.Free.Kind, Is.EqualTo(FinalizerKind.Free));
            Assert.That(Finalizer.Free.Symbol, Is.Null);
            Assert.That(f.Kind, Is.EqualTo(FinalizerKind.Symbol));
            Assert.That(f.Symbol, Is.EqualTo("fclose"));
            Assert.That(f.Library, Is.EqualTo("libc.so.6"));
            Assert.That(Finalizer.Function("fclose").Library, Is.Null);
            Assert.That(f, Is.EqualTo(Finalizer.Function("fclose", "libc.so.6")));
            Assert.That(f, Is.Not.EqualTo(Finalizer.Function("fclose")));
        });
        Assert.Throws<ArgumentException>(() => Finalizer.Function(""));
        Assert.Throws<ArgumentNullException>(() => Finalizer.Function(null!));
    }

    // ---- thread safety ------------------------------------------------------------------------------

    [Test]
    public void ThreadSafety_ManyThreadsBoxSetGetFree()
    {
        int start = Mem.LiveBlockCount;
        var errors = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        long sum = 0;
        var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            try
            {
                long local = 0;
                for (int i = 0; i < 10_000; i++)
                {
                    var p = Mem.Box("point", new { x = t });
                    Mem.Set(p, "y", i);
                    local += (int)Mem.Get(p, "x")! + (int)Mem.Get(p, "y")!;
                    Mem.Free(p);
                }
                Interlocked.Add(ref sum, local);
            }
            catch (Exception ex)
            {
                errors.Enqueue(ex);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        // Σ over t of (10000·t + Σi) = 10000·28 + 8·(9999·10000/2)
        Assert.Multiple(() =>
        {
            Assert.That(errors, Is.Empty);
            Assert.That(sum, Is.EqualTo(10_000L * 28 + 8L * 9_999 * 10_000 / 2));
            Assert.That(Mem.LiveBlockCount, Is.EqualTo(start));
        });
    }
}
