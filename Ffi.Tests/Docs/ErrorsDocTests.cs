using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Ffi.Memory;
using Ffi.Spec;

namespace Ffi.Tests.Docs;

/// <summary>
/// docs/errors.md: each exception is triggered as the page shows it, against the GNU C library through the page's own
/// spec, and its message must appear in the page word for word (addresses aside: they differ per run).
/// </summary>
[TestFixture]
public sealed partial class ErrorsDocTests
{
    private static readonly Lazy<string> PageText = new(() => DocText.Read("docs/errors.md"));
    private FfiSpec _spec = null!;
    private NativeModule _libc = null!;

    [SetUp]
    public void Open()
    {
        _spec = FfiSpec.Parse(DocText.Blocks(PageText.Value, "json").Single());
        _libc = NativeModule.Open(_spec);
    }

    [TearDown]
    public void Close() => _libc.Dispose();

    // The message must be on the page; addresses are compared as 0x….
    private static void Documented(Exception e) =>
        Assert.That(Normalize(PageText.Value).Contains(Normalize(e.Message), StringComparison.Ordinal), Is.True,
            $"{e.GetType().Name}'s message is not in docs/errors.md:\n{e.Message}\n");

    private static string Normalize(string text) => AddressRegex().Replace(text, "0x…");

    [GeneratedRegex("0x[0-9a-f]+")]
    private static partial Regex AddressRegex();

    private static T Expect<T>(Action code) where T : Exception
    {
        var e = Assert.Throws<T>(() => code())!;
        Documented(e);
        return e;
    }

    [Test]
    public void EveryEngineExceptionIsAnFfiException()
    {
        Assert.That(Expect<FfiArgumentException>(() => _libc.Invoke("abs", "seven")), Is.InstanceOf<FfiException>());
        foreach (var t in new[] { typeof(FfiSpecException), typeof(FfiBindException), typeof(FfiArgumentException), typeof(FfiMemoryException),
                     typeof(FfiCapabilityDeniedException), typeof(FfiCallbackException), typeof(FfiNameException), typeof(FfiDynamicCodeException) })
        {
            Assert.That(t.IsSubclassOf(typeof(FfiException)), t.Name);
            Assert.That(PageText.Value, Does.Contain("## `" + t.Name + "`"));
        }
    }

    [Test]
    public void SpecErrorsCarryTheirJsonPath()
    {
        var e = Expect<FfiSpecException>(() => FfiSpec.Parse("""
              { "version": "1", "lib": "libc.so.6", "types": {
                  "point": { "kind": "struct", "fields": [ { "name": "x", "type": "int" }, { "name": "y", "type": "flaot" } ] } } }
              """));
        Assert.That((e.JsonPath, e.Reason), Is.EqualTo(("types.point.fields[1].type", "unknown type \"flaot\" (did you mean \"float\"?)")));

        Expect<FfiSpecException>(() => FfiSpec.Parse("""
            { "version": "1", "lib": "libz.so.1", "functions": [ { "name": "crc32", "ret": "ulong", "params": ["ulong", "uLongf", "uint"] } ] }
            """));
        Expect<FfiSpecException>(() => FfiSpec.Parse("""
            { "version": "1", "lib": "libc.so.6", "functions": [ { "name": "getenv", "ret": "char*", "params": ["string"], "ret_as_string": true } ] }
            """));
        Assert.That(FfiSpec.TryParse("""{ "version": 1, "lib": "x" }""", out _, out var error), Is.False);
        Expect<FfiSpecException>(() => FfiSpec.Parse("""{ "version": "1", "lib": x }"""));
        Assert.That(error, Is.Not.Null);
    }

    [Test]
    public void BindErrorsNameTheLibraryAndTheSymbol()
    {
        var lib = Assert.Throws<FfiBindException>(() => NativeModule.Open(FfiSpec.Parse("""{ "version": "1", "lib": "libnope.so.1" }""")))!;
        var firstLine = lib.Message.Split('\n')[0];
        Assert.That(PageText.Value, Does.Contain(firstLine[..(firstLine.IndexOf("dependencies.", StringComparison.Ordinal) + "dependencies.".Length)]));
        Assert.That((lib.Library, lib.Symbol), Is.EqualTo(("libnope.so.1", (string?)null)));
        Assert.That(lib.InnerException, Is.TypeOf<DllNotFoundException>());

        var sym = Expect<FfiBindException>(() => NativeModule.Open(FfiSpec.Parse("""
            { "version": "1", "lib": "libc.so.6", "functions": [ { "name": "strlenn", "ret": "size_t", "params": ["string"] } ] }
            """)));
        Assert.That((sym.Library, sym.Symbol), Is.EqualTo(("libc.so.6", "strlenn")));

        Expect<FfiBindException>(() => _libc.GetFunction<Func<long, double>>("abs"));
        Expect<FfiBindException>(() => _libc.GetFunction<Action<int[], nuint, nuint, Func<long, long, int>>>("qsort"));
    }

