using System.Globalization;
using System.Runtime.InteropServices;
using Ffi.Abi;
using Ffi.Spec;
using Ffi.Tests.Layout;
using Ffi.Tests.Native;
using Ffi.Tests.Oracle;

namespace Ffi.Tests.Downcalls;

/// <summary>
/// The random signatures of <see cref="RawCallGccTests"/> called through typed delegates
/// (<c>GetFunction&lt;T&gt;</c>), whose stubs convert each CLR argument in IL: every random aggregate becomes a CLR
/// value type of the same bytes (<see cref="ClrAggregateBuilder"/>), every signature a delegate type. As in the
/// dynamic tier, each C function hashes every leaf it received and builds its result from the hash; the test
/// predicts the result from what it sent, bit for bit, and names the first parameter whose hash C saw differently.
/// </summary>
[TestFixture]
public sealed class RandomTypedCallTests
{
    /// <summary>
    /// Two seeds of the default aggregate profile and two of the small one, which has every eightbyte class mix
    /// (<see cref="TheTypedSeedsReachEveryClassAndRegisterPressure"/> checks that they do).
    /// </summary>
    internal static readonly (int Seed, bool Small)[] Seeds = [(71, false), (72, false), (75, true), (88, true)];

    /// <summary>The fixed seeds, and with <c>FFI_CALL_SEEDS=N</c> N more from <paramref name="sweepFrom"/> (every other one small).</summary>
    internal static IEnumerable<TestCaseData> WithSweep((int Seed, bool Small)[] seeds, int sweepFrom)
    {
        int n = int.TryParse(Environment.GetEnvironmentVariable("FFI_CALL_SEEDS"), out int count) ? count : 0;
        return seeds.Concat(Enumerable.Range(sweepFrom, n).Select(s => (s, s % 2 == 1))).Select(s => new TestCaseData(s.Item1, s.Item2));
    }

    private static IEnumerable<TestCaseData> TypedSeeds() => WithSweep(Seeds, 3000);

    [TestCaseSource(nameof(TypedSeeds))]
    public void RandomSignaturesThroughTypedDelegatesAgreeWithGcc(int seed, bool smallAggregates)
    {
        var (gen, _, sigs) = RandomSignatures.Generate(seed, $"T{seed}_", smallAggregates, TypedSignature.Usable);
        var lib = Gcc.Compile(RandomSignatures.CSource(gen, sigs), "typed_calls", "-shared -fPIC");
        using var m = NativeModule.Open(FfiSpec.Parse(RandomSpec.Json(gen, lib, sigs.Select(s => SpecSignature.Of(s)), [])));
        var clr = new ClrAggregateBuilder($"TypedCalls{seed}_{Guid.NewGuid():N}");
        var cTrace = NativeLibrary.GetExport(m.Handle, "ffi_trace");

        var failures = new List<string>();
        foreach (var sig in sigs)
        {
            var typed = TypedSignature.Of(sig, clr, TypedSignature.OwnDelegate(sig));
            var argRng = new Random(RandomSignatures.ArgumentSeed(seed, sig));
            ulong h = RandomSignatures.Seed0 ^ ulong.Parse(sig.Name[1..], CultureInfo.InvariantCulture);
            var args = new object?[sig.Params.Count];
            var trace = new ulong[sig.Params.Count];
            for (int i = 0; i < args.Length; i++)
            {
                var value = RandomSignatures.RandomArgument(m, sig.Params[i].Type, argRng, ref h);
                args[i] = TypedSignature.ToClr(sig.Params[i].Type, typed.Parameters[i], value);
                trace[i] = h;
            }
            object? result;
            try
            {
                result = TypedSignature.Call(typed.Bind(m), args);
            }
            catch (FfiException e)
            {
                failures.Add($"{sig.Name} as {Name(typed.DelegateType)}: {e.GetType().Name}: {e.Message}\n  {RandomSignatures.Describe(gen, sig)}");
                continue;
            }
            if (RandomSignatures.ResultMismatch(sig, h, TypedSignature.LeafReader(m, sig.Ret, result)) is { } mismatch)
                failures.Add($"{sig.Name} as {Name(typed.DelegateType)}: first differing parameter: "
                    + $"{RandomSignatures.FirstDifferingParameter(cTrace, trace)}; {mismatch}\n  {RandomSignatures.Describe(gen, sig)}");
        }
        Assert.That(failures, Is.Empty, string.Join("\n\n", failures));
    }

