using Ffi.Memory;
using Ffi.Spec;
using Ffi.Values;

namespace Ffi.Tests.Downcalls;

/// <summary>
/// Regressions of the variadic call-shape cache and of promotions: shapes are keyed by the extras' types themselves
/// (never by how they print), and promotions are C's, never a spec's types of the same names.
/// </summary>
[TestFixture]
public sealed class VariadicShapeTests
{
    private const string Spec = """
        { "version": "1", "lib": "libc.so.6", "types": {},
          "functions": [ { "name": "snprintf", "ret": "int", "params": ["pointer", "size_t", "string"], "variadic": true } ] }
        """;

    [Test]
    public void APointerTaggedBIsNotRefusedBecauseAnATaggedShapeIsCached()
    {
        using var m = NativeModule.Open(FfiSpec.Parse(Spec));
        var buf = m.Memory.Calloc(64, 1);
        var ta = m.Types.ParseType("""{"kind":"pointer","to":"int","tag":"A"}""");
        var tb = m.Types.ParseType("""{"kind":"pointer","to":"int","tag":"B"}""");
        m.Invoke("snprintf", buf, 64UL, "%p", new object?[] { new VarArg(ta, NativePointer.FromAddress(buf.Address, null, "A")) });
        m.Invoke("snprintf", buf, 64UL, "%p", new object?[] { new VarArg(tb, NativePointer.FromAddress(buf.Address, null, "B")) });
        Assert.That(m.Memory.String(buf), Is.EqualTo($"0x{buf.Address:x}"));
    }

    [Test]
    public void ALongLongAfterADoubleIsPrintedAsTheLongLong()
    {
        using var m = NativeModule.Open(FfiSpec.Parse(Spec));
        var buf = m.Memory.Calloc(64, 1);
        m.Invoke("snprintf", buf, 64UL, "%.1f", new object?[] { 2.5 });
        Assert.That(m.Memory.String(buf), Is.EqualTo("2.5"));
        m.Invoke("snprintf", buf, 64UL, "%lld", new object?[] { 5L });
        Assert.That(m.Memory.String(buf), Is.EqualTo("5"));
        m.Invoke("snprintf", buf, 64UL, "%lld %d", new object?[] { -5L, -7L });
        Assert.That(m.Memory.String(buf), Is.EqualTo("-5 -7"));
        var fn = m.Function("snprintf");
        fn.Invoke([FfiValue.FromPointer(buf), 64UL, "%lld|%.2f", -1L << 40, 0.25]);
        Assert.That(m.Memory.String(buf), Is.EqualTo($"{-1L << 40}|0.25"));
        var typed = m.GetFunction<Func<NativePointer, ulong, string, long, double, int>>("snprintf");
        typed(buf, 64, "%lld/%.1f", long.MinValue, 1.5);
        Assert.That(m.Memory.String(buf), Is.EqualTo($"{long.MinValue}/1.5"));
    }

    [Test]
    public void SpecTypesThatShadowCNamesDoNotChangeThePromotions()
    {
        var shadowing = Spec.Replace("\"types\": {}", "\"types\": { \"double\": \"float\", \"int\": \"char\", \"long\": \"short\" }");
        using var m = NativeModule.Open(FfiSpec.Parse(shadowing));
        var buf = m.Memory.Calloc(64, 1);
        m.Invoke("snprintf", buf, 64UL, "%.2f %d %ld", new object?[] { 1.5, 100000, 1L << 40 });
        Assert.That(m.Memory.String(buf), Is.EqualTo($"1.50 100000 {1L << 40}"));
        m.Function("snprintf").Invoke([FfiValue.FromPointer(buf), 64UL, "%.2f %d", 2.25, 300]);
        Assert.That(m.Memory.String(buf), Is.EqualTo("2.25 300"));
        m.GetFunction<Func<NativePointer, ulong, string, double, int, sbyte>>("snprintf")(buf, 64, "%.2f %d", 0.5, 70000); // "int" is char here
        Assert.That(m.Memory.String(buf), Is.EqualTo("0.50 70000"));
    }
}
