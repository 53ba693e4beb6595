using Ffi.Memory;
using Ffi.Spec;
using Ffi.Types;

namespace Ffi.Tests.Adversarial;

/// <summary>
/// Misuse of memory the engine allocated and knows is gone: freeing twice (with the pointer or with its raw address),
/// realloc of a freed pointer, freeing after the arena was disposed, handing a freed box to C. Each was accepted
/// silently and reached C's allocator (free(): double free detected, exit 134), so each runs in a child process.
/// </summary>
[TestFixture]
public sealed class MemoryMisuseTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30 * Soak.Factor);

    private static NativePointer Raw(NativePointer p) => NativePointer.FromAddress(p.Address);

    [Test]
    public void FreeingARawAddressTwiceIsRefused() => Isolated.Run(() =>
    {
        using var mem = new FfiMemory(TypeRegistry.BuiltinsOnly);
        var p = mem.Malloc(24);
        mem.Free(Raw(p));
        var e = Assert.Throws<FfiMemoryException>(() => mem.Free(Raw(p)))!;
        Assert.That(e.Message, Is.EqualTo($"free: double free of {p} (the engine already released the block at this address)"));
        Assert.That(Assert.Throws<FfiMemoryException>(() => mem.Free(p))!.Message, Is.EqualTo($"free: double free of {p} (the block was already released)"));
    }, Bound);

    [Test]
    public void ReallocOfAFreedPointerIsRefused() => Isolated.Run(() =>
    {
        using var mem = new FfiMemory(TypeRegistry.BuiltinsOnly);
        var p = mem.Malloc(24);
        mem.Free(p);
        Assert.That(Assert.Throws<FfiMemoryException>(() => mem.Realloc(p, 100))!.Message, Does.Contain("realloc: use after free"));
        Assert.That(Assert.Throws<FfiMemoryException>(() => mem.Realloc(Raw(p), 100))!.Message,
            Is.EqualTo($"realloc: use after free: the engine already released the block at {p}"));
        Assert.That(Assert.Throws<FfiMemoryException>(() => mem.Realloc(Raw(p), 0))!.Message, Does.Contain("realloc: use after free"));
    }, Bound);

    [Test]
    public void TheOldAddressOfAMovedBlockIsDead() => Isolated.Run(() =>
    {
        using var mem = new FfiMemory(TypeRegistry.BuiltinsOnly);
        var p = mem.Malloc(16);
        mem.Fill(p, 0x5A, 16);
        var q = mem.Realloc(p, 4096); // within the quarantine's bounds (blocks of up to 64 KiB)
        Assert.That(mem.String(q, 16), Is.EqualTo(new string('Z', 16)), "realloc keeps the contents");
        Assert.Throws<FfiMemoryException>(() => mem.Free(Raw(p)));
        Assert.Throws<FfiMemoryException>(() => mem.Free(p));
        var r = mem.Realloc(Raw(q), 8);
        mem.Free(r);
        Assert.Throws<FfiMemoryException>(() => mem.Free(Raw(q)));
    }, Bound);

    [Test]
    public void FreeingAfterTheArenaWasDisposedIsRefused() => Isolated.Run(() =>
    {
        using var mem = new FfiMemory(TypeRegistry.BuiltinsOnly);
        var arena = mem.CreateArena();
        var p = arena.Malloc(32);
        var box = arena.New("long", 4);
        arena.Dispose();
        Assert.Throws<FfiMemoryException>(() => mem.Free(p));
        Assert.Throws<FfiMemoryException>(() => mem.Free(Raw(p)));
        Assert.Throws<FfiMemoryException>(() => mem.Free(Raw(box)));
        Assert.Throws<FfiMemoryException>(() => mem.Gc(Raw(box), Finalizer.Free));
        Assert.Throws<FfiMemoryException>(() => mem.Realloc(Raw(box), 64));
    }, Bound);

    [Test]
    public void FreeingAfterTheModuleWasDisposedIsRefused() => Isolated.Run(() =>
    {
        var module = NativeModule.Open(FfiSpec.Parse("""{ "version": "1", "lib": "libc.so.6" }"""));
        var p = module.Memory.Malloc(40);
        using var other = new FfiMemory(TypeRegistry.BuiltinsOnly);
        module.Dispose();
        Assert.Throws<FfiMemoryException>(() => other.Free(Raw(p)));
    }, Bound);

    [Test]
    public void PassingAFreedBoxToCIsRefused() => Isolated.Run(() =>
    {
        using var libc = NativeModule.Open(FfiSpec.Parse("""
            { "version": "1", "lib": "libc.so.6", "functions": [ { "name": "memset", "ret": "pointer", "params": ["pointer", "int", "size_t"] } ] }
            """));
        var box = libc.Memory.Malloc(64);
        libc.Memory.Free(box);
        // The FfiValue and typed paths convert through ScalarMemory; the object path's emitted stub takes the address
        // itself (FastSlot.ObjectAddress, in Ffi.Emit: reported, not covered here).
        var e = Assert.Throws<FfiMemoryException>(() => libc.Function("memset").Invoke([box, 0, 64UL]))!;
        Assert.That(e.Message, Is.EqualTo($"memset: param[0] (pointer): use after free: the block at {box} was released"));
        var typed = libc.GetFunction<Func<NativePointer, int, nuint, nint>>("memset");
        Assert.Throws<FfiMemoryException>(() => typed(box, 0, 64));
    }, Bound);

    [Test]
    public void ManyFreesAndDoubleFreesStayTyped() => Isolated.Run(() =>
    {
        // The quarantine is bounded: far more blocks than it holds, each freed twice by address.
        using var mem = new FfiMemory(TypeRegistry.BuiltinsOnly);
        var rng = new Random(0xF4EE);
        for (int i = 0; i < Soak.Scale(20_000); i++)
        {
            var p = mem.Malloc(rng.Next(1, 512));
            mem.Free(rng.Next(2) == 0 ? p : Raw(p));
            Assert.Throws<FfiMemoryException>(() => mem.Free(Raw(p)));
        }
    }, Bound);
}
