using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Ffi.Memory;
using Ffi.Spec;
using Ffi.Tests.Native;

namespace Ffi.Tests.Memory;

/// <summary>
/// Finalizers run exactly once (explicit free, realloc, garbage collection), arenas and modules free what
/// they own, and a million allocation cycles leave malloc's bytes in use flat.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed unsafe class LifetimeTests
{
    private static readonly FfiSpec PointSpec = FfiSpec.Parse("""
        { "version": "1", "lib": "libc.so.6", "types": {
            "point": { "kind": "struct", "fields": [ { "name": "x", "type": "int" }, { "name": "y", "type": "int" } ] } } }
        """);

    private FfiMemory _mem = null!;
    private Finalizer _counting = null!;
    private delegate* unmanaged<long> _frees;

    [SetUp]
    public void SetUp()
    {
        _mem = new FfiMemory(PointSpec.Types);
        _counting = Finalizer.Function("counting_free", Fixtures.CountingAllocLibrary);
        _frees = (delegate* unmanaged<long>)NativeLibrary.GetExport(NativeLibrary.Load(Fixtures.CountingAllocLibrary), "counting_frees");
    }

    [TearDown]
    public void TearDown() => _mem.Dispose();

    private long Frees => _frees();

    // The smallest leak possible per cycle is one malloc chunk (32 bytes on x86-64 glibc): 32 MB over a million
    // cycles. The runtime's own native allocations (JIT, other tests' threads) move malloc by a few MB at most.
    private const long LeakBound = 12L << 20;

    [Test]
    public void ExplicitFreeRunsTheFinalizerExactlyOnce()
    {
        long before = Frees;
        var p = _mem.Gc(_mem.Malloc(16), _counting);
        _mem.Free(p);
        Assert.That(Frees, Is.EqualTo(before + 1));
        var ex = Assert.Throws<FfiMemoryException>(() => _mem.Free(p));
        Assert.That(ex!.Message, Does.Contain("double free"));
        Assert.That(Frees, Is.EqualTo(before + 1));
    }

    [Test]
    public void FreeThroughAnotherPointerToTheSameAddressRunsTheFinalizerOnce()
    {
        long before = Frees;
        var p = _mem.Gc(_mem.Malloc(16), _counting);
        _mem.Free(NativePointer.FromAddress(p.Address)); // e.g. the address came back from C
        Assert.That(Frees, Is.EqualTo(before + 1));
        Assert.Throws<FfiMemoryException>(() => _mem.Free(p));
        GC.KeepAlive(p);
    }

    [Test]
    public void ReallocMovesTheFinalizerToTheNewBlock()
    {
        long before = Frees;
        var p = _mem.Gc(_mem.Malloc(16), _counting);
        _mem.WriteBits(p, 0, 0, 32, 0xABCD);
        var q = _mem.Realloc(p, 1 << 20);
        Assert.That(Frees, Is.EqualTo(before), "realloc moves memory; it does not finalize it");
        Assert.That(_mem.ReadBits(q, 0, 0, 32), Is.EqualTo(0xABCD));
        var ex = Assert.Throws<FfiMemoryException>(() => _mem.ReadBits(p, 0, 0, 8));
        Assert.That(ex!.Message, Does.Contain("use after free"));
        _mem.Free(q);
        Assert.That(Frees, Is.EqualTo(before + 1));
    }

    [Test]
    public void TheGarbageCollectorRunsTheFinalizerWhenNoPointerIsReachable()
    {
        long before = Frees;
        AllocateAndDrop(_mem, _counting, 10);
        for (int i = 0; i < 20 && Frees < before + 10; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        Assert.That(Frees, Is.EqualTo(before + 10));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AllocateAndDrop(FfiMemory mem, Finalizer finalizer, int count)
    {
        for (int i = 0; i < count; i++) mem.Gc(mem.Box("point", new { x = i, y = -i }), finalizer);
    }

    [Test]
    public void AReachablePointerKeepsItsBlockAlive()
    {
        long before = Frees;
        var p = _mem.Gc(_mem.Box("point"), _counting);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.That(Frees, Is.EqualTo(before));
        Assert.That(_mem.Get(p, "x"), Is.Zero);
        _mem.Free(p);
        Assert.That(Frees, Is.EqualTo(before + 1));
    }

    [Test]
    public void DetachingTheFinalizerReturnsTheMemoryToItsOwner()
    {
        long before = Frees;
        var p = _mem.Gc(_mem.Malloc(8), _counting);
        p = _mem.Gc(p, Finalizer.None);
        int owned = _mem.LiveBlockCount;
        _mem.Free(p);
        Assert.That(Frees, Is.EqualTo(before), "detached: plain free, not the finalizer");
        Assert.That(_mem.LiveBlockCount, Is.EqualTo(owned - 1));
    }

    [Test]
    public void MemoryFromCCanBeGivenAFinalizer()
    {
        long before = Frees;
        var raw = (nint)NativeMemory.Alloc(32); // stands for memory a C library returned
        var p = _mem.Gc(NativePointer.FromAddress(raw), _counting);
        Assert.That(p.Block, Is.Not.Null);
        Assert.That(p.Extent, Is.Null, "size unknown: not bounds-checked");
        _mem.Free(p);
        Assert.That(Frees, Is.EqualTo(before + 1));
    }

    [Test]
    public void DisposingAnArenaFreesEverythingItOwnsAndNothingElse()
    {
        var mine = _mem.Box("point", new { x = 1, y = 2 });
        long inUse = Malloc.BytesInUse();
        var arena = _mem.CreateArena();
        var pointers = new List<NativePointer>();
        for (int i = 0; i < 250; i++)
        {
            pointers.Add(arena.Box("point", new { x = i, y = i }));
            pointers.Add(arena.Malloc(1000));
            pointers.Add(arena.Calloc(10, 100));
            pointers.Add(arena.New("point", 100));
        }
        Assert.That(arena.LiveBlockCount, Is.EqualTo(1000));
        Assert.That(Malloc.BytesInUse() - inUse, Is.GreaterThan(600_000));
        arena.Dispose();
        arena.Dispose(); // idempotent
        Assert.That(arena.LiveBlockCount, Is.Zero);
        FreedBlocks.Flush(); // released blocks wait in a bounded quarantine (double-free detection) before free
        Assert.That(Malloc.BytesInUse() - inUse, Is.LessThan(64 * 1024), "the arena's memory went back to malloc");
        Assert.That(pointers.All(p => !p.Block!.IsLive));
        Assert.Throws<FfiMemoryException>(() => _mem.Get(pointers[0], "x"));
        Assert.Throws<ObjectDisposedException>(() => arena.Malloc(1));
        Assert.That(_mem.Get(mine, "y"), Is.EqualTo(2), "the toolbox's own memory is untouched");
    }

    [Test]
    public void DisposingAModuleFreesWhatItsMemoryOwns()
    {
        var module = NativeModule.Open(PointSpec);
        var p = module.Memory.Box("point", new { x = 7, y = 8 });
        var arena = module.Memory.CreateArena();
        var a = arena.Malloc(64);
        module.Dispose();
        module.Dispose();
        Assert.That(p.Block!.IsLive, Is.False);
        Assert.That(a.Block!.IsLive, Is.True, "an arena is released by its own Dispose");
        arena.Dispose();
        Assert.Throws<ObjectDisposedException>(() => _ = module.Memory);
    }

    [Test]
    public void AMillionBoxAndFreeCyclesLeaveMallocFlat()
    {
        var point = _mem.TypeOf("point");
        Cycle(10_000); // warm up: let malloc and the runtime reach their steady state
        long before = Malloc.BytesInUse();
        Cycle(1_000_000);
        long growth = Malloc.BytesInUse() - before;
        Assert.That(growth, Is.LessThan(LeakBound), $"malloc grew by {growth} bytes over a million cycles");
        Assert.That(_mem.LiveBlockCount, Is.Zero);

        void Cycle(int n)
        {
            for (int i = 0; i < n; i++)
            {
                var p = _mem.Box(point);
                _mem.Set(p, "x", i);
                _mem.Free(p);
            }
        }
    }

    [Test]
    public void AMillionArenaCyclesLeaveMallocAndTheManagedHeapFlat()
    {
        Cycle(10_000);
        GC.Collect();
        long before = Malloc.BytesInUse();
        long managedBefore = GC.GetTotalMemory(forceFullCollection: true);
        Cycle(1_000_000);
        long growth = Malloc.BytesInUse() - before;
        long managedGrowth = GC.GetTotalMemory(forceFullCollection: true) - managedBefore;
        Assert.That(growth, Is.LessThan(LeakBound), $"malloc grew by {growth} bytes over a million arena cycles");
        Assert.That(managedGrowth, Is.LessThan(8 << 20), $"the managed heap grew by {managedGrowth} bytes");

        void Cycle(int n)
        {
            for (int i = 0; i < n; i++)
            {
                using var arena = _mem.CreateArena();
                arena.Box("point");
                arena.Malloc(24);
            }
        }
    }
}
