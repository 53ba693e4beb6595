using System.Runtime.InteropServices;
using Ffi.Memory;
using Ffi.Spec;
using Ffi.Tests.Native;
using Ffi.Tests.Oracle;

namespace Ffi.Tests.Memory;

/// <summary>NativeModule: binding, its memory toolbox, Dispose, and symbol finalizers observed from C.</summary>
[TestFixture]
public sealed class NativeModuleMemoryTests
{
    private const string LibcSpec = """
    {
      "version": "1",
      "lib": "libc.so.6",
      "types": {"point": {"kind": "struct", "fields": [{"name": "x", "type": "int32"}, {"name": "y", "type": "int32"}]}},
      "functions": [{"name": "strlen", "ret": "size_t", "params": ["string"]}],
      "variables": [{"name": "environ", "type": "pointer"}]
    }
    """;

    // A finalizer whose runs C can count: fin_count and fin_last are read back as module variables.
    private const string CountingFreeC = """
    #include <stdlib.h>
    int fin_count = 0;
    void *fin_last = 0;
    void counting_free(void *p) { fin_count++; fin_last = p; free(p); }
    """;

    private static string _countingLib = null!;

    [OneTimeSetUp]
    public static void CompileCountingFree() => _countingLib = Gcc.Compile(CountingFreeC, "counting-free", "-shared -fPIC");

    private static NativeModule OpenCounting() => NativeModule.Open(FfiSpec.Parse($$"""
        {
          "version": "1",
          "lib": {{System.Text.Json.JsonSerializer.Serialize(_countingLib)}},
          "functions": [{"name": "counting_free", "ret": "void", "params": ["pointer"]}],
          "variables": [{"name": "fin_count", "type": "int"}, {"name": "fin_last", "type": "pointer"}]
        }
        """));

    private static int Count(NativeModule m) => (int)m.Memory.Get(m.GetVariableAddress("fin_count"))!;

    private static nint Last(NativeModule m) => ((NativePointer)m.Memory.Get(m.GetVariableAddress("fin_last"))!).Address;

    [Test]
    public void Open_ResolvesFunctionsAndVariables()
    {
        using var m = NativeModule.Open(FfiSpec.Parse(LibcSpec));
        var libc = NativeLibrary.Load("libc.so.6");
        try
        {
            var environ = m.GetVariableAddress("environ");
            Assert.Multiple(() =>
            {
                Assert.That(m.GetFunctionAddress("strlen"), Is.EqualTo(NativeLibrary.GetExport(libc, "strlen")));
                Assert.That(environ.Address, Is.EqualTo(NativeLibrary.GetExport(libc, "environ")));
                Assert.That(environ.Block, Is.Null, "the library owns it: not bounds-checked");
                Assert.That(environ.Type, Is.SameAs(m.Types["pointer"]));
                Assert.That(m.Handle, Is.Not.Zero);
                Assert.That(m.Library, Is.EqualTo("libc.so.6"));
                Assert.That(m.Memory.DefaultLibrary, Is.EqualTo("libc.so.6"));
                Assert.That(m.Memory.Types, Is.SameAs(m.Types));
            });
            Assert.Throws<FfiNameException>(() => m.GetFunctionAddress("printf"));
            Assert.Throws<FfiNameException>(() => m.GetVariableAddress("stdin"));
        }
        finally
        {
            NativeLibrary.Free(libc);
        }
    }

    [Test]
    public void Memory_ReadsTheEnvironThroughTheVariablePointer()
    {
        using var m = NativeModule.Open(FfiSpec.Parse(LibcSpec));
        var environ = m.GetVariableAddress("environ");
        var array = (NativePointer)m.Memory.Get(environ)!;                // char **environ
        Assert.That(array.Address, Is.EqualTo(Marshal.ReadIntPtr(environ.Address)));
        var first = (NativePointer)m.Memory.Get("string", array)!;        // environ[0]
        Assert.That(first.IsNull, Is.False);
        var entry = m.Memory.String(first);
        Assert.That(entry, Is.EqualTo(Marshal.PtrToStringUTF8(Marshal.ReadIntPtr(array.Address))));
        Assert.That(entry, Does.Contain("="));
    }

    [Test]
    public void Dispose_IsIdempotentAndReleasesTheMemory()
    {
        var m = NativeModule.Open(FfiSpec.Parse(LibcSpec));
        var box = m.Memory.Box("point", new { x = 1, y = 2 });
        var mem = m.Memory;
        m.Dispose();
        Assert.DoesNotThrow(m.Dispose);
        Assert.Multiple(() =>
        {
            Assert.Throws<ObjectDisposedException>(() => _ = m.Memory);
            Assert.Throws<ObjectDisposedException>(() => _ = m.Handle);
            Assert.Throws<ObjectDisposedException>(() => m.GetFunctionAddress("strlen"));
            Assert.Throws<ObjectDisposedException>(() => m.GetVariableAddress("environ"));
            Assert.Throws<ObjectDisposedException>(() => mem.Malloc(1));
            Assert.That(box.Block!.IsLive, Is.False);
            Assert.That(Assert.Throws<FfiMemoryException>(() => mem.Get(box, "x"))!.Message, Does.Contain("use after free"));
        });
    }

