using System.Globalization;
using System.Text;
using Ffi.Memory;
using Ffi.Spec;
using Ffi.Tests.Downcalls;
using Ffi.Tests.Layout;
using Ffi.Tests.Native;
using Ffi.Types;
using Ffi.Values;
using Ffi.Tests.Oracle;

namespace Ffi.Tests.Callbacks;

/// <summary>
/// Seeded random callback signatures against gcc: 0–14 parameters of random scalars and random structs/unions by
/// value (every class mix, packed, bitfields, nested, arrays, memory class), scalar, aggregate or void results.
/// For each signature gcc compiles <c>f</c> (which hashes every leaf it receives and builds its result from the hash)
/// and <c>call_f(cb, args…)</c>, which passes its arguments to the callback <c>cb</c> and returns what it returns.
/// The test calls <c>call_f</c> with random arguments and a managed callback that forwards what it received to
/// <c>f</c> through the engine and returns <c>f</c>'s result. Every argument thus crosses a trampoline into managed
/// code and every result crosses back into C; the final result must be what <c>f</c> makes of the original
/// arguments, bit for bit. Each signature is also called directly through <c>Invoke(object?[])</c> and
/// <c>Invoke(ReadOnlySpan&lt;FfiValue&gt;)</c>, which judges their emitted fast paths against gcc.
/// </summary>
[TestFixture]
public sealed class RandomCallbackTests
{
    /// <summary>
    /// Three seeds of the default aggregate profile, and one of the small profile (every eightbyte class mix, up to
    /// 20 parameters).
    /// </summary>
    [TestCase(61, false)]
    [TestCase(62, false)]
    [TestCase(63, false)]
    [TestCase(64, true)]
    public void RandomCallbackSignaturesAgreeWithGcc(int seed, bool smallAggregates)
    {
        var (gen, _, sigs) = RandomSignatures.Generate(seed, $"K{seed}_", smallAggregates);
        var lib = Gcc.Compile(CSource(gen, sigs), "callback_calls", "-shared -fPIC");
        var functions = sigs.Select(s => SpecSignature.Of(s))
            .Concat(sigs.Select(s => new SpecSignature($"call_{s.Name}", RandomSpec.Name(s.Ret), [$"cb_{s.Name}", .. SpecSignature.Of(s).Params])));
        using var m = NativeModule.Open(FfiSpec.Parse(RandomSpec.Json(gen, lib, functions, sigs.Select(s => SpecSignature.Of(s, $"cb_{s.Name}")))));

        var failures = new List<string>();
        foreach (var sig in sigs)
        {
            var argRng = new Random(RandomSignatures.ArgumentSeed(seed, sig));
            ulong h = RandomSignatures.Seed0 ^ ulong.Parse(sig.Name[1..], CultureInfo.InvariantCulture);
            var args = new object?[sig.Params.Count + 1];
            for (int i = 0; i < sig.Params.Count; i++) args[i + 1] = RandomSignatures.RandomArgument(m, sig.Params[i].Type, argRng, ref h);
            var f = m.Function(sig.Name);
            int calls = 0;
            args[0] = (FfiCallbackHandler)(received =>
            {
                calls++;
                return f.Invoke(received);
            });

            // The downcall alone, through both dynamic entry points (their emitted fast paths), then the round trip.
            var direct = args[1..];
            Check(m, sig, h, "object[] call", () => f.Invoke(direct), failures);
            Check(m, sig, h, "FfiValue call", () => f.Invoke(direct.Select(FfiValue.FromObject).ToArray().AsSpan()), failures);
            if (Check(m, sig, h, "callback round trip", () => m.Invoke("call_" + sig.Name, args), failures) && calls != 1)
                failures.Add($"{sig.Name}: the callback ran {calls} times");
        }
        Assert.That(failures, Is.Empty);
    }

    // Runs one way of calling and compares every leaf of the result with what f makes of the arguments (hash h).
    private static bool Check(NativeModule m, Signature sig, ulong h, string how, Func<object?> call, List<string> failures)
    {
        object? result;
        try
        {
            result = call();
        }
        catch (FfiException e)
        {
            failures.Add($"{sig.Name} via {how}: {e.GetType().Name}: {e.Message}");
            return false;
        }
        if (RandomSignatures.ResultMismatch(m, sig, h, result) is not { } mismatch) return true;
        failures.Add($"{sig.Name} via {how}: {mismatch}");
        return false;
    }

    // The hashing functions of RandomSignatures, and for each a caller that passes its arguments through a callback.
    private static string CSource(RandomLayoutGenerator gen, List<Signature> sigs)
    {
        var c = new StringBuilder(RandomSignatures.CSource(gen, sigs));
        foreach (var sig in sigs)
        {
            var types = string.Join(", ", sig.Params.Select(p => p.C));
            var ps = string.Join("", sig.Params.Select((p, i) => $", {p.C} a{i}"));
            var names = string.Join(", ", sig.Params.Select((_, i) => $"a{i}"));
            c.AppendLine(CultureInfo.InvariantCulture, $"typedef {sig.RetC} (*cb_{sig.Name}_t)({(types.Length == 0 ? "void" : types)});");
            c.AppendLine(CultureInfo.InvariantCulture, $"{sig.RetC} call_{sig.Name}(cb_{sig.Name}_t cb{ps}) {{ {(sig.Ret is VoidType ? "" : "return ")}cb({names}); }}");
        }
        return c.ToString();
    }
}
