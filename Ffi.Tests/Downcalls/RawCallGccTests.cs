using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Ffi.Abi;
using Ffi.Downcalls;
using Ffi.Memory;
using Ffi.Spec;
using Ffi.Tests.Layout;
using Ffi.Tests.Native;
using Ffi.Types;

namespace Ffi.Tests.Downcalls;

/// <summary>
/// Seeded random signatures against gcc: 0–14 parameters of random scalars and random structs/unions by value
/// (every class mix, packed, bitfields, nested, arrays, memory class), scalar, aggregate or void returns.
/// Each C function hashes every leaf of every argument it received and builds its result from the hash;
/// the engine computes the same hash from what it sent and must read back the same result, bit for bit.
/// </summary>
[TestFixture]
public sealed unsafe class RawCallGccTests
{
    private const ulong Seed0 = 1469598103934665603UL;
    private const ulong Prime = 1099511628211UL;

    private sealed record Signature(string Name, CType Ret, string RetC, IReadOnlyList<(CType Type, string C)> Params);

    /// <summary>Three fixed seeds (300 signatures) on every run; <c>FFI_CALL_SEEDS=N</c> sweeps N more (seeds 2000..).</summary>
    private static IEnumerable<int> Seeds()
    {
        int[] fixedSeeds = [21, 22, 23];
        var extra = int.TryParse(Environment.GetEnvironmentVariable("FFI_CALL_SEEDS"), out int n) ? Enumerable.Range(2000, n) : [];
        return fixedSeeds.Concat(extra);
    }

    [TestCaseSource(nameof(Seeds))]
    public void RandomSignaturesAgreeWithGcc(int seed)
    {
        var gen = new RandomLayoutGenerator(seed, $"D{seed}_");
        gen.Generate(60);
        var spec = FfiSpec.Parse(GccLayoutOracle.SpecJson(gen.Cases, gen.ExtraSpecTypes));
        var aggregates = gen.Cases.Select(c => (spec.Types[c.Name], c.Name)).Where(t => t.Item1 is not StructType { HasFlexibleArray: true }).ToList();
        var scalars = new (string Spec, string C)[]
        {
            ("char", "char"), ("uchar", "unsigned char"), ("short", "short"), ("ushort", "unsigned short"), ("int", "int"),
            ("uint", "unsigned int"), ("long", "long"), ("ulong", "unsigned long"), ("float", "float"), ("double", "double"),
            ("pointer", "void *"), ("bool", "_Bool"),
        }.Select(s => (spec.Types[s.Spec], s.C)).ToList();

        var rng = new Random(seed);
        (CType, string) Pick(bool allowVoid)
        {
            int r = rng.Next(10);
            if (allowVoid && r == 0) return (spec.Types["void"], "void");
            return r < 5 ? aggregates[rng.Next(aggregates.Count)] : scalars[rng.Next(scalars.Count)];
        }
        var sigs = Enumerable.Range(0, 100).Select(i =>
        {
            var (rt, rc) = Pick(allowVoid: true);
            var ps = Enumerable.Range(0, rng.Next(0, 15)).Select(_ => Pick(allowVoid: false)).ToList();
            return new Signature($"f{i}", rt, rc, ps);
        }).ToList();

        var lib = Gcc.Compile(CSource(gen, sigs), "calls", "-shared -fPIC");
        var handle = NativeLibrary.Load(lib);
        try
        {
            using var mem = new FfiMemory(spec.Types);
            var failures = new List<string>();
            foreach (var sig in sigs)
            {
                var plan = SysVCallPlanner.Plan(sig.Ret, sig.Params.Select(p => p.Type).ToList());
                var frame = ArgumentFrame.For(plan);
                var stub = RawCallStub.Emit(plan, sig.Name);
                var args = mem.Calloc(frame.ArgumentBytes, 1);
                var ret = mem.Calloc(frame.ReturnBytes, 1);
                var argRng = new Random(sig.Name.GetHashCode(StringComparison.Ordinal));
                ulong h = Seed0 ^ ulong.Parse(sig.Name[1..], CultureInfo.InvariantCulture);
                var trace = new ulong[sig.Params.Count];
                for (int i = 0; i < sig.Params.Count; i++)
                {
                    var at = args.Offset(frame.Offsets[i], sig.Params[i].Type);
                    foreach (var leaf in Leaves.Of(sig.Params[i].Type))
                    {
                        var (value, bits) = RandomValue(leaf, argRng);
                        mem.Set(sig.Params[i].Type, at, leaf.Path, value);
                        h = (h ^ bits) * Prime;
                    }
                    trace[i] = h;
                }
                stub(NativeLibrary.GetExport(handle, sig.Name), (byte*)args.Address, (byte*)ret.Address);

                int j = 0;
                foreach (var leaf in Leaves.Of(sig.Ret))
                {
                    var got = Normalize(mem.Get(sig.Ret, ret.As(sig.Ret), leaf.Path));
                    var want = Expected(leaf, h, j++);
                    if (!got.Equals(want))
                    {
                        var decls = sig.Params.Select(p => p.Type).Append(sig.Ret).Where(t => t.IsAggregate).Distinct()
                            .Select(t => gen.Cases.First(c => c.Name == t.Name).CDecl);
                        var cTrace = (ulong*)NativeLibrary.GetExport(handle, "ffi_trace");
                        int firstBad = Enumerable.Range(0, trace.Length).FirstOrDefault(i => cTrace[i] != trace[i], -1);
                        failures.Add($"{sig.Name}: first differing parameter: {firstBad}; return{(leaf.Path.Length > 0 ? "." + leaf.Path : "")}: C made {want}, engine read {got}\n  plan:\n{plan}\n  types:\n{string.Join("\n", decls)}");
                        break;
                    }
                }
                mem.Free(args);
                mem.Free(ret);
            }
            Assert.That(failures, Is.Empty);
        }
        finally
        {
            NativeLibrary.Free(handle);
        }
    }

