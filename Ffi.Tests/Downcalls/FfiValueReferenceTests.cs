using System.Runtime.CompilerServices;
using Ffi.Memory;
using Ffi.Values;

namespace Ffi.Tests.Downcalls;

/// <summary>
/// What an <see cref="FfiValue"/> keeps in its one reference besides a string or an object — a pointer's type and tag,
/// a typed extra's C type, an inline aggregate's origin — reaches every path that reads it: the emitted invokers' tag
/// and string checks, the general path, equality. And the value stays 32 bytes.
/// </summary>
[TestFixture]
public sealed class FfiValueReferenceTests : ApiModuleFixture
{
    [Test]
    public void TheValueIsFourWords() => Assert.That(Unsafe.SizeOf<FfiValue>(), Is.EqualTo(32));

    [Test]
    public void ATypedPointerWithTheWrongTagIsRefusedOnEveryPath()
    {
        var c = Call("counter_new", 7);
        var address = c.ToPointer().Address;
        var typedWrong = FfiValue.FromPointer(NativePointer.FromAddress(address, _m.Types["pair"], "other"));
        Assert.That(() => Call("counter_bump", typedWrong), Throws.TypeOf<FfiArgumentException>()
            .With.Message.Contains("pointer tagged \"other\" where \"counter\""));
        Assert.That(() => Call("counter_bump", FfiValue.Typed(_m.Types["pair"], typedWrong)), Throws.TypeOf<FfiArgumentException>()
            .With.Message.Contains("pointer tagged \"other\" where \"counter\""), "a typed value's tag is checked too");
        var typedRight = FfiValue.FromPointer(NativePointer.FromAddress(address, _m.Types["pair"], "counter"));
        Assert.That(Call("counter_bump", typedRight).ToInt64(), Is.EqualTo(8));
        Call("counter_free", c);
    }

    [Test]
    public void APointerReadFromCKeepsItsTypeAndTagAndEqualsItsNativePointer()
    {
        var c = Call("counter_new", 1);
        var p = c.ToPointer();
        Assert.That(p.Tag, Is.EqualTo("counter"));
        Assert.That(p.Type, Is.Not.Null);
        Assert.That(c, Is.EqualTo(FfiValue.FromPointer(p)), "made from C's type or from the NativePointer, the same pointer");
        Assert.That(c.GetHashCode(), Is.EqualTo(FfiValue.FromPointer(p).GetHashCode()));
        Assert.That(c, Is.Not.EqualTo(FfiValue.FromPointer(p.As(p.Type, "other"))));
        Assert.That(Call("counter_bump", FfiValue.FromPointer(p)).ToInt64(), Is.EqualTo(2));
        Call("counter_free", c);
    }

    [Test]
    public void ATypedStringReachesAFixedParameterThroughTheGeneralPath()
    {
        var typed = FfiValue.Typed(_m.Types["string"], "h\u00e9llo");
        Assert.That(typed.Kind, Is.EqualTo(FfiValueKind.String));
        Assert.That(typed.ExtraType, Is.SameAs(_m.Types["string"]));
        Assert.That(typed.AsString(), Is.EqualTo("h\u00e9llo"));
        for (int i = 0; i < 3; i++) Assert.That(Call("count_bytes", typed).ToUInt64(), Is.EqualTo(6), "first and later calls");
        Assert.That(Call("count_bytes", "h\u00e9llo").ToUInt64(), Is.EqualTo(6), "an untyped string still takes the emitted path");
    }

    [Test]
    public void TypedValuesKeepTheirPayloadAndCompareByIt()
    {
        var ll = _m.Types["longlong"];
        var five = FfiValue.Typed(ll, 5);
        Assert.That(five, Is.EqualTo(FfiValue.Typed(ll, FfiValue.FromInt64(5))));
        Assert.That(FfiValue.Typed(ll, 5), Is.Not.EqualTo((FfiValue)5), "typed and untyped differ");
        Assert.That(FfiValue.Typed(ll, 5).ToInt64(), Is.EqualTo(5));
        nint n = 42;
        var typedNint = FfiValue.Typed(ll, n);
        Assert.That(typedNint.IsNativeInteger, Is.True);
        Assert.That(typedNint.ToObject(), Is.EqualTo(n));
        var s = (StructValue)Call("pair_swap", FfiValue.FromObject(new { a = 1L, b = 2L })).ToObject()!;
        Assert.That(FfiValue.Typed(ll, s).ToObject(), Is.SameAs(s));
    }

    [Test]
    public void AnInlineAggregateKnowsItsTypeAndModuleOnEveryPath()
    {
        var fast = Call("pair_swap", FfiValue.FromObject(new { a = 1L, b = 2L }));
        Assert.That(fast.Kind, Is.EqualTo(FfiValueKind.Aggregate));
        Assert.That(fast.AggregateType, Is.SameAs(_m.Types["pair"]));
        Assert.That(_m.Memory.Get(fast, "a"), Is.EqualTo(2L));
        Assert.That(fast.ToString(), Is.EqualTo("pair (inline)"));
        var again = Call("pair_swap", FfiValue.FromObject(new { a = 1L, b = 2L }));
        Assert.That(again, Is.EqualTo(fast), "two results of the same function and bytes are equal");
        var stored = fast.ToPointer();
        Assert.That(_m.Memory.Get(stored, "b"), Is.EqualTo(1L), "moved into the module's memory on request");
        _m.Memory.Free(stored);
    }
}
