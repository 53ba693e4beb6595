using Ffi.Memory;

namespace Ffi.Tests.Memory;

/// <summary>
/// An initializer object whose members cannot be read: under PublishTrimmed/NativeAOT an anonymous object's
/// properties may be trimmed away, and `Box("div_t", new { quot = 7, rem = 1 })` silently read back 0 0. An object
/// with no readable member is refused; `new { }` and null still mean zeros.
/// </summary>
[TestFixture]
public sealed class TrimmedInitializerTests : MemoryFixture
{
    private sealed class NothingPublic
    {
#pragma warning disable IDE0052, CS0414 // the point: members reflection cannot see
        private readonly int _x = 7;
#pragma warning restore IDE0052, CS0414
    }

    [Test]
    public void AnObjectWithNoReadableMembersIsRefused()
    {
        var e = Assert.Throws<FfiArgumentException>(() => Mem.Box("point", new NothingPublic()))!;
        Assert.That(e.Message, Does.Contain("NothingPublic has no public properties or fields to read").And.Contain("Dictionary<string, object?>"));
    }

    [Test]
    public void AnEmptyAnonymousObjectAndNullStillMeanZeros()
    {
        var empty = Mem.Box("point", new { });
        var none = Mem.Box("point", null);
        Assert.That((Mem.Get(empty, "x"), Mem.Get(none, "y")), Is.EqualTo(((object)0, (object)0)));
        var set = Mem.Box("point", new { x = 7, y = 1 });
        Assert.That((Mem.Get(set, "x"), Mem.Get(set, "y")), Is.EqualTo(((object)7, (object)1)));
    }
}