    /// <summary>
    /// One seed of each profile while another thread forces collections: CLR structs cross every typed stub while
    /// the GC may stop the thread as it returns to managed code.
    /// </summary>
    [Test]
    public void RandomSignaturesThroughTypedDelegatesAgreeWithGccUnderGcPressure() => GcPressure.During(() =>
    {
        RandomSignaturesThroughTypedDelegatesAgreeWithGcc(71, false);
        RandomSignaturesThroughTypedDelegatesAgreeWithGcc(88, true);
    });

    /// <summary>
    /// The seeds of the typed downcalls and of the typed callbacks each reach every way a value travels: aggregates of
    /// each eightbyte class and of the MEMORY class as arguments and results, aggregates and scalars pushed to the
    /// stack when registers run out, floats mixed with integers, and more parameters than <c>Func</c> takes. (A
    /// generator change that lost one would leave that path unjudged.)
    /// </summary>
    [TestCase(false)]
    [TestCase(true)]
    public void TheTypedSeedsReachEveryClassAndRegisterPressure(bool callbackSeeds)
    {
        var seen = new Dictionary<string, int>();
        void See(string what) => seen[what] = seen.GetValueOrDefault(what) + 1;
        foreach (var (seed, small) in callbackSeeds ? Callbacks.RandomTypedCallbackTests.Seeds : Seeds)
        {
            foreach (var sig in RandomSignatures.Generate(seed, $"T{seed}_", small, TypedSignature.Usable).Signatures)
            {
                var plan = SysVCallPlanner.Plan(sig.Ret, sig.Params.Select(p => p.Type).ToList());
                foreach (var p in plan.Parameters) See("argument " + Kind(p));
                See("result " + Kind(plan.Return));
                if (plan.IntegerRegistersUsed == 6 && plan.SseRegistersUsed > 0) See("integer and vector registers in one call");
                if (sig.Params.Count > 16) See("more parameters than Func takes");
            }
        }
        string[] required =
        [
            "argument INTEGER", "argument SSE", "argument INTEGER+SSE", "argument SSE+INTEGER", "argument MEMORY",
            "argument aggregate on the stack", "argument scalar on the stack", "argument float", "argument integer",
            "result INTEGER", "result SSE", "result INTEGER+SSE", "result SSE+INTEGER", "result MEMORY",
            "result float", "result integer", "result void", "integer and vector registers in one call", "more parameters than Func takes",
        ];
        Assert.That(required.Where(r => seen.GetValueOrDefault(r) < 3), Is.Empty, string.Join(", ", seen.Select(kv => $"{kv.Key}: {kv.Value}")));
    }

    // How one value travels, in the words of the required list above.
    private static string Kind(ValuePass p) => p switch
    {
        EightbytesPass e when e.Where.Any(w => w.IsStack) => "aggregate on the stack",
        EightbytesPass e => string.Join("+", e.Classes.Where(c => c != EightbyteClass.NoClass).Distinct().Select(c => c.ToString().ToUpperInvariant())),
        MemoryPass => "MEMORY",
        ScalarPass s when s.Where.IsStack => "scalar on the stack",
        ScalarPass s => s.Type is Types.FloatType ? "float" : "integer",
        _ => "void",
    };

    private static string Name(Type t) =>
        t.IsGenericType ? $"{t.Name[..t.Name.IndexOf('`')]}<{string.Join(", ", t.GetGenericArguments().Select(Name))}>" : t.Name;
}
