using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Ffi.Compile;
using Ffi.Spec;
using Ffi.Tests.Downcalls;
using Ffi.Tests.Layout;
using Ffi.Tests.Native;
using Ffi.Tests.Oracle;
using Ffi.Types;

namespace Ffi.Tests.Compile;

/// <summary>
/// Seeded random signatures of the typed tier's generator (<see cref="RandomSignatures"/>: by-value aggregates of
/// every eightbyte class and of the MEMORY class, as arguments and results, register pressure, more than 16
/// parameters) compiled into an assembly, loaded and called through its static methods. Each C function hashes every
/// leaf it received and builds its result from the hash (<see cref="RandomSignatures"/>): the compiled call must
/// give what gcc's code made, leaf for leaf, and the same result as the run-time path called with the same values.
/// </summary>
[TestFixture]
public sealed class CompiledRandomCallTests
{
    /// <summary>
    /// Two seeds of each profile (378 signatures). The default profile's seeds are ones whose types the compiler
    /// mostly takes (gcc's empty structs, which it refuses, are removed with every type and function that uses them).
    /// </summary>
    internal static readonly (int Seed, bool Small)[] Seeds = [(72, false), (74, false), (75, true), (88, true)];

    private static IEnumerable<TestCaseData> CompiledSeeds() => RandomTypedCallTests.WithSweep(Seeds, 5000);

    [TestCaseSource(nameof(CompiledSeeds))]
    public void RandomSignaturesThroughCompiledBindingsAgreeWithGccAndTheRuntimePath(int seed, bool smallAggregates)
    {
        var (gen, _, sigs) = RandomSignatures.Generate(seed, $"C{seed}_", smallAggregates, TypedSignature.Usable);
        var lib = Gcc.Compile(RandomSignatures.CSource(gen, sigs), "compiled_calls", "-shared -fPIC");
        var json = RandomSpec.Json(gen, lib, sigs.Select(s => SpecSignature.Of(s)), []);
        using var m = NativeModule.Open(FfiSpec.Parse(json));
        var compilable = Compilable(json);
        sigs = sigs.Where(s => compilable.Functions.Any(f => f.Name == s.Name)).ToList();
        using var compiled = new CompiledAssembly(compilable, $"Random{seed}");
        var native = compiled.Type("Native");
        var cTrace = NativeLibrary.GetExport(m.Handle, "ffi_trace");

        var failures = new List<string>();
        foreach (var sig in sigs)
        {
            // The natural form (a void * parameter also gets a span form: CompiledSpanFormRandomTests calls that).
            var method = native.GetMethods(BindingFlags.Public | BindingFlags.Static)
                .Single(x => x.Name == sig.Name && !x.GetParameters().Any(p => p.ParameterType.IsByRef || p.ParameterType.IsByRefLike));
            var clrParams = method.GetParameters().Select(p => p.ParameterType).ToArray();
            var argRng = new Random(RandomSignatures.ArgumentSeed(seed, sig));
            ulong h = RandomSignatures.Seed0 ^ ulong.Parse(sig.Name[1..], CultureInfo.InvariantCulture);
            var values = new object[sig.Params.Count];
            var args = new object?[sig.Params.Count];
            var trace = new ulong[sig.Params.Count];
            for (int i = 0; i < args.Length; i++)
            {
                values[i] = RandomSignatures.RandomArgument(m, sig.Params[i].Type, argRng, ref h);
                args[i] = ToClr(sig.Params[i].Type, clrParams[i], values[i]);
                trace[i] = h;
            }
            object? result;
            try
            {
                result = FromClr(TypedSignature.Call(method, null, args));
            }
            catch (FfiException e)
            {
                failures.Add($"{sig.Name}: {e.GetType().Name}: {e.Message}\n  {RandomSignatures.Describe(gen, sig)}");
                continue;
            }
            var compiledLeaves = TypedSignature.LeafReader(m, sig.Ret, result);
            if (RandomSignatures.ResultMismatch(sig, h, compiledLeaves) is { } mismatch)
            {
                failures.Add($"{sig.Name}: first differing parameter: {RandomSignatures.FirstDifferingParameter(cTrace, trace)}; {mismatch}\n  {RandomSignatures.Describe(gen, sig)}");
                continue;
            }
            var runtime = m.Function(sig.Name).Invoke(values);
            var runtimeLeaves = RandomSignatures.LeafReaderOf(m, runtime);
            foreach (var leaf in Leaves.Of(sig.Ret))
                if (!LeafValues.Normalize(compiledLeaves(leaf)).Equals(LeafValues.Normalize(runtimeLeaves(leaf))))
                    failures.Add($"{sig.Name}: return.{leaf.Path}: compiled {compiledLeaves(leaf)}, run time {runtimeLeaves(leaf)}");
        }
        Assert.That(failures, Is.Empty, string.Join("\n\n", failures));
        Assert.That(sigs, Has.Count.GreaterThanOrEqualTo(70), "signatures left once the types the compiler refuses are removed");
    }

    /// <summary>
    /// The spec without the types the compiler refuses (gcc's empty structs, which no CLR value type can stand for,
    /// and every type or function that uses one), found by compiling it; each refusal names its type.
    /// </summary>
    internal static FfiSpec Compilable(string json) => FfiSpec.Parse(CompilableJson(json));

    /// <summary>The JSON of <see cref="Compilable"/>.</summary>
    internal static string CompilableJson(string json)
    {
        var doc = JsonNode.Parse(json)!.AsObject();
        while (true)
        {
            var text = doc.ToJsonString();
            try
            {
                BindingCompiler.Compile(FfiSpec.Parse(text), new BindingOptions("Probe"));
                return text;
            }
            catch (FfiCompileException e) when (e.Subject.StartsWith("types.", StringComparison.Ordinal))
            {
                // The refused type, and whatever names it, transitively.
                var types = doc["types"]!.AsObject();
                var functions = doc["functions"]!.AsArray();
                var pending = new Stack<string>([e.Subject["types.".Length..].Split('.', '[')[0]]);
                while (pending.TryPop(out var refused))
                {
                    types.Remove(refused);
                    foreach (var user in types.Where(t => t.Value!.ToJsonString().Contains($"\"{refused}\"", StringComparison.Ordinal)).Select(t => t.Key).ToList())
                        pending.Push(user);
                    foreach (var f in functions.Where(f => f!.ToJsonString().Contains($"\"{refused}\"", StringComparison.Ordinal)).ToList()) functions.Remove(f);
                }
            }
        }
    }

    // A value of the dynamic tier as the compiled method's parameter type: aggregates copied into the generated struct,
    // pointers boxed as CLR pointers (reflection passes a void* as a Pointer box), scalars converted.
    private static unsafe object ToClr(CType c, Type clr, object value) =>
        clr.IsPointer ? Pointer.Box((void*)((Ffi.Memory.NativePointer)value).Address, clr) : TypedSignature.ToClr(c, clr, value);

    private static unsafe object? FromClr(object? result) => result is Pointer p ? (nint)Pointer.Unbox(p) : result;
}