    [Test]
    public void HostileLibrariesAreRefusedBeforeDlopen()
    {
        var dir = Directory.CreateDirectory("/tmp/ffi-errors-doc").FullName;
        var notes = Path.Combine(dir, "notes.so");
        File.WriteAllText(notes, "These are notes, not a library: sixty-four bytes or more of plain text.\n");
        // An Elf64_Ehdr alone: ELFCLASS64, little endian, ET_DYN, EM_X86_64, one program header at offset 64 (absent).
        var header = new byte[64];
        new byte[] { 0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1 }.CopyTo(header, 0);
        header[16] = 3; header[18] = 62; header[20] = 1; header[32] = 64; header[54] = 56; header[56] = 1;
        var truncated = Path.Combine(dir, "truncated.so");
        File.WriteAllBytes(truncated, header);
        foreach (var lib in new[] { "libc.so.6\0junk", "/tmp", "/dev/zero", notes, truncated })
            Expect<FfiBindException>(() => NativeModule.Open(FfiSpec.Parse($$"""{ "version": "1", "lib": {{System.Text.Json.JsonSerializer.Serialize(lib)}} }""")));
        var data = Expect<FfiBindException>(() => NativeModule.Open(FfiSpec.Parse("""
            { "version": "1", "lib": "libc.so.6", "functions": [ { "name": "stdout", "ret": "int", "params": [] } ] }
            """)));
        Assert.That((data.Library, data.Symbol), Is.EqualTo(("libc.so.6", "stdout")));
    }

    [Test]
    public void ArgumentErrorsSayWhereAndWhy()
    {
        var e = Expect<FfiArgumentException>(() => _libc.Invoke("abs", 1.5));
        Assert.That((e.Where, e.Reason), Is.EqualTo(("abs: param[0] (int)", "non-integral float to int: Double 1.5 for int")));
        Expect<FfiArgumentException>(() => _libc.Invoke("abs", "seven"));
        Expect<FfiArgumentException>(() => _libc.Invoke("abs", 3_000_000_000L));
        Expect<FfiArgumentException>(() => _libc.Invoke("sleep", -1));
        Expect<FfiArgumentException>(() => _libc.Memory.Set(_libc.Memory.Box("div_t"), "quot", 1L << 40));

        var dir = (NativePointer)_libc.Invoke("opendir", "/")!;
        try
        {
            Expect<FfiArgumentException>(() => _libc.Invoke("fclose", dir));
        }
        finally
        {
            _libc.Invoke("closedir", dir);
        }

        Expect<FfiArgumentException>(() => _libc.Invoke("abs", 1, 2));
        Expect<FfiArgumentException>(() => _libc.Invoke("qsort", new int[4], 4UL, 4UL, (Func<int, int>)(x => x)));
    }

    [Test]
    public void MemoryErrorsRefuseTheAccess()
    {
        var box = _libc.Memory.Box("div_t", new { quot = 1, rem = 2 });
        Expect<FfiMemoryException>(() => _libc.Memory.Copy(box, new byte[12], 12));
        _libc.Memory.Free(box);
        Expect<FfiMemoryException>(() => _libc.Memory.Get(box, "quot"));
        Expect<FfiMemoryException>(() => _libc.Memory.Free(box));

        var buf = _libc.Memory.Malloc(16);
        var raw = NativePointer.FromAddress(buf.Address);
        _libc.Memory.Free(raw);
        Expect<FfiMemoryException>(() => _libc.Memory.Free(raw));
        Expect<FfiMemoryException>(() => _libc.Memory.Realloc(raw, 32));
        Expect<FfiMemoryException>(() => _libc.Memory.String(NativePointer.FromAddress(buf.Address), 4L << 30));
    }

    [Test]
    public void CapabilitiesMustBeGranted()
    {
        var e = Expect<FfiCapabilityDeniedException>(() => _libc.Invoke("unlink", "/tmp/nothing-here"));
        Assert.That((e.Symbol, e.Capability), Is.EqualTo(("unlink", "fs")));
        using var granted = NativeModule.Open(_spec, new FfiOptions { Grants = new HashSet<string> { "fs" } });
        Assert.That(granted.Invoke("unlink", "/tmp/ffi-errors-doc-nothing-here"), Is.EqualTo(-1));
    }

