using System.Runtime.InteropServices;
using Ffi.Spec;
using Ffi.Tests.Native;
using Ffi.Tests.Oracle;

namespace Ffi.Tests.Abi;

/// <summary>
/// gcc 12 (C) classifies a zero-width bitfield that is a member of a <em>union</em> as a member of its declared type
/// at its offset, so it makes INTEGER the eightbyte it sits in; in a <em>struct</em> the front end drops it and it
/// counts for nothing. (A union of size 0 adds nothing.) Found by the typed random tier (seed 85, small profile):
/// <code>
/// union U { uint8_t :0; double d; float f; };   double take_u(union U u);   /* u in rdi, not xmm0 */
/// struct A { double a; union { uint8_t :0; double d; } u; };                /* a in xmm0, u in rdi */
/// union U2 { uint8_t :0; double d[2]; };                                    /* [INTEGER, SSE]: rdi + xmm0 */
/// </code>
/// The engine classified all three as SSE only, so arguments and results of such types arrived in the wrong
/// registers through every API (typed, object[], FfiValue, callbacks); these tests hold the fix.
/// </summary>
[TestFixture]
public sealed class UnionZeroWidthBitfieldTests
{
    private const string Source = """
        #include <stdint.h>
        #include <string.h>
        union U { uint8_t :0; double d; float f; };
        struct A { double a; union { uint8_t :0; double d; } u; };
        union U2 { uint8_t :0; double d[2]; };
        double take_u(union U u) { return u.d; }
        double take_a(struct A s) { return s.a * 2 + s.u.d; }
        /* The results are built from integer registers, so that no vector register holds them by chance. */
        union U give_u(uint64_t bits) { union U u; memcpy(&u.d, &bits, 8); return u; }
        struct A give_a(double x, uint64_t bits) { struct A s; s.a = x; memcpy(&s.u.d, &bits, 8); return s; }
        double take_u2(union U2 u) { return u.d[0] - u.d[1]; }
        """;

    private const string Json = """
        { "version": "1", "lib": "LIB",
          "types": {
            "U": { "kind": "union", "fields": [ { "name": "", "type": "uint8", "bits": 0 }, { "name": "d", "type": "double" }, { "name": "f", "type": "float" } ] },
            "A": { "kind": "struct", "fields": [ { "name": "a", "type": "double" },
                   { "name": "u", "type": { "kind": "union", "fields": [ { "name": "", "type": "uint8", "bits": 0 }, { "name": "d", "type": "double" } ] } } ] },
            "U2": { "kind": "union", "fields": [ { "name": "", "type": "uint8", "bits": 0 }, { "name": "d", "type": { "kind": "array", "of": "double", "len": 2 } } ] }
          },
          "functions": [
            { "name": "take_u", "ret": "double", "params": ["U"] },
            { "name": "give_u", "ret": "U", "params": ["uint64"] },
            { "name": "take_a", "ret": "double", "params": ["A"] },
            { "name": "give_a", "ret": "A", "params": ["double", "uint64"] },
            { "name": "take_u2", "ret": "double", "params": ["U2"] }
          ] }
        """;

    [StructLayout(LayoutKind.Explicit, Size = 8)]
    private struct U
    {
        [FieldOffset(0)] public double D;
    }

    private struct A
    {
        public double First;
        public double D;
    }

    private struct U2
    {
        public double D0;
        public double D1;
    }

    private NativeModule _m = null!;

    [OneTimeSetUp]
    public void Open()
    {
        var lib = Gcc.Compile(Source, "union_zero_width", "-shared -fPIC");
        _m = NativeModule.Open(FfiSpec.Parse(Json.Replace("LIB", lib, StringComparison.Ordinal)));
    }

    [OneTimeTearDown]
    public void Close() => _m.Dispose();

    [Test]
    public void AZeroWidthBitfieldInAUnionMakesItsEightbyteInteger()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(_m.GetFunction<Func<U, double>>("take_u")(new U { D = 2.5 }), Is.EqualTo(2.5));
            Assert.That(_m.GetFunction<Func<ulong, U>>("give_u")(BitConverter.DoubleToUInt64Bits(4.25)).D, Is.EqualTo(4.25));
            Assert.That(_m.GetFunction<Func<A, double>>("take_a")(new A { First = 3, D = 0.5 }), Is.EqualTo(6.5));
            var a = _m.GetFunction<Func<double, ulong, A>>("give_a")(1.5, BitConverter.DoubleToUInt64Bits(7.75));
            Assert.That((a.First, a.D), Is.EqualTo((1.5, 7.75)));
            Assert.That(_m.GetFunction<Func<U2, double>>("take_u2")(new U2 { D0 = 10, D1 = 0.5 }), Is.EqualTo(9.5));
            Assert.That(_m.Invoke("take_u", new Dictionary<string, object?> { ["d"] = 2.5 }), Is.EqualTo(2.5));
        }
    }
}
