using System.Reflection.Emit;
using System.Runtime.InteropServices;
using Ffi.Compile;
using Ffi.Il;
using Ffi.Spec;
using Ffi.Tests.Oracle;
using Mono.Cecil;

namespace Ffi.Tests.Compile;

/// <summary>
/// A MEMORY-class argument that is the call's whole stack area is passed straight: its CLR struct by value (the JIT
/// copies it once into the outgoing area, as <c>[LibraryImport]</c> does), not copied into a zeroed stack image first.
/// The struct has padding and a union, and C (compiled by gcc, which checks the offsets) reads every member, through
/// the run-time typed stub (with a CLR struct of fields, one of overlapping union fields, and one whose only field
/// leaves 32 of its 40 bytes outside any field) and through the compiled method. Both kinds of method are made without
/// <c>InitLocals</c> (<c>TypedStub.LocalsZeroed</c>): the result's storage is not zeroed before C writes it.
/// </summary>
[TestFixture]
public sealed class MemoryArgumentPassingTests
{
    private const string Types = """
        #include <stdint.h>
        typedef struct { char c; double d; union { int64_t i; double f; unsigned char bytes[12]; } u; short s; } mix;
        """;

    private const string Functions = """
        int64_t mix_sum(mix v, int64_t k);
        mix mix_copy(mix v);
        """;

    // mix_copy writes its result member by member: what C# reads back at the members is what C read.
    private const string Definitions = """

        #include <stddef.h>
        #include <string.h>
        _Static_assert(sizeof(mix) == 40 && offsetof(mix, d) == 8 && offsetof(mix, u) == 16 && offsetof(mix, s) == 32, "mix");
        int64_t mix_sum(mix v, int64_t k)
        {
            int64_t t = k + v.c + (int64_t)(v.d * 4) + v.s * 1000;
            for (int i = 0; i < 12; i++) t += (i + 1) * (int64_t)v.u.bytes[i] << (i % 3);
            return t;
        }
        mix mix_copy(mix v)
        {
            mix r;
            memset(&r, 0, sizeof r);
            r.c = v.c; r.d = v.d; memcpy(r.u.bytes, v.u.bytes, 12); r.s = v.s;
            return r;
        }
        """;

    private static readonly Lazy<FfiSpec> Spec = new(() =>
        FfiSpec.ParseC(Types + Functions, Gcc.Compile(Types + Definitions, "memory-argument", "-shared -fPIC")));

    // The members' bytes (offsets gcc asserts above): c at 0, d at 8, the union's 12 bytes at 16, s at 32.
    private static readonly (int Offset, int Length)[] Members = [(0, 1), (8, 8), (16, 12), (32, 2)];

    [StructLayout(LayoutKind.Explicit, Size = 40)]
    private struct MixFields
    {
        [FieldOffset(0)] public sbyte C;
        [FieldOffset(8)] public double D;
        [FieldOffset(16)] public long UI;
        [FieldOffset(16)] public double UF;
        [FieldOffset(24)] public int UTail;
        [FieldOffset(32)] public short S;
    }

    [StructLayout(LayoutKind.Sequential, Size = 40)]
    private struct MixOpaque
    {
        public long First;
    }

    // Members of different values in every byte, padding bytes 0xEE (C reads none of them).
    private static byte[] Bytes(int seed)
    {
        var b = Enumerable.Repeat((byte)0xEE, 40).ToArray();
        b[0] = (byte)(0x41 + seed);
        BitConverter.TryWriteBytes(b.AsSpan(8), 2.5 + seed);
        for (int i = 0; i < 12; i++) b[16 + i] = (byte)(0x80 + 17 * i + seed);
        BitConverter.TryWriteBytes(b.AsSpan(32), (short)(-1234 - seed));
        return b;
    }

    // mix_sum as C computes it, from the bytes sent.
    private static long Sum(byte[] b, long k)
    {
        long t = k + (sbyte)b[0] + (long)(BitConverter.ToDouble(b, 8) * 4) + BitConverter.ToInt16(b, 32) * 1000;
        for (int i = 0; i < 12; i++) t += (i + 1) * (long)b[16 + i] << (i % 3);
        return t;
    }

    private static void AssertMembersEqual(byte[] sent, byte[] back, string what)
    {
        foreach (var (offset, length) in Members)
            Assert.That(back.AsSpan(offset, length).ToArray(), Is.EqualTo(sent.AsSpan(offset, length).ToArray()), $"{what}: bytes {offset}..{offset + length}");
    }

    private static byte[] BytesOf<T>(T value) where T : struct => MemoryMarshal.AsBytes(new ReadOnlySpan<T>(ref value)).ToArray();