    [Test]
    public void Open_MissingLibrary_NamesIt()
    {
        var spec = FfiSpec.Parse("""{"version": "1", "lib": "libdoes-not-exist.so.42"}""");
        var ex = Assert.Throws<FfiBindException>(() => NativeModule.Open(spec));
        Assert.Multiple(() =>
        {
            Assert.That(ex!.Message, Does.Contain("libdoes-not-exist.so.42"));
            Assert.That(ex.Library, Is.EqualTo("libdoes-not-exist.so.42"));
            Assert.That(ex.Symbol, Is.Null);
        });
    }

    [TestCase("""{"version": "1", "lib": "libc.so.6", "functions": [{"name": "no_such_function_xyz", "ret": "void", "params": []}]}""")]
    [TestCase("""{"version": "1", "lib": "libc.so.6", "variables": [{"name": "no_such_function_xyz", "type": "int"}]}""")]
    public void Open_MissingSymbol_NamesSymbolAndLibrary(string json)
    {
        var ex = Assert.Throws<FfiBindException>(() => NativeModule.Open(FfiSpec.Parse(json)));
        Assert.Multiple(() =>
        {
            Assert.That(ex!.Message, Does.Contain("no_such_function_xyz").And.Contain("libc.so.6"));
            Assert.That(ex.Symbol, Is.EqualTo("no_such_function_xyz"));
            Assert.That(ex.Library, Is.EqualTo("libc.so.6"));
        });
    }

    [Test]
    public void Gc_FreeFinalizerDefaultsToTheModuleLibrary()
    {
        using var m = NativeModule.Open(FfiSpec.Parse(LibcSpec));
        var p = m.Memory.Gc(m.Memory.Malloc(16), Finalizer.Function("free"));
        Assert.That(p.Block!.IsGcOwned, Is.True);
        m.Memory.Free(p);
        Assert.That(p.Block.IsLive, Is.False);
    }

    [Test]
    public void Free_RunsTheFinalizerExactlyOnceInsteadOfFree()
    {
        using var m = OpenCounting();
        int before = Count(m);
        var p = m.Memory.Gc(m.Memory.Malloc(32), Finalizer.Function("counting_free"));
        Assert.That(Count(m), Is.EqualTo(before), "attaching runs nothing");
        m.Memory.Free(p);
        Assert.Multiple(() =>
        {
            Assert.That(Count(m), Is.EqualTo(before + 1));
            Assert.That(Last(m), Is.EqualTo(p.Address));
        });
        Assert.Throws<FfiMemoryException>(() => m.Memory.Free(p));
        Assert.That(Count(m), Is.EqualTo(before + 1));
    }

    [Test]
    public void Realloc_MovesTheFinalizer()
    {
        using var m = OpenCounting();
        int before = Count(m);
        var p = m.Memory.Gc(m.Memory.Malloc(8), Finalizer.Function("counting_free", _countingLib));
        var q = m.Memory.Realloc(p, 1 << 16);
        Assert.Multiple(() =>
        {
            Assert.That(Count(m), Is.EqualTo(before), "realloc does not run the finalizer");
            Assert.That(q.Block!.IsGcOwned, Is.True);
            Assert.That(p.Block!.IsLive, Is.False);
        });
        m.Memory.Free(q);
        Assert.Multiple(() =>
        {
            Assert.That(Count(m), Is.EqualTo(before + 1));
            Assert.That(Last(m), Is.EqualTo(q.Address));
        });
    }

    [Test]
    public void Gc_DetachOrReplace_TheFinalizerDoesNotRun()
    {
        using var m = OpenCounting();
        int before = Count(m);
        var p = m.Memory.Gc(m.Memory.Malloc(8), Finalizer.Function("counting_free"));
        m.Memory.Gc(p, Finalizer.None);
        m.Memory.Free(p);
        Assert.That(Count(m), Is.EqualTo(before), "detached: plain free");

        var q = m.Memory.Gc(m.Memory.Malloc(8), Finalizer.Function("counting_free"));
        m.Memory.Gc(q, Finalizer.Free);
        m.Memory.Free(q);
        Assert.That(Count(m), Is.EqualTo(before), "replaced by Free");

        var r = m.Memory.Gc(m.Memory.Malloc(8), Finalizer.Free);
        m.Memory.Gc(r, Finalizer.Function("counting_free"));
        m.Memory.Free(r);
        Assert.That(Count(m), Is.EqualTo(before + 1), "replaced by the symbol, which runs once");
    }
}
