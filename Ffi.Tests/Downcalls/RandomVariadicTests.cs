using System.Globalization;
using System.Text;
using Ffi.Memory;
using Ffi.Spec;
using Ffi.Tests.Layout;
using Ffi.Tests.Native;
using Ffi.Types;
using Ffi.Values;
using Ffi.Tests.Oracle;

namespace Ffi.Tests.Downcalls;

/// <summary>
/// Seeded random variadic functions against gcc, through the public dynamic APIs: 1–5 fixed parameters (random
/// scalars and aggregates by value), 0–14 extras of the promoted types (int, unsigned, long, unsigned long, double,
/// pointer) that the C function reads back with <c>va_arg</c>, and a scalar or aggregate result derived from a hash
/// of everything it received. Each signature is called through <c>Invoke(object?[])</c> and through
/// <c>Invoke(ReadOnlySpan&lt;FfiValue&gt;)</c>, so the %al thunk, the register/stack split of the extras and the
/// variadic stub shapes are all judged by gcc.
/// </summary>
[TestFixture]
public sealed class RandomVariadicTests
{
    private static readonly (string Spec, string C)[] Extras =
        [("int", "int"), ("uint", "unsigned int"), ("long", "long"), ("ulong", "unsigned long"), ("double", "double"), ("pointer", "void *")];

    [TestCase(41)]
    [TestCase(42)]
    [TestCase(43)]
    public void RandomVariadicSignaturesAgreeWithGcc(int seed)
    {
        var (_, variadic, specJson) = Corpus(seed, $"V{seed}_", maxExtras: 14);
        using var m = NativeModule.Open(FfiSpec.Parse(specJson));

        var failures = new List<string>();
        foreach (var (sig, fixedCount) in variadic)
        {
            var argRng = new Random(RandomSignatures.ArgumentSeed(seed, sig));
            ulong h = RandomSignatures.Seed0 ^ ulong.Parse(sig.Name[1..], CultureInfo.InvariantCulture);
            var fixedArgs = new object?[fixedCount];
            var extras = new object?[sig.Params.Count - fixedCount];
            var values = new FfiValue[sig.Params.Count];
            for (int i = 0; i < sig.Params.Count; i++)
            {
                var type = sig.Params[i].Type;
                object? arg = RandomSignatures.RandomArgument(m, type, argRng, ref h);
                if (i < fixedCount)
                {
                    fixedArgs[i] = arg;
                    values[i] = FfiValue.FromObject(arg);
                }
                else
                {
                    extras[i - fixedCount] = new VarArg(type, arg);
                    values[i] = FfiValue.Typed(type, FfiValue.FromObject(arg));
                }
            }

            var dynamicResult = m.Function(sig.Name).Invoke([.. fixedArgs, extras]);
            object valueResult = m.Function(sig.Name).Invoke(values.AsSpan());
            foreach (var (path, result) in new[] { ("object[]", dynamicResult), ("FfiValue", valueResult) })
            {
                if (RandomSignatures.ResultMismatch(m, sig, h, result) is { } mismatch) failures.Add($"{sig.Name} via {path}: {mismatch}");
            }
        }
        Assert.That(failures, Is.Empty);
    }

    /// <summary>
    /// The corpus of <paramref name="seed"/>: the random signatures, each made variadic (its first 1–5 parameters fixed,
    /// 0–<paramref name="maxExtras"/> promoted extras), compiled by gcc into a library; and a spec naming it.
    /// </summary>
    internal static (RandomLayoutGenerator Gen, List<(Signature Sig, int Fixed)> Variadic, string SpecJson) Corpus(int seed, string prefix, int maxExtras,
        Func<CType, bool>? usable = null)
    {
        var (gen, layoutSpec, sigs) = usable is null ? RandomSignatures.Generate(seed, prefix) : RandomSignatures.Generate(seed, prefix, false, usable);
        var rng = new Random(seed);
        var variadic = new List<(Signature Sig, int Fixed)>();
        foreach (var sig in sigs)
        {
            var fixedParams = sig.Params.Take(Math.Clamp(sig.Params.Count, 1, 5)).ToList();
            if (fixedParams.Count == 0) fixedParams.Add((layoutSpec.Types["int"], "int"));
            var extras = Enumerable.Range(0, rng.Next(0, maxExtras + 1)).Select(_ => Extras[rng.Next(Extras.Length)])
                .Select(e => (layoutSpec.Types[e.Spec], e.C));
            variadic.Add((sig with { Params = [.. fixedParams, .. extras] }, fixedParams.Count));
        }

        var lib = Gcc.Compile(CSource(gen, variadic), "variadic_calls", "-shared -fPIC");
        var specJson = GccLayoutOracle.SpecJson(gen.Cases, gen.ExtraSpecTypes)
            .Replace("\"lib\": \"libc.so.6\"", $"\"lib\": \"{lib}\"", StringComparison.Ordinal);
        var functions = string.Join(",\n", variadic.Select(v =>
            $$"""{ "name": "{{v.Sig.Name}}", "ret": "{{SpecName(v.Sig.Ret)}}", "params": [{{string.Join(", ", v.Sig.Params.Take(v.Fixed).Select(p => $"\"{SpecName(p.Type)}\""))}}], "variadic": true }"""));
        specJson = specJson[..specJson.LastIndexOf('}')].TrimEnd() + $", \"functions\": [\n{functions}\n] }}";
        return (gen, variadic, specJson);
    }

    private static string SpecName(CType t) => t.Name ?? t.DisplayName;

    private static string CSource(RandomLayoutGenerator gen, List<(Signature Sig, int Fixed)> sigs)
    {
        var c = new StringBuilder("""
            #include <stdint.h>
            #include <stddef.h>
            #include <string.h>
            #include <stdarg.h>
            #include <stdbool.h>
            #include <sys/types.h>
            static uint64_t mix(uint64_t h, uint64_t v) { return (h ^ v) * 1099511628211ULL; }
            static uint64_t fbits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
            static uint64_t dbits(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }

            """);
        c.AppendLine(gen.Prelude);
        foreach (var k in gen.Cases) c.AppendLine(k.CDecl);
        foreach (var (sig, fixedCount) in sigs)
        {
            var ps = string.Join(", ", sig.Params.Take(fixedCount).Select((p, i) => $"{p.C} a{i}"));
            c.AppendLine(CultureInfo.InvariantCulture, $"{sig.RetC} {sig.Name}({ps}, ...) {{");
            c.AppendLine(CultureInfo.InvariantCulture, $"  uint64_t h = {RandomSignatures.Seed0}ULL ^ {sig.Name[1..]}ULL;");
            c.AppendLine(CultureInfo.InvariantCulture, $"  va_list ap; va_start(ap, a{fixedCount - 1});");
            for (int i = 0; i < sig.Params.Count; i++)
            {
                if (i >= fixedCount) c.AppendLine(CultureInfo.InvariantCulture, $"  {sig.Params[i].C} a{i} = va_arg(ap, {sig.Params[i].C});");
                foreach (var leaf in Leaves.Of(sig.Params[i].Type))
                    c.AppendLine(CultureInfo.InvariantCulture, $"  h = mix(h, {RandomSignatures.Bits(leaf, leaf.C($"a{i}"))});");
            }
            c.AppendLine("  va_end(ap);");
            RandomSignatures.AppendResult(c, sig);
        }
        return c.ToString();
    }
}
