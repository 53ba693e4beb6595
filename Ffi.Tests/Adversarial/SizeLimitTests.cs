using Ffi.Memory;
using Ffi.Types;

namespace Ffi.Tests.Adversarial;

/// <summary>
/// Sizes near the limits of a span, a string and the address space: each gave an OverflowException or an
/// OutOfMemoryException; each must be a typed <see cref="FfiException"/> (or work).
/// </summary>
[TestFixture]
public sealed class SizeLimitTests
{
    [Test]
    public void AsSpanOverA3GiBArrayIsAMemoryException() => Isolated.Run(() =>
    {
        using var mem = new FfiMemory(TypeRegistry.BuiltinsOnly);
        var small = mem.Malloc(16);
        var huge = mem.Cast(mem.TypeOf("""{ "kind": "pointer", "to": { "kind": "array", "of": "uint8", "len": 3221225472 } }"""), small);
        var e = Assert.Throws<FfiMemoryException>(() => mem.AsSpan<byte>(huge))!;
        Assert.That(e.Message, Is.EqualTo($"AsSpan<Byte>({small}): 3221225472 elements are more than a span can hold (2147483647); use AsSpan<T>(p, count) over a part"));
    });

    [Test]
    public void AsSpanOverA3GiBBlockIsAMemoryException() => Isolated.Run(() =>
    {
        using var mem = new FfiMemory(TypeRegistry.BuiltinsOnly);
        NativePointer block;
        try
        {
            block = mem.Malloc(3L << 30); // address space only: malloc maps it and nothing touches it
        }
        catch (FfiMemoryException e) when (e.Message.Contains("out of memory", StringComparison.Ordinal))
        {
            Assert.Ignore("this machine does not map 3 GiB: " + e.Message);
            return;
        }
        Assert.That(Assert.Throws<FfiMemoryException>(() => mem.AsSpan<byte>(block))!.Message, Does.Contain("more than a span can hold"));
        Assert.That(mem.AsSpan<byte>(block, 16).Length, Is.EqualTo(16));
        mem.Free(block);
    });

    [Test]
    public void StringWith4GiBLengthIsAMemoryException() => Isolated.Run(() =>
    {
        using var mem = new FfiMemory(TypeRegistry.BuiltinsOnly);
        var p = mem.Malloc(16);
        Assert.Throws<FfiMemoryException>(() => mem.String(p, 4L << 30));                    // engine memory: bounds
        var fromC = NativePointer.FromAddress(p.Address);                                      // C memory: no bounds
        Assert.That(Assert.Throws<FfiMemoryException>(() => mem.String(fromC, 4L << 30))!.Message,
            Is.EqualTo($"string: 4294967296 bytes at {fromC} are more than a .NET string can hold (at most 1073741824 bytes are read as text)"));
    });

    [Test]
    public void FillWith4GiBLengthIsAMemoryException() => Isolated.Run(() =>
    {
        using var mem = new FfiMemory(TypeRegistry.BuiltinsOnly);
        var p = mem.Malloc(16);
        Assert.Throws<FfiMemoryException>(() => mem.Fill(p, 0, 4L << 30));
        Assert.Throws<FfiMemoryException>(() => mem.Fill(p, 0, long.MaxValue));
        Assert.Throws<FfiMemoryException>(() => mem.Calloc(long.MaxValue, 2));
        Assert.Throws<FfiMemoryException>(() => mem.Malloc(long.MaxValue));
        Assert.Throws<FfiMemoryException>(() => mem.New("long", long.MaxValue / 4));
        Assert.Throws<FfiMemoryException>(() => mem.Realloc(mem.Malloc(8), long.MaxValue));
    });
}
