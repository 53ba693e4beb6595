using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Ffi.Spec;
using Ffi.Tests.Downcalls;
using Ffi.Tests.Layout;
using Ffi.Tests.Native;
using Ffi.Types;
using Ffi.Tests.Oracle;

namespace Ffi.Tests.Callbacks;

/// <summary>
/// The random signatures as typed callbacks: C calls a managed delegate whose parameters and result are CLR
/// primitives and the value types <see cref="ClrAggregateBuilder"/> makes, through a typed trampoline. For each
/// signature gcc compiles <c>f</c> (which hashes every leaf it receives, see <see cref="RandomSignatures"/>) and a
/// driver:
/// <code>
/// int drive_f7(cb_f7_t cb) {
///     T3 a0; memset(&amp;a0, 0, sizeof a0); a0.f1 = 0x2aULL; …     /* known arguments, written as C literals */
///     T5 r = cb(a0, a1);                                           /* the managed callback hashes what it got */
///     T5 w = f7(a0, a1);                                           /* gcc's own hash of the same arguments */
///     if ((uint64_t)r.f4 != (uint64_t)w.f4) return 1; …            /* the first result leaf that differs, or 0 */
///     return 0;
/// }
/// </code>
/// The callback hashes every leaf it received the same way and returns the result <c>f</c> would make of that hash,
/// so a corrupted argument or a corrupted result makes the driver report a leaf; the callback's running hash after
/// each parameter, against <c>f</c>'s <c>ffi_trace</c>, names the first argument that crossed wrongly. Each driver
/// runs twice: with a delegate registered through <c>module.Callbacks.Register</c> (its address passed as
/// <see cref="nint"/>), and with the delegate itself passed to a typed <c>GetFunction&lt;T&gt;</c> delegate.
/// </summary>
[TestFixture]
public sealed class RandomTypedCallbackTests
{
    /// <summary>One seed of the default aggregate profile and two of the small one (every eightbyte class mix).</summary>
    internal static readonly (int Seed, bool Small)[] Seeds = [(81, false), (80, true), (83, true)];

    private static IEnumerable<TestCaseData> TypedSeeds() => RandomTypedCallTests.WithSweep(Seeds, 4000);

