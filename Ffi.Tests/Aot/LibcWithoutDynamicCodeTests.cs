using System.Runtime.InteropServices;
using System.Text;
using Ffi.Interop;
using Ffi.Native;
using Ffi.Tests.Oracle;

namespace Ffi.Tests.Aot;

/// <summary>
/// The engine's own libc calls (<c>Ffi.Core/Native/Libc.cs</c>) the way NativeAOT makes them, through function
/// pointers from <c>dlsym</c> instead of <c>[LibraryImport]</c>s, in a JIT process that cannot generate code
/// (<see cref="WithoutDynamicCode"/>), reached as compiled bindings reach them (<see cref="SymbolBinder"/>): the
/// library file check refuses what it refuses under the JIT with the same words, loads a good library, and a variadic
/// function's thunk is mapped, called and unmapped. <see cref="AotCompiledAppTests"/> runs the good path in a real
/// NativeAOT app.
/// </summary>
[TestFixture]
public sealed class LibcWithoutDynamicCodeTests
{
    private static string TinyLibrary() => Gcc.Compile("int answer(void) { return 42; }\n", "tiny_answer", "-shared -fPIC");

    private static string Refusal(string library)
    {
        var e = Assert.Throws<FfiBindException>(() => SymbolBinder.Function(library, "answer"))!;
        Assert.That((e.Library, e.Symbol), Is.EqualTo((library, "answer")));
        return e.Message;
    }

    [Test]
    public unsafe void TheFileCheckRefusesAndLoadsAsUnderTheJit() => WithoutDynamicCode.Run(() =>
    {
        var dir = Directory.CreateTempSubdirectory("ffi-aot-libc-").FullName;
        try
        {
            var good = File.ReadAllBytes(TinyLibrary());
            string Write(string name, byte[] bytes)
            {
                var path = Path.Combine(dir, name);
                File.WriteAllBytes(path, bytes);
                return path;
            }
            var fifo = Path.Combine(dir, "fifo.so");
            var mkfifo = (delegate* unmanaged<byte*, uint, int>)NativeLibrary.GetExport(NativeLibrary.Load("libc.so.6"), "mkfifo");
            fixed (byte* p = Encoding.UTF8.GetBytes(fifo + "\0")) Assert.That(mkfifo(p, 0x1B6), Is.Zero);

            Assert.That(Refusal(fifo), Does.EndWith("it is not a regular file but a FIFO"));
            Assert.That(Refusal(dir), Does.EndWith("it is not a regular file but a directory"));
            Assert.That(Refusal("/dev/null"), Does.EndWith("it is not a regular file but a character device"));
            Assert.That(Refusal(Write("empty.so", [])), Does.EndWith("it is not an ELF shared object (0 bytes, shorter than an ELF header)"));
            Assert.That(Refusal(Write("text.so", new byte[100])), Does.EndWith("it is not an ELF file (no \\x7fELF magic)"));
            Assert.That(Refusal(Write("cut.so", good[..(good.Length / 2)])), Does.Contain("it is a truncated or corrupt ELF"));
            var answer = (delegate* unmanaged<int>)SymbolBinder.Function(Write("fine.so", good), "answer");
            Assert.That(answer(), Is.EqualTo(42));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    });

    [Test]
    public unsafe void TheCallsLeaveErrnoAsCLeftIt() => WithoutDynamicCode.Run(() =>
    {
        // errno is read right after each call: managed code in between (an Assert) may change it.
        int fd = Libc.Open("/nonexistent-ffi-aot/lib.so", 0), openErrno = Marshal.GetLastSystemError();
        byte* st = stackalloc byte[144];
        int fstat = Libc.Fstat(-1, st), fstatErrno = Marshal.GetLastSystemError();
        int mprotect = Libc.Mprotect(1, 4096, 1), mprotectErrno = Marshal.GetLastSystemError();
        Assert.That((fd, openErrno), Is.EqualTo((-1, 2)), "open: ENOENT");
        Assert.That((fstat, fstatErrno), Is.EqualTo((-1, 9)), "fstat: EBADF");
        Assert.That((mprotect, mprotectErrno), Is.EqualTo((-1, 22)), "mprotect of an unaligned address: EINVAL");
    });

    [Test]
    public unsafe void AVariadicThunkIsMappedCalledAndUnmapped() => WithoutDynamicCode.Run(() =>
    {
        // int snprintf(char *, size_t, const char *, ...) with two ints as extras, through the thunk that sets %al.
        var snprintf = (delegate* unmanaged<byte*, nuint, byte*, int, int, int>)SymbolBinder.VariadicFunction("libc.so.6", "snprintf");
        byte* buffer = stackalloc byte[16];
        fixed (byte* format = "%d|%d\0"u8)
            Assert.That(snprintf(buffer, 16, format, 42, -7), Is.EqualTo(5));
        Assert.That(Encoding.ASCII.GetString(buffer, 5), Is.EqualTo("42|-7"));

        var thunk = VariadicThunk.Create(NativeLibrary.GetExport(NativeLibrary.Load("libc.so.6"), "snprintf"));
        Assert.That(thunk.Address, Is.Not.Zero);
        thunk.Dispose();
        Assert.Throws<ObjectDisposedException>(() => _ = thunk.Address);
        nint page = Libc.Mmap(0, 4096, 3, 0x22, -1, 0); // PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS
        Assert.That(page, Is.Not.EqualTo((nint)(-1)));
        *(int*)page = 7;
        Assert.That((Libc.Mprotect(page, 4096, 1), *(int*)page, Libc.Munmap(page, 4096)), Is.EqualTo((0, 7, 0)));
    });
}
