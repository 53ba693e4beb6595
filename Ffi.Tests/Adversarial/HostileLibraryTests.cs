using System.Runtime.InteropServices;
using Ffi.Spec;
using Ffi.Tests.Native;
using Ffi.Tests.Oracle;

namespace Ffi.Tests.Adversarial;

/// <summary>
/// Hostile libraries: names and files that made <c>dlopen</c> load the wrong thing, block or die (SIGBUS inside
/// glibc), and symbols that are not what the spec says. Each case runs in a child process: a regression is a failed
/// test naming the signal or the hang, not the end of the run.
/// </summary>
[TestFixture]
public sealed class HostileLibraryTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30 * Soak.Factor);

    private static FfiSpec Lib(string lib, string functions = "") =>
        FfiSpec.Parse($$"""{ "version": "1", "lib": {{System.Text.Json.JsonSerializer.Serialize(lib)}}, "functions": [ {{functions}} ] }""");

    private static FfiBindException Refused(string lib)
    {
        var e = Assert.Throws<FfiBindException>(() => NativeModule.Open(Lib(lib)).Dispose())!;
        Assert.That((e.Library, e.Symbol), Is.EqualTo((lib, (string?)null)));
        return e;
    }

    private static string TempDir() => Directory.CreateTempSubdirectory("ffi-hostile-lib-").FullName;

    private static string TinyLibrary() =>
        Gcc.Compile("int answer(void) { return 42; }\nint table[1024] = { 1 };\n", "tiny", "-shared -fPIC");

    [Test]
    public void ALibNameWithAnEmbeddedNulIsRefusedNotTruncated() => Isolated.Run(() =>
    {
        // "libc.so.6\0junk" loaded libc.so.6 (C sees the prefix).
        var e = Refused("libc.so.6\0junk");
        Assert.That(e.Message, Is.EqualTo("cannot load library \"libc.so.6\\x00junk\": the name contains a NUL character (C would see only the part before it)"));
        var path = Refused(TinyLibrary() + "\0.txt");
        Assert.That(path.Message, Does.Contain("contains a NUL character"));
    }, Bound);

    [Test]
    public unsafe void AFifoAsLibIsRefusedInsteadOfBlocking() => Isolated.Run(() =>
    {
        var fifo = Path.Combine(TempDir(), "lib.so");
        var mkfifo = (delegate* unmanaged<byte*, uint, int>)NativeLibrary.GetExport(NativeLibrary.Load("libc.so.6"), "mkfifo");
        fixed (byte* p = System.Text.Encoding.UTF8.GetBytes(fifo + "\0")) Assert.That(mkfifo(p, 0x1B6), Is.Zero);
        Assert.That(Refused(fifo).Message, Does.EndWith("it is not a regular file but a FIFO"));
    }, Bound);

    [Test]
    public void DirectoriesAndDevicesAreRefused() => Isolated.Run(() =>
    {
        Assert.That(Refused(TempDir()).Message, Does.EndWith("it is not a regular file but a directory"));
        Assert.That(Refused("/dev/zero").Message, Does.EndWith("it is not a regular file but a character device"));
        Assert.That(Refused("/dev/null").Message, Does.EndWith("it is not a regular file but a character device"));
    }, Bound);

    [Test]
    public void FilesThatAreNotX8664SharedObjectsAreRefused() => Isolated.Run(() =>
    {
        var dir = TempDir();
        string Write(string name, byte[] bytes)
        {
            var path = Path.Combine(dir, name);
            File.WriteAllBytes(path, bytes);
            return path;
        }
        var good = File.ReadAllBytes(TinyLibrary());
        byte[] Patched(int at, params byte[] with)
        {
            var copy = (byte[])good.Clone();
            with.CopyTo(copy, at);
            return copy;
        }
        Assert.That(Refused(Write("empty.so", [])).Message, Does.EndWith("it is not an ELF shared object (0 bytes, shorter than an ELF header)"));
        Assert.That(Refused(Write("text.so", new byte[100])).Message, Does.EndWith("it is not an ELF file (no \\x7fELF magic)"));
        Assert.That(Refused(Write("elf32.so", Patched(4, 1))).Message, Does.EndWith("it is not an ELF for this machine: class 1, data 1 (x86-64 needs ELFCLASS64 little endian)"));
        Assert.That(Refused(Write("bigendian.so", Patched(5, 2))).Message, Does.EndWith("it is not an ELF for this machine: class 2, data 2 (x86-64 needs ELFCLASS64 little endian)"));
        Assert.That(Refused(Write("aarch64.so", Patched(18, 183, 0))).Message, Does.EndWith("it is an ELF for machine 183, not x86-64 (62)"));
        Assert.That(Refused(Write("relocatable.so", Patched(16, 1, 0))).Message, Does.EndWith("it is not a shared object (ELF type 1)"));
        Assert.That(Refused(Write("far-headers.so", Patched(32, 0, 0, 0, 0, 0, 0, 1, 0))).Message, Does.Contain("it is a truncated or corrupt ELF: the program headers"));
        Assert.That(Refused(Write("far-sections.so", Patched(40, 0, 0, 0, 0, 0, 0, 1, 0))).Message, Does.Contain("it is a truncated or corrupt ELF: the section headers"));
        using var fine = NativeModule.Open(Lib(Write("fine.so", good), """{ "name": "answer", "ret": "int", "params": [] }"""));
        Assert.That(fine.Invoke("answer"), Is.EqualTo(42));
    }, Bound);

    [Test]
    public void TruncatedElfsAreRefusedInsteadOfDyingOfSigbus() => Isolated.Run(() =>
    {
        // Every cut from the end of the ELF header on: glibc maps the segments of such a file and dies touching them.
        var good = File.ReadAllBytes(TinyLibrary());
        var dir = TempDir();
        var rng = new Random(0x5EB5);
        var cuts = new SortedSet<int> { 64, 120, good.Length / 2, good.Length - 1 };
        while (cuts.Count < Soak.Scale(40)) cuts.Add(rng.Next(64, good.Length));
        foreach (int cut in cuts)
        {
            var path = Path.Combine(dir, $"cut{cut}.so");
            File.WriteAllBytes(path, good[..cut]);
            Assert.That(Refused(path).Message, Does.Contain("it is a truncated or corrupt ELF"), $"cut at {cut} of {good.Length}");
        }
    }, Bound);

    [Test]
    public void ADataSymbolDeclaredAsAFunctionIsRefusedAtBindTime() => Isolated.Run(() =>
    {
        var lib = TinyLibrary();
        var e = Assert.Throws<FfiBindException>(() => NativeModule.Open(Lib(lib, """{ "name": "table", "ret": "int", "params": [] }""")))!;
        Assert.That((e.Library, e.Symbol), Is.EqualTo((lib, "table")));
        Assert.That(e.Message, Does.Match("^symbol \"table\" in library \".*\" is not a function: its address 0x[0-9a-f]+ is not in executable memory \\(a variable declared as a function\\?\\)$"));
        var stdout = Assert.Throws<FfiBindException>(() => NativeModule.Open(Lib("libc.so.6", """{ "name": "stdout", "ret": "int", "params": [] }""")))!;
        Assert.That(stdout.Message, Does.StartWith("symbol \"stdout\" in library \"libc.so.6\" is not a function"));
        // IFUNCs (strlen) and ordinary functions still bind, and a data symbol stays usable as a variable.
        using var libc = NativeModule.Open(FfiSpec.Parse("""
            { "version": "1", "lib": "libc.so.6", "functions": [ { "name": "strlen", "ret": "size_t", "params": ["string"] } ],
              "variables": [ { "name": "stdout", "type": "pointer" } ] }
            """));
        Assert.That(libc.Invoke("strlen", "four"), Is.EqualTo(4UL));
    }, Bound);

    [Test]
    public void ASymbolNameWithAnEmbeddedNulIsRefused() => Isolated.Run(() =>
    {
        // The spec reader refuses such a name; the loader does too, for its other callers (finalizer symbols).
        Assert.Throws<FfiSpecException>(() => Lib("libc.so.6", """{ "name": "strlen\u0000junk", "ret": "size_t", "params": ["string"] }"""));
        var handle = Ffi.Native.LibraryLoader.Load("libc.so.6");
        var e = Assert.Throws<FfiBindException>(() => Ffi.Native.LibraryLoader.GetExport(handle, "libc.so.6", "strlen\0junk"))!;
        Ffi.Native.LibraryLoader.Free(handle);
        Assert.That(e.Message, Is.EqualTo("symbol \"strlen\\x00junk\" contains a NUL character (dlsym would look up the part before it)"));
    }, Bound);

    [Test]
    public void BareNamesAreStillResolvedByTheLoader() => Isolated.Run(() =>
    {
        using var libm = NativeModule.Open(Lib("libm.so.6", """{ "name": "cos", "ret": "double", "params": ["double"] }"""));
        Assert.That(libm.Invoke("cos", 0.0), Is.EqualTo(1.0));
        Assert.That(Assert.Throws<FfiBindException>(() => NativeModule.Open(Lib("libnope.so.1")))!.InnerException, Is.TypeOf<DllNotFoundException>());
    }, Bound);
}