    [Test]
    public void TheRuntimeTypedStubPassesEveryMemberOfAStructWithPaddingAndAUnion()
    {
        using var m = NativeModule.Open(Spec.Value);
        var sumFields = m.GetFunction<Func<MixFields, long, long>>("mix_sum");
        var copyFields = m.GetFunction<Func<MixFields, MixFields>>("mix_copy");
        var sumOpaque = m.GetFunction<Func<MixOpaque, long, long>>("mix_sum");
        var copyOpaque = m.GetFunction<Func<MixOpaque, MixOpaque>>("mix_copy");
        for (int seed = 0; seed < 5; seed++)
        {
            var sent = Bytes(seed);
            Assert.That(sumFields(MemoryMarshal.Read<MixFields>(sent), 7 * seed), Is.EqualTo(Sum(sent, 7 * seed)), $"mix_sum, fields, seed {seed}");
            Assert.That(sumOpaque(MemoryMarshal.Read<MixOpaque>(sent), -seed), Is.EqualTo(Sum(sent, -seed)), $"mix_sum, one field, seed {seed}");
            AssertMembersEqual(sent, BytesOf(copyFields(MemoryMarshal.Read<MixFields>(sent))), $"mix_copy, fields, seed {seed}");
            AssertMembersEqual(sent, BytesOf(copyOpaque(MemoryMarshal.Read<MixOpaque>(sent))), $"mix_copy, one field, seed {seed}");
        }
    }

    [Test]
    public void ACompiledMethodPassesEveryMemberOfAStructWithPaddingAndAUnion()
    {
        using var compiled = new CompiledAssembly(Spec.Value, "MemoryArgument");
        var native = compiled.Type("Native");
        var mix = compiled.Type("mix");
        var sum = native.GetMethod("mix_sum")!;
        var copy = native.GetMethod("mix_copy")!;
        for (int seed = 0; seed < 5; seed++)
        {
            var sent = Bytes(seed);
            Assert.That(sum.Invoke(null, [CompiledAssembly.FromBytes(mix, sent), 3L * seed]), Is.EqualTo(Sum(sent, 3L * seed)), $"mix_sum, seed {seed}");
            AssertMembersEqual(sent, CompiledAssembly.Bytes(mix, copy.Invoke(null, [CompiledAssembly.FromBytes(mix, sent)])!), $"mix_copy, seed {seed}");
        }
    }

    [Test]
    public void TheStructIsPassedStraightWithoutAStackImageInBothPaths()
    {
        var listings = new Dictionary<string, string>();
        using (StubListings.Listen((name, text) => listings[name] = text))
        {
            BindingCompiler.Compile(Spec.Value, new BindingOptions("MemoryArgument"));
            using var m = NativeModule.Open(Spec.Value);
            m.GetFunction<Func<MixFields, MixFields>>("mix_copy");
            listings["runtime_mix_copy"] = listings["ffi_typed"];
        }
        // The hidden return pointer (the result local's address), then the argument itself: no image local, no initobj,
        // no cpblk; the calli takes the struct.
        Assert.That(listings["compiled_mix_copy"], Is.EqualTo("""
              ldloca V0 (mix)
              conv.u
              stloc V1 (IntPtr)
              ldloc V1 (IntPtr)
              ldarg 0
              ldsfld Native.<fn>mix_copy
              dup
              brtrue L0
              pop
              ldc.i4 1
              call Native.<Bind>
            L0:
              calli unmanaged cdecl IntPtr(IntPtr, mix)
              pop
              ldloc V1 (IntPtr)
              ldobj mix
              stloc V2 (mix)
              ldloc V2 (mix)
              ret
            """.ReplaceLineEndings("\n")));
        Assert.That(listings["runtime_mix_copy"], Does.Contain("  stloc V1 (IntPtr)\n  ldloc V1 (IntPtr)\n  ldarg 1\n")
            .And.Contain("calli unmanaged cdecl IntPtr(IntPtr, MixFields)").And.Not.Contain("StackImage").And.Not.Contain("cpblk"));
    }

    [Test]
    public void ACompiledMethodZeroesNoLocals()
    {
        var written = BindingCompiler.Compile(Spec.Value, new BindingOptions("MemoryArgument")).Assembly;
        using var module = ModuleDefinition.ReadModule(new MemoryStream(written));
        var methods = module.GetType("MemoryArgument.Native").Methods.Where(x => x.Name is "mix_sum" or "mix_copy").ToList();
        Assert.That(methods, Has.Count.EqualTo(2));
        Assert.That(methods.Select(x => x.Body.InitLocals), Is.All.False);
    }

    [Test]
    public void TheRuntimeTypedStubZeroesNoLocals()
    {
        using var m = NativeModule.Open(Spec.Value);
        var copy = m.GetFunction<Func<MixFields, MixFields>>("mix_copy");
        Assert.That(copy.Method, Is.InstanceOf<DynamicMethod>());
        Assert.That(((DynamicMethod)copy.Method).InitLocals, Is.False);
    }
}