    // A random value for a leaf, and the 64 bits C hashes for it.
    private static (object Value, ulong Bits) RandomValue(LeafPath leaf, Random rng)
    {
        switch (leaf.Type)
        {
            case FloatType { Bits: 32 }:
            {
                float f = rng.Next(-100000, 100000) / 8f;
                return (f, BitConverter.SingleToUInt32Bits(f));
            }
            case FloatType:
            {
                double d = rng.NextDouble() * 1e6 - 5e5;
                return (d, BitConverter.DoubleToUInt64Bits(d));
            }
            case PointerType:
            {
                ulong p = (ulong)rng.NextInt64(1, long.MaxValue) & ~7UL;
                return (NativePointer.FromAddress((nint)p), p);
            }
            default:
            {
                var storage = leaf.Type as IntType ?? ((EnumType)leaf.Type).Base;
                int width = leaf.BitWidth ?? storage.Bits;
                if (storage.IsBool) return (true, 1);
                ulong raw = (ulong)rng.NextInt64() ^ ((ulong)rng.NextInt64() << 1);
                if (width < 64) raw &= (1UL << width) - 1;
                if (storage.IsSigned)
                {
                    long v = Values.ScalarMemory.SignExtend(raw, width);
                    return (v, (ulong)v);
                }
                return (raw, raw);
            }
        }
    }

    // What C stores in leaf j of the result, given the hash h (see CSource's `make`).
    private static object Expected(LeafPath leaf, ulong h, int j)
    {
        ulong v = h * (ulong)(j + 1) + (ulong)j;
        switch (leaf.Type)
        {
            case FloatType: return (double)((h >> 11) % 1000) + 0.25;
            case PointerType: return (Int128)v;
            default:
            {
                var storage = leaf.Type as IntType ?? ((EnumType)leaf.Type).Base;
                if (storage.IsBool) return (Int128)((h >> j) & 1);
                int width = leaf.BitWidth ?? storage.Bits;
                ulong bits = width == 64 ? v : v & ((1UL << width) - 1);
                return storage.IsSigned ? (Int128)Values.ScalarMemory.SignExtend(bits, width) : (Int128)bits;
            }
        }
    }

    private static object Normalize(object? v) => v switch
    {
        bool b => (Int128)(b ? 1 : 0),
        float f => (double)f,
        double d => d,
        NativePointer p => (Int128)(ulong)p.Address,
        ulong u => (Int128)u,
        IConvertible i => (Int128)i.ToInt64(CultureInfo.InvariantCulture),
        _ => v ?? "null",
    };

    private static string CSource(RandomLayoutGenerator gen, List<Signature> sigs)
    {
        var c = new StringBuilder("""
            #include <stdint.h>
            #include <stddef.h>
            #include <string.h>
            #include <stdbool.h>
            #include <sys/types.h>
            static uint64_t mix(uint64_t h, uint64_t v) { return (h ^ v) * 1099511628211ULL; }
            static uint64_t fbits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
            static uint64_t dbits(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
            uint64_t ffi_trace[16]; /* the hash after each parameter, to name the first one that differs */

            """);
        c.AppendLine(gen.Prelude);
        foreach (var k in gen.Cases) c.AppendLine(k.CDecl);
        foreach (var sig in sigs)
        {
            var ps = string.Join(", ", sig.Params.Select((p, i) => $"{p.C} a{i}"));
            c.AppendLine(CultureInfo.InvariantCulture, $"{sig.RetC} {sig.Name}({(ps.Length == 0 ? "void" : ps)}) {{");
            c.AppendLine(CultureInfo.InvariantCulture, $"  uint64_t h = {Seed0}ULL ^ {sig.Name[1..]}ULL;");
            for (int i = 0; i < sig.Params.Count; i++)
            {
                foreach (var leaf in Leaves.Of(sig.Params[i].Type))
                    c.AppendLine(CultureInfo.InvariantCulture, $"  h = mix(h, {Bits(leaf, leaf.C($"a{i}"))});");
                c.AppendLine(CultureInfo.InvariantCulture, $"  ffi_trace[{i}] = h;");
            }
            if (sig.Ret is not VoidType)
            {
                c.AppendLine(CultureInfo.InvariantCulture, $"  {sig.RetC} r; memset(&r, 0, sizeof r);");
                int j = 0;
                foreach (var leaf in Leaves.Of(sig.Ret))
                {
                    var lhs = leaf.C("r");
                    var rhs = leaf.Type switch
                    {
                        FloatType => "(double)((h >> 11) % 1000) + 0.25",
                        PointerType => $"(void *)(uintptr_t)(h * {j + 1}ULL + {j}ULL)",
                        IntType { IsBool: true } => $"(h >> {j}) & 1",
                        _ => $"h * {j + 1}ULL + {j}ULL",
                    };
                    c.AppendLine(CultureInfo.InvariantCulture, $"  {lhs} = {rhs};");
                    j++;
                }
                c.AppendLine("  return r;");
            }
            else
            {
                c.AppendLine("  (void)h;");
            }
            c.AppendLine("}");
        }
        return c.ToString();
    }

    private static string Bits(LeafPath leaf, string expr) => leaf.Type switch
    {
        FloatType { Bits: 32 } => $"fbits({expr})",
        FloatType => $"dbits({expr})",
        PointerType => $"(uint64_t)(uintptr_t){expr}",
        IntType { IsSigned: true } or EnumType { Base.IsSigned: true } => $"(uint64_t)(int64_t){expr}",
        _ => $"(uint64_t){expr}",
    };
}