    [TestCaseSource(nameof(TypedSeeds))]
    public void RandomSignaturesAsTypedCallbacksAgreeWithGcc(int seed, bool smallAggregates)
    {
        var (gen, _, sigs) = RandomSignatures.Generate(seed, $"Y{seed}_", smallAggregates, TypedSignature.Usable);
        var arguments = sigs.ToDictionary(s => s.Name, s => KnownArguments(seed, s));
        var lib = Gcc.Compile(CSource(gen, sigs, arguments), "typed_callbacks", "-shared -fPIC");
        var functions = sigs.Select(s => SpecSignature.Of(s)).Concat(sigs.Select(s => new SpecSignature($"drive_{s.Name}", "int", [$"cb_{s.Name}"])));
        using var m = NativeModule.Open(FfiSpec.Parse(RandomSpec.Json(gen, lib, functions, sigs.Select(s => SpecSignature.Of(s, $"cb_{s.Name}")))));
        var clr = new ClrAggregateBuilder($"TypedCallbacks{seed}_{Guid.NewGuid():N}");
        var cTrace = NativeLibrary.GetExport(m.Handle, "ffi_trace");

        var failures = new List<string>();
        foreach (var sig in sigs)
        {
            var typed = TypedSignature.Of(sig, clr, TypedSignature.OwnDelegate(sig));
            var received = new ulong[sig.Params.Count];
            int calls = 0;
            var callback = typed.Implement(args =>
            {
                calls++;
                ulong h = RandomSignatures.Seed0 ^ ulong.Parse(sig.Name[1..], CultureInfo.InvariantCulture);
                for (int i = 0; i < args.Length; i++)
                {
                    var read = TypedSignature.LeafReader(m, sig.Params[i].Type, args[i]);
                    foreach (var leaf in Leaves.Of(sig.Params[i].Type)) h = (h ^ RandomSignatures.LeafBits(leaf, read(leaf))) * RandomSignatures.Prime;
                    received[i] = h;
                }
                return sig.Ret is VoidType ? null : TypedSignature.FromLeaves(m, sig.Ret, typed.Return, (leaf, j) => RandomSignatures.ExpectedValue(leaf, h, j));
            });

            void Drive(string how, Func<int> drive)
            {
                calls = 0;
                int leaf;
                try
                {
                    leaf = drive();
                }
                catch (FfiException e)
                {
                    failures.Add($"{sig.Name} {how}: {e.GetType().Name}: {e.Message}\n  {RandomSignatures.Describe(gen, sig)}");
                    return;
                }
                int firstBad = RandomSignatures.FirstDifferingParameter(cTrace, received);
                if (leaf != 0 || firstBad >= 0 || calls != 1)
                    failures.Add($"{sig.Name} {how} as {typed.DelegateType.Name}: the callback ran {calls} time(s); first differing parameter: {firstBad}; "
                        + $"{(leaf == 0 ? "the result agrees" : $"result leaf {Leaves.Of(sig.Ret)[leaf - 1].Path} differs from gcc's")}\n  {RandomSignatures.Describe(gen, sig)}");
            }

            using (var handle = m.Callbacks.Register($"cb_{sig.Name}", callback))
            {
                var driver = m.GetFunction<Func<nint, int>>($"drive_{sig.Name}");
                Drive("registered", () => driver(handle.Address));
            }
            var typedDriver = m.GetType().GetMethod(nameof(NativeModule.GetFunction))!
                .MakeGenericMethod(typeof(Func<,>).MakeGenericType(typed.DelegateType, typeof(int)));
            var passing = (Delegate)TypedSignature.Call(typedDriver, m, [$"drive_{sig.Name}"])!;
            Drive("passed to a typed delegate", () => (int)TypedSignature.Call(passing, [callback])!);
        }
        Assert.That(failures, Is.Empty, string.Join("\n\n", failures));
    }

    // Each parameter's leaves and the 64 bits C hashes for each (RandomSignatures.RandomValue).
    internal static List<List<(LeafPath Leaf, ulong Bits)>> KnownArguments(int seed, Signature sig)
    {
        var rng = new Random(RandomSignatures.ArgumentSeed(seed, sig));
        return sig.Params.Select(p => Leaves.Of(p.Type).Select(leaf => (leaf, RandomSignatures.RandomValue(leaf, rng).Bits)).ToList()).ToList();
    }

    // The hashing functions, and for each its callback type and a driver (see the class comment).
    internal static string CSource(RandomLayoutGenerator gen, List<Signature> sigs, Dictionary<string, List<List<(LeafPath Leaf, ulong Bits)>>> arguments)
    {
        var c = new StringBuilder(RandomSignatures.CSource(gen, sigs));
        c.AppendLine("""
            static float ffi_f32(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
            static double ffi_f64(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }
            """);
        foreach (var sig in sigs)
        {
            var types = string.Join(", ", sig.Params.Select(p => p.C));
            var names = string.Join(", ", sig.Params.Select((_, i) => $"a{i}"));
            c.AppendLine(CultureInfo.InvariantCulture, $"typedef {sig.RetC} (*cb_{sig.Name}_t)({(types.Length == 0 ? "void" : types)});");
            c.AppendLine(CultureInfo.InvariantCulture, $"int drive_{sig.Name}(cb_{sig.Name}_t cb) {{");
            for (int i = 0; i < sig.Params.Count; i++)
            {
                c.AppendLine(CultureInfo.InvariantCulture, $"  {sig.Params[i].C} a{i}; memset(&a{i}, 0, sizeof a{i});");
                foreach (var (leaf, bits) in arguments[sig.Name][i])
                    c.AppendLine(CultureInfo.InvariantCulture, $"  {leaf.C($"a{i}")} = {Literal(leaf, bits)};");
            }
            if (sig.Ret is VoidType)
            {
                c.AppendLine(CultureInfo.InvariantCulture, $"  cb({names});\n  {sig.Name}({names});\n  return 0;\n}}");
                continue;
            }
            c.AppendLine(CultureInfo.InvariantCulture, $"  {sig.RetC} r = cb({names});\n  {sig.RetC} w = {sig.Name}({names});");
            var leaves = Leaves.Of(sig.Ret);
            for (int j = 0; j < leaves.Count; j++)
                c.AppendLine(CultureInfo.InvariantCulture, $"  if ({RandomSignatures.Bits(leaves[j], leaves[j].C("r"))} != {RandomSignatures.Bits(leaves[j], leaves[j].C("w"))}) return {j + 1};");
            c.AppendLine("  return 0;\n}");
        }
        return c.ToString();
    }

    // A C expression with the given bits for a leaf: floats through their bit pattern, integers modulo their width.
    private static string Literal(LeafPath leaf, ulong bits) => leaf.Type switch
    {
        FloatType { Bits: 32 } => $"ffi_f32(0x{bits:x}u)",
        FloatType => $"ffi_f64(0x{bits:x}ULL)",
        PointerType => $"(void *)(uintptr_t)0x{bits:x}ULL",
        _ => $"0x{bits:x}ULL",
    };
}
