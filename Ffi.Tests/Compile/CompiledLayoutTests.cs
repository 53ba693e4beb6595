using System.Globalization;
using Ffi.Spec;
using Ffi.Tests.Layout;
using Ffi.Tests.Oracle;
using Ffi.Types;

namespace Ffi.Tests.Compile;

/// <summary>
/// The compiled types against gcc: every named layout shape and hundreds of seeded random structs and unions are
/// compiled into an assembly in the test run and loaded; the size of each type (<c>Unsafe.SizeOf</c>), where each
/// member lands (measured through the runtime), what each bitfield property reads from a byte pattern and what its
/// setters leave in memory must all be gcc's.
/// </summary>
[TestFixture]
public sealed class CompiledLayoutTests
{
    // gcc's empty structs have 0 bytes, which no CLR value type can have: the compiler refuses them (tested on their own).
    private static readonly HashSet<string> Empty = ["empty_struct", "empty_union", "holds_empty"];

    [Test]
    public void NamedShapesMatchGcc()
    {
        var cases = NamedLayoutCases.All.Where(c => !Empty.Contains(c.Name)).Concat(CompileLayoutCases.All).ToList();
        var counts = Check(cases, NamedLayoutCases.ExtraTypes + ",\n" + CompileLayoutCases.ExtraTypes, CompileLayoutCases.Prelude, "Named");
        Assert.That(counts.Bitfields, Is.GreaterThan(40));
    }

    /// <summary>Batches of ten random types, each batch kept only if it has no empty struct, until 150 types per seed.</summary>
    [TestCase(1)]
    [TestCase(2)]
    [TestCase(20261202)]
    public void RandomLayoutsMatchGcc(int seed)
    {
        var cases = new List<LayoutCase>();
        var extra = new List<string>();
        var prelude = new System.Text.StringBuilder();
        for (int batch = 0; cases.Count < 150 && batch < 100; batch++)
        {
            var gen = new RandomLayoutGenerator(seed * 1000 + batch, $"C{seed}_{batch}_");
            gen.Generate(10);
            var spec = FfiSpec.Parse(GccLayoutOracle.SpecJson(gen.Cases, gen.ExtraSpecTypes));
            if (gen.Cases.Any(c => spec.Types[c.Name].Size == 0)) continue;
            cases.AddRange(gen.Cases);
            extra.Add(gen.ExtraSpecTypes);
            prelude.Append(gen.Prelude);
        }
        Assert.That(cases, Has.Count.GreaterThanOrEqualTo(150));
        var counts = Check(cases, string.Join(",\n", extra), prelude.ToString(), $"Random{seed}");
        Assert.That(counts.Members, Is.GreaterThan(300));
        Assert.That(counts.Bitfields, Is.GreaterThan(50));
    }

    private static (int Members, int Bitfields) Check(IReadOnlyList<LayoutCase> cases, string extraTypes, string prelude, string ns)
    {
        var spec = FfiSpec.Parse(GccLayoutOracle.SpecJson(cases, extraTypes));
        var gcc = GccLayoutOracle.AskGcc(cases, prelude);
        var sizes = cases.ToDictionary(k => k.Name, k => spec.Types[k.Name].Size);
        var bits = BitfieldOracle.AskGcc(cases, sizes, prelude);
        using var compiled = new CompiledAssembly(spec, ns);
        var diffs = new List<string>();
        int members = 0, bitfields = 0;
        foreach (var k in cases)
        {
            var c = spec.Types[k.Name];
            var t = compiled.Type(k.Name);
            var gccSize = gcc[$"S {k.Name}"].Split(' ')[0];
            var size = CompiledAssembly.SizeOf(t).ToString(CultureInfo.InvariantCulture);
            if (size != gccSize) diffs.Add($"{k.Name}: sizeof {size}, gcc {gccSize}");
            if (c is not AggregateType) continue;

            var bitPaths = new List<string>();
            foreach (var (path, isBitfield) in k.Members)
            {
                var (_, field) = GccLayoutOracle.Find(c, path);
                if (isBitfield)
                {
                    bitPaths.Add(path);
                    continue;
                }
                members++;
                if (field.Type.Size == 0)
                {
                    // A member of no bytes (a flexible or zero-length array) has no field.
                    if (HolderHasField(t, path)) diffs.Add($"{k.Name}.{path}: a member of 0 bytes has a field");
                    continue;
                }
                var (offset, length) = CompiledAssembly.Measure(t, path);
                long gccOffset = long.Parse(gcc[$"O {k.Name}.{path}"], CultureInfo.InvariantCulture) / 8;
                if (offset != gccOffset || length != field.Type.Size)
                    diffs.Add($"{k.Name}.{path}: at {offset} ({length} bytes), gcc at {gccOffset} ({field.Type.Size} bytes)");
            }
            if (bitPaths.Count == 0) continue;
            var pattern = BitfieldOracle.Pattern(k.Name, c.Size);
            foreach (var path in bitPaths)
            {
                bitfields++;
                var read = CompiledAssembly.ReadBitfield(t, pattern, path).ToString(CultureInfo.InvariantCulture);
                if (read != bits[$"R {k.Name}.{path}"]) diffs.Add($"{k.Name}.{path}: reads {read}, gcc {bits[$"R {k.Name}.{path}"]}");
            }
            var box = CompiledAssembly.FromBytes(t, pattern);
            var values = BitfieldOracle.Values(k.Name, bitPaths.Count);
            for (int i = 0; i < bitPaths.Count; i++) CompiledAssembly.WriteBitfield(box, t, bitPaths[i], values[i]);
            var written = Convert.ToHexStringLower(CompiledAssembly.Bytes(t, box));
            if (written != bits[$"W {k.Name}"]) diffs.Add($"{k.Name}: after the writes {written}, gcc {bits[$"W {k.Name}"]}");
        }
        Assert.That(diffs, Is.Empty, () => string.Join("\n", diffs.Take(40)));
        return (members, bitfields);
    }

    private static bool HolderHasField(Type t, string path)
    {
        var parts = path.Split('.');
        foreach (var p in parts)
        {
            // A member inside a member of no bytes has no field either.
            if (CompiledAssembly.TryField(t, p) is not { } f) return false;
            t = f.FieldType;
        }
        return true;
    }
}
