using System.Globalization;
using System.Text;
using Ffi.Abi;
using Ffi.Spec;
using Ffi.Types;

namespace Ffi.Tests.Adversarial;

/// <summary>
/// Hostile specs: shapes whose cost grew with array lengths or quadratically with nesting, sizes near the 64-bit
/// limit, by-value values no stack can hold. Every case runs in a child process with a time bound, so a hang is a
/// failure and not a stuck run. Outcomes allowed: a spec, or an <see cref="FfiSpecException"/>.
/// </summary>
[TestFixture]
public sealed class HostileSpecTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(45 * Soak.Factor);

    private static string Spec(string types, string functions = "") =>
        $$"""{ "version": "1", "lib": "libc.so.6", "types": { {{types}} }, "functions": [ {{functions}} ] }""";

    // a0 = int[1], a1 = a0[1], …: declared first to last (each refers to one already resolved) or last to first.
    private static string ArrayChain(int depth, bool reversed)
    {
        var sb = new StringBuilder();
        foreach (int i in reversed ? Enumerable.Range(0, depth).Reverse() : Enumerable.Range(0, depth))
        {
            if (sb.Length > 0) sb.Append(",\n");
            sb.Append(CultureInfo.InvariantCulture, $"\"a{i}\": {{ \"kind\": \"array\", \"of\": \"{(i == 0 ? "int" : $"a{i - 1}")}\", \"len\": 1 }}");
        }
        return sb.ToString();
    }

    [Test]
    public void A200000DeepChainOfNamedArrayTypesIsLinear() => Isolated.Run(() =>
    {
        const int Depth = 200_000;   // quadratic took 16.6 s for 50,000
        var spec = FfiSpec.Parse(Spec(ArrayChain(Depth, reversed: false) + $$"""
            , "s": { "kind": "struct", "fields": [ { "name": "c", "type": "char" }, { "name": "z", "type": "a{{Depth - 1}}" } ] },
            "cmp_fn": { "kind": "funcptr", "ret": "int", "params": ["s", "s"] }
            """,
            """{ "name": "abs", "ret": "int", "params": ["s"] }"""));
        var s = spec.Types["s"];
        Assert.That((s.Size, s.Align, spec.Types[$"a{Depth - 1}"].Size), Is.EqualTo((8L, 4, 4L)));
        Assert.That(SysVClassifier.Classify(s), Is.EqualTo(new[] { EightbyteClass.Integer }));
        Assert.That(SysVCallPlanner.Plan(s, [s, s]).ToString(), Does.Contain("param[1]: s (8 bytes) [Integer] -> rsi"));
        var fp = (FuncPtrType)spec.Types["cmp_fn"];
        Assert.That(SysVCallPlanner.Plan(fp.Return, fp.Parameters).IntegerRegistersUsed, Is.EqualTo(2));
    }, Bound);

    [Test]
    public void A50000DeepChainDeclaredBackwardsResolvesOrIsRefused() => Isolated.Run(() =>
    {
        // Resolving it recurses once per level: the thread's stack decides, and running out is a typed refusal.
        try
        {
            var spec = FfiSpec.Parse(Spec(ArrayChain(50_000, reversed: true)));
            Assert.That(spec.Types["a49999"].Size, Is.EqualTo(4));
        }
        catch (FfiSpecException e)
        {
            Assert.That(e.Message, Does.Contain("type references nest too deeply"));
        }
    }, Bound);

    [Test]
    public void A100000DeepChainOfHandlesClassifiesWithoutRecursion() => Isolated.Run(() =>
    {
        var sb = new StringBuilder("\"h0\": { \"kind\": \"handle\", \"tag\": \"h0\", \"rep\": \"pointer\" }");
        for (int i = 1; i < 100_000; i++)
            sb.Append(CultureInfo.InvariantCulture, $",\n\"h{i}\": {{ \"kind\": \"handle\", \"tag\": \"h{i}\", \"rep\": \"h{i - 1}\" }}");
        var spec = FfiSpec.Parse(Spec(sb.ToString()));
        var h = spec.Types["h99999"];
        Assert.That(SysVClassifier.Classify(h), Is.EqualTo(new[] { EightbyteClass.Integer }));
        Assert.That(SysVCallPlanner.RepOf(h), Is.EqualTo(ScalarRep.Pointer));
    }, Bound);

    [Test]
    public void AFuncPtrOverAHugeStructIsRefusedWhenTheSpecIsRead()
    {
        // Planning cmp_fn took 11 s; a 1 GiB value cannot be passed on any stack.
        var e = Assert.Throws<FfiSpecException>(() => FfiSpec.Parse(Spec("""
            "huge": { "kind": "struct", "fields": [ { "name": "b", "type": { "kind": "array", "of": "char", "len": 1073741824 } } ] },
            "cmp_fn": { "kind": "funcptr", "ret": "int", "params": ["huge", "huge"] }
            """)))!;
        Assert.That(e.Message, Is.EqualTo("types.cmp_fn.params[0]: huge is 1073741824 bytes; a value passed or returned by value may have at most 65536 (C copies it on the stack): pass a pointer"));
    }

    [Test]
    public void AFunctionReturningA1TiBStructIsRefusedWhenTheSpecIsRead()
    {
        var e = Assert.Throws<FfiSpecException>(() => FfiSpec.Parse(Spec("""
            "huge": { "kind": "struct", "fields": [ { "name": "b", "type": { "kind": "array", "of": "char", "len": 1099511627776 } } ] }
            """, """{ "name": "abs", "ret": "huge", "params": [] }""")))!;
        Assert.That(e.Message, Is.EqualTo("functions[0] (abs): ret: huge is 1099511627776 bytes; a value passed or returned by value may have at most 65536 (C copies it on the stack): pass a pointer"));
        Assert.That(() => FfiSpec.Parse(Spec("""
            "big": { "kind": "struct", "fields": [ { "name": "b", "type": { "kind": "array", "of": "char", "len": 65536 } } ] }
            """, """{ "name": "abs", "ret": "big", "params": ["big"] }""")), Throws.Nothing, "64 KiB is still allowed");
    }

    [Test]
    public void SizesNearTheLimitAreSpecErrorsNamingTheType()
    {
        var e = Assert.Throws<FfiSpecException>(() => FfiSpec.Parse(Spec("""
            "half": { "kind": "array", "of": "char", "len": 576460752303423488 },
            "s": { "kind": "struct", "fields": [ { "name": "a", "type": "half" }, { "name": "b", "type": "half" } ] }
            """)))!;
        Assert.That(e.Message, Is.EqualTo("types.s: the struct is larger than 576460752303423488 bytes"));
        var nested = Assert.Throws<FfiSpecException>(() => FfiSpec.Parse(Spec("""
            "half": { "kind": "array", "of": "char", "len": 576460752303423488 },
            "two": { "kind": "array", "of": "half", "len": 2 }
            """)))!;
        Assert.That(nested.Message, Is.EqualTo("types.two: the array is larger than 576460752303423488 bytes"));
    }

    [Test]
    public void RandomHostileSpecsEndInASpecOrASpecException() => Isolated.Run(() =>
    {
        var rng = new Random(0x4057);
        for (int n = 0; n < Soak.Scale(400); n++)
        {
            var json = HostileSpecGenerator.Next(rng);
            FfiSpec spec;
            try
            {
                spec = FfiSpec.Parse(json);
            }
            catch (FfiSpecException)
            {
                continue;
            }
            // Everything a module computes from the types must end, and only in typed errors.
            foreach (var name in spec.Types.Names)
            {
                var t = spec.Types[name];
                _ = (t.Size, t.Align, t.DisplayName);
                if (t is VoidType || t is ArrayType { IsFlexible: true }) continue;
                _ = SysVClassifier.Classify(t);
                _ = SysVClassifier.IsGccEmptyRecord(t);
            }
            foreach (var f in spec.Functions)
                _ = SysVCallPlanner.Plan(f.ReturnType, f.ParameterTypes).ToString();
        }
    }, TimeSpan.FromSeconds(60 * Soak.Scale(1)));
}
