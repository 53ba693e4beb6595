using Ffi.Memory;
using Ffi.Spec;
using Ffi.Tests.Adversarial;
using Ffi.Tests.Native;
using Ffi.Types;
using Ffi.Tests.Oracle;

namespace Ffi.Tests.Abi;

/// <summary>
/// Classification of structs with zero-size members, judged by gcc: for every shape, C returns one (read back through
/// a pointer), takes one by value between scalars (registers) and after five longs (registers running out), and checks
/// every scalar leaf. A wrong class moves a value to the wrong register, or a hidden pointer that is not there, so
/// the cases run in a child process (a wrong MEMORY guess writes through a garbage pointer).
/// </summary>
[TestFixture]
public sealed class ZeroSizeClassificationGccTests
{
    [Test]
    public void NamedZeroSizeShapesAgreeWithGcc() => Isolated.Run(() => AgreeWithGcc(ZeroSizeMemberShapes.Named(), "zero-named"));

    [Test]
    public void RandomZeroSizeShapesAgreeWithGcc() => Isolated.Run(() =>
    {
        for (int round = 0; round < Soak.Scale(1); round++)
            AgreeWithGcc(ZeroSizeMemberShapes.Random(0x2E50 + round, 150), $"zero-random-{round}");
    }, TimeSpan.FromSeconds(60 * Soak.Scale(1)));

    [Test]
    public void ArrayOf2Pow59EmptyStructsClassifiesWithoutLooping()
    {
        var spec = FfiSpec.Parse("""
            { "version": "1", "lib": "libc.so.6", "types": {
                "e": { "kind": "struct", "fields": [] },
                "s": { "kind": "struct", "fields": [ { "name": "x", "type": "int" },
                       { "name": "z", "type": { "kind": "array", "of": "e", "len": 576460752303423488 } } ] } } }
            """);
        Assert.That(Ffi.Abi.SysVClassifier.Classify(spec.Types["s"]), Is.EqualTo(new[] { Ffi.Abi.EightbyteClass.Integer }));
    }

    [Test]
    public void ZeroLengthArrayOfA2Pow40ByteElementAtAnOddOffsetIsMemory()
    {
        var spec = FfiSpec.Parse("""
            { "version": "1", "lib": "libc.so.6", "types": {
                "big": { "kind": "struct", "fields": [ { "name": "b", "type": { "kind": "array", "of": "char", "len": 1099511627776 } } ] },
                "s": { "kind": "struct", "fields": [ { "name": "c", "type": "char" },
                       { "name": "z", "type": { "kind": "array", "of": "big", "len": 0 } } ] } } }
            """);
        Assert.That(Ffi.Abi.SysVClassifier.Classify(spec.Types["s"]), Is.EqualTo(new[] { Ffi.Abi.EightbyteClass.Memory }));
    }

    private static void AgreeWithGcc(IReadOnlyList<ZeroSizeMemberShapes.Rec> cases, string name)
    {
        var (c, specJson) = ZeroSizeMemberShapes.Render(cases);
        var lib = Gcc.Compile(c, name, "-shared -fPIC");
        using var module = NativeModule.Open(FfiSpec.Parse(specJson.Replace("\"LIB\"", $"\"{lib}\"", StringComparison.Ordinal)));
        var wrong = new List<string>();
        for (int i = 0; i < cases.Count; i++)
        {
            var value = (StructValue)module.Invoke($"ret_c{i}")!;
            var results = new[]
            {
                ("return", module.Invoke($"ptr_c{i}", value.Pointer)),
                ("param", module.Invoke($"check_c{i}", 11L, value, 0.25, 22L)),
                ("late param", module.Invoke($"late_c{i}", 1L, 2L, 3L, 4L, 5L, value, 22L, 0.25)),
            };
            foreach (var (what, result) in results)
                if (!Equals(result, 1)) wrong.Add($"c{i} {what}: {Ffi.Abi.SysVCallPlanner.Plan(module.Spec.Types[$"c{i}"], [module.Spec.Types[$"c{i}"]])}");
        }
        Assert.That(wrong, Is.Empty, $"gcc disagrees; the C:\n{c}");
    }
}
