using System.Runtime.InteropServices;
using Ffi.Compile;
using Ffi.Il;
using Ffi.Spec;
using Ffi.Tests.Oracle;

namespace Ffi.Tests.Compile;

/// <summary>
/// Where a MEMORY-class result goes. The caller passes C the address of storage for it in <c>rdi</c>, and that storage
/// must be aligned as the result's C type. A result of alignment 8 or less is written into a local of the result's
/// struct (no <c>localloc</c>: a compiled method can then be inlined, gets no stack cookie and zeroes no block per
/// call); a more aligned one into a <c>localloc</c> block aligned by hand. The C functions are written in assembly and
/// return the address they were given, so each test reads where C was told to write, through the run-time typed stub
/// and through the compiled method; gcc checks each type's size and alignment.
/// </summary>
[TestFixture]
public sealed class MemoryResultStorageTests
{
    // p24 is the case that needs the JIT's own rule: a CLR struct of alignment 1 (packed, as the compiler writes a
    // struct with a misaligned member) whose C alignment is 8. The JIT puts every local of 8 bytes or more at a
    // multiple of 8.
    private const string Types = """
        #include <stdint.h>
        typedef struct { int64_t a, b, c; } s24;
        typedef struct __attribute__((packed, aligned(8))) { char c; int64_t x; int64_t y; char d[7]; } p24;
        typedef struct { _Alignas(16) int64_t a; int64_t b, c, d; } s32;
        """;

    private const string Functions = """
        s24 where24(void);
        p24 wherep24(void);
        s32 where32(void);
        """;

    private const string Definitions = """
        /* Writes the address it was given into the first 8 bytes of the result, zeroes the next 16, returns it. */
        #define WHERE(T, N) __attribute__((naked)) T N(void) { \
            __asm__("mov %rdi, (%rdi)\n\tmovq $0, 8(%rdi)\n\tmovq $0, 16(%rdi)\n\tmov %rdi, %rax\n\tret"); }
        WHERE(s24, where24)
        WHERE(p24, wherep24)
        WHERE(s32, where32)
        _Static_assert(sizeof(s24) == 24 && _Alignof(s24) == 8, "s24");
        _Static_assert(sizeof(p24) == 24 && _Alignof(p24) == 8, "p24");
        _Static_assert(sizeof(s32) == 32 && _Alignof(s32) == 16, "s32");
        """;

    private static readonly Lazy<FfiSpec> Spec = new(() =>
        FfiSpec.ParseC(Types + Functions, Gcc.Compile(Types + Definitions, "memory-result", "-shared -fPIC")));

    [StructLayout(LayoutKind.Sequential)]
    private struct S24
    {
        public long Address, B, C;
    }

    [StructLayout(LayoutKind.Sequential, Pack = 1, Size = 24)]
    private struct P24
    {
        public byte C;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct S32
    {
        public long Address, B, C, D;
    }

    private const int Calls = 200;

    [Test]
    public void TheRuntimeTypedStubGivesCStorageAlignedAsTheResult()
    {
        using var m = NativeModule.Open(Spec.Value);
        var where24 = m.GetFunction<Func<S24>>("where24");
        var wherep24 = m.GetFunction<Func<P24>>("wherep24");
        var where32 = m.GetFunction<Func<S32>>("where32");
        for (int i = 0; i < Calls; i++)
        {
            AssertAligned(where24().Address, 8, "where24");
            AssertAligned(AddressIn(wherep24()), 8, "wherep24");
            AssertAligned(where32().Address, 16, "where32");
        }
    }

    [Test]
    public void ACompiledMethodGivesCStorageAlignedAsTheResult()
    {
        using var compiled = new CompiledAssembly(Spec.Value, "MemoryResult");
        var native = compiled.Type("Native");
        foreach (var (name, align) in new[] { ("where24", 8), ("wherep24", 8), ("where32", 16) })
        {
            var method = native.GetMethod(name)!;
            for (int i = 0; i < Calls; i++)
            {
                var bytes = CompiledAssembly.Bytes(method.ReturnType, method.Invoke(null, null)!);
                AssertAligned(BitConverter.ToInt64(bytes, 0), align, name);
            }
        }
    }

    [Test]
    public void OnlyAResultAlignedBeyondEightTakesALocallocBlock()
    {
        var listings = new Dictionary<string, string>();
        using (StubListings.Listen((name, text) => listings[name] = text)) BindingCompiler.Compile(Spec.Value, new BindingOptions("MemoryResult"));
        Assert.That(listings["compiled_where24"], Does.Not.Contain("localloc").And.Contain("ldloca V0 (s24)"));
        Assert.That(listings["compiled_wherep24"], Does.Not.Contain("localloc").And.Contain("ldloca V0 (p24)"));
        Assert.That(listings["compiled_where32"], Does.Contain("localloc"));
    }

    private static unsafe long AddressIn(P24 p) => *(long*)&p;

    private static void AssertAligned(long address, int align, string function)
    {
        Assert.That(address, Is.Not.Zero, function);
        Assert.That(address % align, Is.Zero, $"{function}: C was given 0x{address:x} for a result aligned to {align}");
    }
}