    [Test]
    public void CallbackFailuresComeBackFromTheCall()
    {
        int[] data = [5, 3, 9, 1];
        var e = Expect<FfiCallbackException>(() => _libc.Invoke("qsort", data, 4UL, 4UL, (Func<nint, nint, int>)((a, b) => throw new InvalidOperationException("no"))));
        Assert.That((e.Function, e.Callback, e.IsStaleCall, e.InnerException?.Message), Is.EqualTo(("qsort", "cmp_fn", false, "no")));
        var bad = Expect<FfiCallbackException>(() => _libc.Invoke("qsort", data, 4UL, 4UL, (FfiCallbackHandler)(args => "text")));
        Assert.That(bad.InnerException, Is.TypeOf<FfiArgumentException>());
    }

    [Test]
    public void StaleCallsAreReported()
    {
        int[] data = [5, 3, 9, 1];
        var cmp = _libc.Callbacks.Register("cmp_fn", (Func<nint, nint, int>)((a, b) => 0));
        cmp.Dispose();
        var e = Expect<FfiCallbackException>(() => _libc.Invoke("qsort", data, 4UL, 4UL, cmp.Address));
        Assert.That((e.IsStaleCall, e.Function, e.Callback), Is.EqualTo((true, (string?)null, "cmp_fn")));
        Assert.That(e.Message, Does.Contain($"0x{cmp.Address:x}"));
        Assert.That(_libc.Callbacks.StaleCallCount, Is.GreaterThan(0));
    }

    [Test]
    public void FailuresOnThreadsThatCStartedGoToTheEvent()
    {
        var printed = new ConcurrentQueue<string>();
        _libc.CallbackFailed += (_, e) => printed.Enqueue($"{e.Callback}: {e.Exception.Message}");
        using var worker = _libc.Callbacks.Register("start_fn", (Func<nint, nint>)(arg => throw new InvalidOperationException("worker failed")));
        var thread = new ulong[1];
        Assert.That(_libc.Invoke("pthread_create", thread, null, worker, null), Is.Zero);
        Assert.That(_libc.Invoke("pthread_join", thread[0], null), Is.Zero);
        Assert.That(printed, Is.EqualTo(new[] { "start_fn: worker failed" }));
        Assert.That(PageText.Value, Does.Contain("// start_fn: worker failed"));
        Assert.That(_libc.Callbacks.FailedCount, Is.EqualTo(1));
    }

    [Test]
    public void ADisposedModuleRefusesEverything()
    {
        var abs = _libc.GetFunction<Func<int, int>>("abs");
        var function = _libc.Function("abs");
        _libc.Dispose();
        Expect<ObjectDisposedException>(() => abs(-1));
        Expect<ObjectDisposedException>(() => function.Invoke(-1));
        Expect<ObjectDisposedException>(() => _libc.Invoke("abs", -1));
        Expect<ObjectDisposedException>(() => _ = _libc.Memory);
        Expect<ObjectDisposedException>(() => _ = _libc.Callbacks);
        _libc.Dispose();
    }

    [Test]
    public void UnknownNamesAreFfiNameExceptions()
    {
        var e = Expect<FfiNameException>(() => _libc.Invoke("strlen", "x"));
        Assert.That((e.Kind, e.Name), Is.EqualTo(("function", "strlen")));
        Expect<FfiNameException>(() => _libc.Invoke("sleeep", 1));
        e = Expect<FfiNameException>(() => _libc.Variable("environ"));
        Assert.That((e.Kind, e.Name), Is.EqualTo(("variable", "environ")));
        Assert.That(() => _libc.GetFunction<Func<int, int>>("strlen"), Throws.TypeOf<FfiNameException>());
        e = Expect<FfiNameException>(() => _ = _spec.Types["div_tt"]);
        Assert.That((e.Kind, e.Name), Is.EqualTo(("type", "div_tt")));
        e = Expect<FfiNameException>(() => _libc.Memory.SizeOf("div_tt"));
        Assert.That(_libc.TryGetFunction("strlen", out _), Is.False);
        Assert.That(_libc.TryGetFunction("abs", out var abs) && abs.Spec.Name == "abs", Is.True);
    }

    [Test]
    public void NullIsAnArgumentNullExceptionAndEveryOtherMisuseAnFfiException()
    {
        Expect<ArgumentNullException>(() => _libc.Invoke(null!));
        Expect<FfiArgumentException>(() => _libc.FunctionAt(0, "cmp_fn"));
        Assert.That(Assert.Throws<FfiArgumentException>(() => _libc.FunctionAt(16, "div_t"))!.Message, Does.EndWith("div_t is not a function pointer type"));
        Assert.That(Assert.Throws<FfiNameException>(() => _libc.FunctionAt(16, "cmp_fun"))!.Message, Does.Contain("did you mean \"cmp_fn\""));
        Assert.That(Assert.Throws<ArgumentNullException>(() => _libc.GetFunction<Func<int>>(null!))!.ParamName, Is.EqualTo("name"));
    }
}
