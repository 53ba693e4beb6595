using Ffi.Memory;
using Ffi.Spec;

namespace Ffi.Tests.Memory;

/// <summary>The examples of docs/memory.md and the README, run as written.</summary>
[TestFixture]
public sealed class DocsExampleTests
{
    [Test]
    public void MemoryGuideExample()
    {
        var spec = FfiSpec.Parse("""
          { "version": "1", "lib": "libc.so.6", "types": {
              "point": { "kind": "struct", "fields": [ { "name": "x", "type": "int" }, { "name": "y", "type": "int" } ] },
              "flags": { "kind": "struct", "fields": [ { "name": "ready", "type": "uint", "bits": 1 },
                                                        { "name": "level", "type": "int", "bits": 3 } ] },
              "shape": { "kind": "struct", "fields": [ { "name": "name", "type": { "kind": "array", "of": "char", "len": 16 } },
                                                        { "name": "pts", "type": { "kind": "array", "of": "point", "len": 4 } } ] } } }
          """);
        using var mem = new FfiMemory(spec.Types);

        var s = mem.Box("shape", new { name = "square", pts = new[] { new { x = 0, y = 0 }, new { x = 1, y = 0 } } });
        mem.Set(s, "pts[2].x", 1);
        Assert.That((int)mem.Get(s, "pts[1].x")!, Is.EqualTo(1));
        var pt = (NativePointer)mem.Get(s, "pts[3]")!;
        Assert.That(pt.Type, Is.SameAs(spec.Types["point"]));
        Assert.That((long)(pt.Address - s.Address), Is.EqualTo(16L + 3 * 8));
        Assert.That(mem.String((NativePointer)mem.Get(s, "name")!), Is.EqualTo("square"));

        var f = mem.Box("flags");
        mem.Set(f, "level", -4);
        Assert.That((int)mem.Get(f, "level")!, Is.EqualTo(-4));
        var ex = Assert.Throws<FfiArgumentException>(() => mem.Set(f, "level", 4));
        Assert.That(ex!.Message, Does.Contain("integer out of range: 4 does not fit a 3-bit field (-4..3)"));

        using (var arena = mem.CreateArena())
        {
            var buf = arena.Malloc(4096);
            var p = arena.Box("point", new { x = 1, y = 2 });
            Assert.That(mem.Get(p, "y"), Is.EqualTo(2));
            Assert.That(buf.Extent, Is.EqualTo(4096));
        }
    }

    [Test]
    public void ReadmeExample()
    {
        var spec = Ffi.Demo.DemoTour.LoadEmbedded("zlib.json");
        using var mem = new FfiMemory(spec.Types);
        var s = mem.Box("z_stream", new { avail_in = 5u });
        mem.Set(s, "avail_out", 100);
        Assert.That((uint)mem.Get(s, "avail_in")!, Is.EqualTo(5u));
        Assert.That(mem.Get(s, "avail_out"), Is.EqualTo(100u));
        mem.Free(s);
        var ex = Assert.Throws<FfiMemoryException>(() => mem.Get(s, "avail_in"));
        Assert.That(ex!.Message, Does.Contain("use after free"));
    }
}
