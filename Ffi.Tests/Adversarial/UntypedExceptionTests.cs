using Ffi.Memory;
using Ffi.Spec;
using Ffi.Values;

namespace Ffi.Tests.Adversarial;

/// <summary>
/// Exceptions that escaped untyped from the engine's core: nint and nuint are integers (IntPtr is not IConvertible,
/// so the converter threw InvalidCastException), and must be converted with range checks like any integer.
/// </summary>
[TestFixture]
public sealed class UntypedExceptionTests
{
    private const string Libm = """
        { "version": "1", "lib": "libm.so.6", "types": { "pair": { "kind": "struct", "fields": [ { "name": "i", "type": "int" }, { "name": "u", "type": "ulong" }, { "name": "d", "type": "double" } ] } },
          "functions": [ { "name": "ldexp", "ret": "double", "params": ["double", "int"] }, { "name": "llabs", "ret": "longlong", "params": ["longlong"], "lib": "libc.so.6" } ] }
        """;

    private static readonly nint Big = unchecked((nint)(1L << 40));

    [Test]
    public void NintAndNuintConvertToDoubleParameters() => Isolated.Run(() =>
    {
        using var m = NativeModule.Open(FfiSpec.Parse(Libm));
        Assert.That(m.Invoke("ldexp", (nint)4, 1), Is.EqualTo(8.0));
        Assert.That(m.Invoke("ldexp", (nuint)4, (nint)2), Is.EqualTo(16.0));
        Assert.That(m.Function("ldexp").Invoke([(nint)4, (nint)3]).ToDouble(), Is.EqualTo(32.0));
        Assert.That(m.Function("ldexp").Invoke([FfiValue.FromObject((nuint)4), FfiValue.FromObject((nuint)1)]).ToDouble(), Is.EqualTo(8.0));
    });

    [Test]
    public void NintAndNuintAreRangeCheckedForIntegerParameters() => Isolated.Run(() =>
    {
        using var m = NativeModule.Open(FfiSpec.Parse(Libm));
        Assert.That(m.Invoke("llabs", (nint)(-5)), Is.EqualTo(5L));
        var e = Assert.Throws<FfiArgumentException>(() => m.Invoke("ldexp", 1.0, Big))!;
        Assert.That(e.Message, Is.EqualTo("ldexp: param[1] (int): integer out of range: 1099511627776 for int (-2147483648..2147483647)"));
        Assert.Throws<FfiArgumentException>(() => m.Invoke("llabs", nuint.MaxValue));
        Assert.Throws<FfiArgumentException>(() => m.Function("ldexp").Invoke([1.0, Big]));
    });

    [Test]
    public void MemorySetTakesNintForAnIntField() => Isolated.Run(() =>
    {
        using var m = NativeModule.Open(FfiSpec.Parse(Libm));
        var p = m.Memory.Box("pair");
        m.Memory.Set(p, "i", (nint)5);
        m.Memory.Set(p, "u", nuint.MaxValue);
        m.Memory.Set(p, "d", (nint)(-3));
        Assert.That((m.Memory.Get(p, "i"), m.Memory.Get(p, "u"), m.Memory.Get(p, "d")), Is.EqualTo(((object)5, (object)ulong.MaxValue, (object)(-3.0))));
        Assert.That(Assert.Throws<FfiArgumentException>(() => m.Memory.Set(p, "i", Big))!.Reason, Does.StartWith("integer out of range"));
        Assert.That(Assert.Throws<FfiArgumentException>(() => m.Memory.Set(p, "u", (nint)(-1)))!.Reason, Is.EqualTo("negative to unsigned: -1 for ulong"));
    });

    [Test]
    public void NullAndPointersAreNotIntegersForTheConverter()
    {
        var intType = (Ffi.Types.IntType)Ffi.Types.BuiltinTypes.All["int"];
        Assert.Throws<FfiArgumentException>(() => ValueConverter.ToIntegerBits(null, intType, "here"));
        Assert.Throws<FfiArgumentException>(() => ValueConverter.ToIntegerBits(NativePointer.FromAddress(5), intType, "here"));
        Assert.Throws<FfiArgumentException>(() => ValueConverter.ToDouble(NativePointer.FromAddress(5), "double", "here"));
        Assert.That(ValueConverter.ToIntegerBits((nint)(-1), intType, "here"), Is.EqualTo(0xFFFF_FFFFUL));
        Assert.That(FfiValue.FromObject((nint)7).ToObject(), Is.EqualTo((nint)7));
        Assert.That(FfiValue.FromObject((nuint)7).IsNativeInteger, Is.True);
        Assert.That(FfiValue.FromAddress(7).IsNativeInteger, Is.False);
    }
}

/// <summary>
/// A native integer where a by-value struct is expected ("Invoke with a bad nint for a struct parameter":
/// NullReferenceException from the emitted code). nint is an integer, never storage: refused with the parameter named.
/// </summary>
[TestFixture]
public sealed class StructParameterMisuseTests
{
    private const string Source = "struct pair { long a, b; }; long sum_pair(struct pair p) { return p.a + p.b; }";

    [Test]
    public void ANativeIntegerForAStructParameterIsRefused() => Isolated.Run(() =>
    {
        var lib = Oracle.Gcc.Compile(Source, "struct_param", "-shared -fPIC");
        using var m = NativeModule.Open(lib, "struct pair { long a, b; }; long sum_pair(struct pair p);");
        var f = m.Function("sum_pair");
        foreach (var bad in new object[] { (nint)0, (nint)12345, (nuint)12345, 5, 5L, 2.5 })
        {
            var e = Assert.Throws<FfiArgumentException>(() => m.Invoke("sum_pair", bad), $"{bad.GetType().Name} {bad}")!;
            Assert.That(e.Message, Does.StartWith("sum_pair: param[0] (struct pair)"), e.Message);
            Assert.Throws<FfiArgumentException>(() => f.Invoke([FfiValue.FromObject(bad)]), $"FfiValue of {bad.GetType().Name}");
            Assert.Throws<FfiArgumentException>(() => f.Invoke(bad), $"Invoke(object) of {bad.GetType().Name}");
        }
        Assert.Throws<FfiArgumentException>(() => f.Invoke([FfiValue.FromNativeInt(64)]));
        // The right forms still work: a box of the type, and a managed value of the same shape.
        var box = m.Memory.Box("struct pair", new { a = 40L, b = 2L });
        Assert.That(m.Invoke("sum_pair", box), Is.EqualTo(42L));
        Assert.That(f.Invoke([FfiValue.FromPointer(box)]).ToInt64(), Is.EqualTo(42L));
        Assert.That(m.Invoke("sum_pair", new { a = 1L, b = 2L }), Is.EqualTo(3L));
    });
}
