using System.Globalization;
using System.Text;
using Ffi.Memory;
using Ffi.Spec;
using Ffi.Tests.Layout;
using Ffi.Tests.Native;
using Ffi.Types;
using Ffi.Values;

namespace Ffi.Tests.Oracle;

/// <summary>A random C function: its name, return type and parameters (C type and C spelling).</summary>
internal sealed record Signature(string Name, CType Ret, string RetC, IReadOnlyList<(CType Type, string C)> Params);

/// <summary>
/// Random signatures and their C implementations: each C function hashes every leaf of every argument
/// (FNV-1a style) and builds its result from the hash, so the caller can predict the result exactly.
/// </summary>
internal static class RandomSignatures
{
    public const ulong Seed0 = 1469598103934665603UL;
    public const ulong Prime = 1099511628211UL;

    /// <summary>The most parameters a signature has: 0–14 in the default profile, up to 20 in the small one (more than <c>Func</c> takes).</summary>
    public const int MaxParameters = 20;

    /// <summary>A stable seed for a signature's argument values (string.GetHashCode differs between processes).</summary>
    public static int ArgumentSeed(int seed, Signature sig) => seed * 1000 + int.Parse(sig.Name[1..], CultureInfo.InvariantCulture);

    /// <summary>
    /// 100 random signatures of 0–14 parameters over 60 random aggregate types and the common scalars; with
    /// <paramref name="smallAggregates"/>, aggregates of <see cref="RandomLayoutGenerator"/>'s small profile and up to
    /// <see cref="MaxParameters"/> parameters; with
    /// <paramref name="usable"/>, only the aggregates it accepts.
    /// </summary>
    public static (RandomLayoutGenerator Gen, FfiSpec Spec, List<Signature> Signatures) Generate(int seed, string prefix, bool smallAggregates = false,
        Func<CType, bool>? usable = null)
    {
        var gen = new RandomLayoutGenerator(seed, prefix, smallAggregates);
        gen.Generate(60);
        var spec = FfiSpec.Parse(GccLayoutOracle.SpecJson(gen.Cases, gen.ExtraSpecTypes));
        var aggregates = gen.Cases.Select(c => (spec.Types[c.Name], c.Name)).Where(t => t.Item1 is not StructType { HasFlexibleArray: true } && (usable is null || usable(t.Item1))).ToList();
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
            var ps = Enumerable.Range(0, rng.Next(0, smallAggregates ? MaxParameters + 1 : 15)).Select(_ => Pick(allowVoid: false)).ToList();
            return new Signature($"f{i}", rt, rc, ps);
        }).ToList();
        return (gen, spec, sigs);
    }

    // A random value for a leaf, and the 64 bits C hashes for it.
    public static (object Value, ulong Bits) RandomValue(LeafPath leaf, Random rng)
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
                    long v = Ffi.Memory.ScalarMemory.SignExtend(raw, width);
                    return (v, (ulong)v);
                }
                return (raw, raw);
            }
        }
    }

    // What C stores in leaf j of the result, given the hash h (see CSource's `make`).
    public static object Expected(LeafPath leaf, ulong h, int j)
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
                return storage.IsSigned ? (Int128)Ffi.Memory.ScalarMemory.SignExtend(bits, width) : (Int128)bits;
            }
        }
    }

    /// <summary>
    /// A random argument of <paramref name="type"/> for the public API: a scalar, or new storage of the aggregate with
    /// every leaf set. Folds the bits C will hash into <paramref name="h"/>.
    /// </summary>
    public static object RandomArgument(NativeModule m, CType type, Random rng, ref ulong h)
    {
        if (!type.IsAggregate)
        {
            var (value, bits) = RandomValue(Leaves.Of(type).Single(), rng);
            h = (h ^ bits) * Prime;
            return value;
        }
        var box = m.Memory.New(type);
        foreach (var leaf in Leaves.Of(type))
        {
            var (value, bits) = RandomValue(leaf, rng);
            m.Memory.Set(type, box, leaf.Path, value);
            h = (h ^ bits) * Prime;
        }
        return box;
    }

    /// <summary>
    /// Compares every leaf of a result read through the public API (a scalar, a <see cref="StructValue"/> read by its
    /// indexer, or an <see cref="FfiValue"/>, an inline aggregate read by <c>Memory.Get(value, path)</c>) with what C made
    /// of the hash <paramref name="h"/>; null when they agree, else the first difference.
    /// </summary>
    public static string? ResultMismatch(NativeModule m, Signature sig, ulong h, object? result) => ResultMismatch(sig, h, LeafReaderOf(m, result));

    /// <summary>A reader of the leaves of a result of the public API (a scalar, a <see cref="StructValue"/> or an <see cref="FfiValue"/>).</summary>
    public static Func<LeafPath, object?> LeafReaderOf(NativeModule m, object? result) => leaf => result switch
    {
        StructValue s => s[leaf.Path],
        FfiValue { Kind: FfiValueKind.Aggregate or FfiValueKind.Object } v => m.Memory.Get(v, leaf.Path),
        FfiValue v => v.ToObject(),
        _ => result,
    };

    /// <summary>
    /// Compares every leaf of a result, as <paramref name="read"/> gives it, with what C made of the hash
    /// <paramref name="h"/>; null when they agree, else the first difference.
    /// </summary>
    public static string? ResultMismatch(Signature sig, ulong h, Func<LeafPath, object?> read)
    {
        int j = 0;
        foreach (var leaf in Leaves.Of(sig.Ret))
        {
            var got = LeafValues.Normalize(read(leaf));
            var want = Expected(leaf, h, j++);
            if (!got.Equals(want)) return $"return{(leaf.Path.Length > 0 ? "." + leaf.Path : "")}: C made {want}, the engine gave {got}";
        }
        return null;
    }

    /// <summary>
    /// The first parameter whose running hash differs between C's <c>ffi_trace</c> (at <paramref name="cTrace"/>,
    /// written by the hashing function) and <paramref name="trace"/>; -1 when all agree.
    /// </summary>
    public static unsafe int FirstDifferingParameter(nint cTrace, IReadOnlyList<ulong> trace) =>
        Enumerable.Range(0, trace.Count).FirstOrDefault(i => ((ulong*)cTrace)[i] != trace[i], -1);

    /// <summary>The C declaration of the function, and of every aggregate it passes or returns, for a failure report.</summary>
    public static string Describe(RandomLayoutGenerator gen, Signature sig)
    {
        var ps = string.Join(", ", sig.Params.Select(p => p.C));
        var decls = sig.Params.Select(p => p.Type).Append(sig.Ret).Where(t => t.IsAggregate).Distinct()
            .Select(t => gen.Cases.First(c => c.Name == t.Name).CDecl);
        return $"{sig.RetC} {sig.Name}({(ps.Length == 0 ? "void" : ps)});\n  types:\n{string.Join("\n", decls)}";
    }

    /// <summary>The 64 bits C hashes for a leaf value read back through the public API (the inverse of <see cref="RandomValue"/>).</summary>
    public static ulong LeafBits(LeafPath leaf, object? value)
    {
        var v = LeafValues.Normalize(value);
        return leaf.Type switch
        {
            FloatType { Bits: 32 } => BitConverter.SingleToUInt32Bits((float)(double)v),
            FloatType => BitConverter.DoubleToUInt64Bits((double)v),
            _ => (ulong)(Int128)v,
        };
    }

    /// <summary>What C stores in leaf j of the result (<see cref="Expected"/>) as a value the public API writes.</summary>
    public static object ExpectedValue(LeafPath leaf, ulong h, int j)
    {
        var want = Expected(leaf, h, j);
        if (leaf.Type is FloatType f) return f.Bits == 32 ? (float)(double)want : (double)want;
        if (leaf.Type is PointerType) return NativePointer.FromAddress((nint)(ulong)(Int128)want);
        var storage = leaf.Type as IntType ?? ((EnumType)leaf.Type).Base;
        if (storage.IsBool) return (Int128)want != 0;
        return storage.IsSigned ? (long)(Int128)want : (ulong)(Int128)want;
    }

    public static string CSource(RandomLayoutGenerator gen, List<Signature> sigs)
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
            uint64_t ffi_trace[20]; /* the hash after each parameter, to name the first one that differs */

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
            AppendResult(c, sig);
        }
        return c.ToString();
    }

    /// <summary>Appends the end of a C function: the result built from the hash <c>h</c> (see <see cref="Expected"/>), and the closing brace.</summary>
    public static void AppendResult(StringBuilder c, Signature sig)
    {
        if (sig.Ret is VoidType)
        {
            c.AppendLine("  (void)h;\n}");
            return;
        }
        c.AppendLine(CultureInfo.InvariantCulture, $"  {sig.RetC} r; memset(&r, 0, sizeof r);");
        int j = 0;
        foreach (var leaf in Leaves.Of(sig.Ret))
        {
            var rhs = leaf.Type switch
            {
                FloatType => "(double)((h >> 11) % 1000) + 0.25",
                PointerType => $"(void *)(uintptr_t)(h * {j + 1}ULL + {j}ULL)",
                IntType { IsBool: true } => $"(h >> {j}) & 1",
                _ => $"h * {j + 1}ULL + {j}ULL",
            };
            c.AppendLine(CultureInfo.InvariantCulture, $"  {leaf.C("r")} = {rhs};");
            j++;
        }
        c.AppendLine("  return r;\n}");
    }

    public static string Bits(LeafPath leaf, string expr) => leaf.Type switch
    {
        FloatType { Bits: 32 } => $"fbits({expr})",
        FloatType => $"dbits({expr})",
        PointerType => $"(uint64_t)(uintptr_t){expr}",
        IntType { IsSigned: true } or EnumType { Base.IsSigned: true } => $"(uint64_t)(int64_t){expr}",
        _ => $"(uint64_t){expr}",
    };
}
