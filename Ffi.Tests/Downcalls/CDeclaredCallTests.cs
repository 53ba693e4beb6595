using System.Globalization;
using Ffi.Spec;
using Ffi.Tests.Native;
using Ffi.Tests.Oracle;

namespace Ffi.Tests.Downcalls;

/// <summary>
/// The random call signatures declared in C (the generator's type declarations and one prototype per
/// function) and called through the spec the C reader makes, through the public API: every leaf of every
/// argument must reach the C function and every leaf of the result must come back, as gcc compiled them.
/// </summary>
[TestFixture]
public sealed class CDeclaredCallTests
{
    [TestCase(51)]
    [TestCase(52)]
    [TestCase(53)]
    public void CDeclaredRandomSignaturesAgreeWithGcc(int seed)
    {
        var (gen, _, sigs) = RandomSignatures.Generate(seed, $"CD{seed}_");
        var lib = Gcc.Compile(RandomSignatures.CSource(gen, sigs), "cdecl_calls", "-shared -fPIC");
        var header = gen.Prelude + string.Join("\n", gen.Cases.Select(k => k.CDecl)) + "\n"
            + string.Join("\n", sigs.Select(s => $"{s.RetC} {s.Name}({(s.Params.Count == 0 ? "void" : string.Join(", ", s.Params.Select(p => p.C)))});"));
        var spec = FfiSpec.ParseC(header, lib, "calls.h");
        using var m = NativeModule.Open(spec);

        var failures = new List<string>();
        foreach (var jsonSig in sigs)
        {
            Assert.That(spec.TryGetFunction(jsonSig.Name, out var fn), Is.True);
            var sig = new Signature(jsonSig.Name, fn!.ReturnType, jsonSig.RetC, fn.ParameterTypes.Zip(jsonSig.Params, (t, p) => (t, p.C)).ToList());
            var argRng = new Random(RandomSignatures.ArgumentSeed(seed, sig));
            ulong h = RandomSignatures.Seed0 ^ ulong.Parse(sig.Name[1..], CultureInfo.InvariantCulture);
            var args = sig.Params.Select(p => RandomSignatures.RandomArgument(m, p.Type, argRng, ref h)).ToArray();
            var result = m.Function(sig.Name).Invoke(args);
            if (RandomSignatures.ResultMismatch(m, sig, h, result) is { } mismatch) failures.Add($"{sig.Name}: {mismatch}");
        }
        Assert.That(failures, Is.Empty);
        Assert.That(sigs.Sum(s => s.Params.Count), Is.GreaterThan(300), "enough arguments were passed for the test to mean something");
    }
}
