using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Ffi.Memory;
using Ffi.Spec;
using Ffi.Tests.Layout;
using Ffi.Tests.Native;
using Ffi.Types;
using Ffi.Tests.Oracle;

namespace Ffi.Tests.Memory;

/// <summary>
/// Field and bitfield access judged by gcc, both ways, on seeded random layouts (packed, aligned, bitfields
/// of every width and signedness, nested and inline aggregates, arrays, unions): a C library writes known
/// values into every reachable scalar and bitfield and the engine must read them back; the engine writes
/// them and C must read them back.
/// </summary>
[TestFixture]
public sealed unsafe class FieldAccessGccTests
{
    private sealed record Leaf(string Path, CType Type, int? BitWidth, object SetValue, string CValue, string CCompare);

    [TestCase(11)]
    [TestCase(12)]
    [TestCase(13)]
    public void FieldsWrittenByCAreReadByTheEngineAndTheOtherWayRound(int seed)
    {
        var gen = new RandomLayoutGenerator(seed, $"M{seed}_");
        gen.Generate(100);
        var spec = FfiSpec.Parse(GccLayoutOracle.SpecJson(gen.Cases, gen.ExtraSpecTypes));
        var rng = new Random(seed);
        var leaves = gen.Cases.ToDictionary(c => c.Name, c => Leaves(spec.Types[c.Name], rng));
        Assert.That(leaves.Values.Sum(l => l.Count), Is.GreaterThan(300), "too few leaves to mean anything");
        Assert.That(leaves.Values.Sum(l => l.Count(x => x.BitWidth is not null)), Is.GreaterThan(50), "too few bitfields");

        var lib = Gcc.Compile(CSource(gen, leaves), "fields", "-shared -fPIC");
        var handle = NativeLibrary.Load(lib);
        try
        {
            using var mem = new FfiMemory(spec.Types);
            var failures = new List<string>();
            foreach (var c in gen.Cases)
            {
                var type = spec.Types[c.Name];
                var fill = (delegate* unmanaged<nint, void>)NativeLibrary.GetExport(handle, $"fill_{c.Name}");
                var check = (delegate* unmanaged<nint, int>)NativeLibrary.GetExport(handle, $"check_{c.Name}");

                // C writes, the engine reads.
                var p = mem.New(type);
                fill(p.Address);
                foreach (var leaf in leaves[c.Name])
                {
                    var got = LeafValues.Normalize(mem.Get(p, leaf.Path));
                    var want = LeafValues.Normalize(leaf.SetValue);
                    if (!got.Equals(want)) failures.Add($"{c.Name}.{leaf.Path}: C wrote {want}, engine read {got}");
                }

                // The engine writes, C reads.
                var q = mem.New(type);
                foreach (var leaf in leaves[c.Name]) mem.Set(q, leaf.Path, leaf.SetValue);
                int bad = check(q.Address);
                if (bad != 0) failures.Add($"{c.Name}.{leaves[c.Name][bad - 1].Path}: engine wrote {leaves[c.Name][bad - 1].SetValue}, C read something else");

                // And the bytes agree exactly: both sides started from zeroed storage.
                var cBytes = new ReadOnlySpan<byte>((void*)p.Address, (int)type.Size).ToArray();
                var eBytes = new ReadOnlySpan<byte>((void*)q.Address, (int)type.Size).ToArray();
                if (!cBytes.AsSpan().SequenceEqual(eBytes)) failures.Add($"{c.Name}: bytes differ\n  C:      {Convert.ToHexString(cBytes)}\n  engine: {Convert.ToHexString(eBytes)}");
                mem.Free(p);
                mem.Free(q);
            }
            Assert.That(failures, Is.Empty);
        }
        finally
        {
            NativeLibrary.Free(handle);
        }
    }

    private static List<Leaf> Leaves(CType type, Random rng) =>
        Oracle.Leaves.Of(type).Select(l => MakeLeaf(l.Path, l.Type, l.BitWidth, rng)).ToList();

    private static Leaf MakeLeaf(string path, CType type, int? bitWidth, Random rng)
    {
        string cPath = "x->" + path;
        switch (type)
        {
            case FloatType:
            {
                double v = rng.Next(-1000, 1000) + 0.5;
                var lit = v.ToString("R", CultureInfo.InvariantCulture);
                return new Leaf(path, type, null, v, $"{cPath} = {lit};", $"{cPath} != {lit}");
            }
            case PointerType:
            {
                ulong v = 0x1000UL + (ulong)rng.Next(1, 1 << 20) * 16;
                return new Leaf(path, type, null, NativePointer.FromAddress((nint)v), $"{cPath} = (void*)(uintptr_t){v}ULL;", $"(uintptr_t){cPath} != {v}ULL");
            }
            default:
            {
                var storage = type as IntType ?? ((EnumType)type).Base;
                int width = bitWidth ?? storage.Bits;
                if (storage.IsBool) return new Leaf(path, type, bitWidth, true, $"{cPath} = 1;", $"{cPath} != 1");
                if (storage.IsSigned)
                {
                    long min = width == 64 ? long.MinValue : -(1L << (width - 1));
                    long max = width == 64 ? long.MaxValue : (1L << (width - 1)) - 1;
                    long v = rng.Next(4) == 0 ? (rng.Next(2) == 0 ? min : max) : rng.NextInt64(min, max);
                    if (v == 0) v = min;
                    var lit = v == long.MinValue ? "(-9223372036854775807LL - 1)" : $"{v.ToString(CultureInfo.InvariantCulture)}LL";
                    return new Leaf(path, type, bitWidth, v, $"{cPath} = {lit};", $"{cPath} != {lit}");
                }
                else
                {
                    ulong max = width == 64 ? ulong.MaxValue : (1UL << width) - 1;
                    ulong v = rng.Next(4) == 0 ? max : (ulong)rng.NextInt64() % max + 1;
                    var lit = $"{v.ToString(CultureInfo.InvariantCulture)}ULL";
                    return new Leaf(path, type, bitWidth, v, $"{cPath} = {lit};", $"{cPath} != {lit}");
                }
            }
        }
    }

    private static string CSource(RandomLayoutGenerator gen, Dictionary<string, List<Leaf>> leaves)
    {
        var c = new StringBuilder("#include <stdint.h>\n#include <stddef.h>\n#include <stdbool.h>\n#include <sys/types.h>\n");
        c.AppendLine(gen.Prelude);
        foreach (var k in gen.Cases) c.AppendLine(k.CDecl);
        foreach (var k in gen.Cases)
        {
            c.AppendLine(CultureInfo.InvariantCulture, $"void fill_{k.Name}(void *vp) {{ {k.Name} *x = vp; (void)x;");
            foreach (var leaf in leaves[k.Name]) c.AppendLine("  " + leaf.CValue);
            c.AppendLine("}");
            c.AppendLine(CultureInfo.InvariantCulture, $"int check_{k.Name}(const void *vp) {{ const {k.Name} *x = vp; (void)x;");
            int i = 1;
            foreach (var leaf in leaves[k.Name]) c.AppendLine(CultureInfo.InvariantCulture, $"  if ({leaf.CCompare}) return {i++};");
            c.AppendLine("  return 0;\n}");
        }
        return c.ToString();
    }
}
