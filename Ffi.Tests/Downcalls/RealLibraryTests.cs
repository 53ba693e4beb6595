using System.Text;
using Ffi.Memory;
using Ffi.Spec;
using Ffi.Tests.Native;

namespace Ffi.Tests.Downcalls;

/// <summary>Dynamic calls into libc, libm and libz, and variadic calls through the %al thunk.</summary>
[TestFixture]
public sealed class RealLibraryTests
{
    private const string LibcSpec = """
        { "version": "1", "lib": "libc.so.6",
          "types": {
            "div_t": { "kind": "struct", "fields": [ {"name":"quot","type":"int"}, {"name":"rem","type":"int"} ] },
            "ldiv_t": { "kind": "struct", "fields": [ {"name":"quot","type":"long"}, {"name":"rem","type":"long"} ] },
            "tm": { "kind": "struct", "fields": [
              {"name":"tm_sec","type":"int"}, {"name":"tm_min","type":"int"}, {"name":"tm_hour","type":"int"},
              {"name":"tm_mday","type":"int"}, {"name":"tm_mon","type":"int"}, {"name":"tm_year","type":"int"},
              {"name":"tm_wday","type":"int"}, {"name":"tm_yday","type":"int"}, {"name":"tm_isdst","type":"int"},
              {"name":"tm_gmtoff","type":"long"}, {"name":"tm_zone","type":"string"} ] }
          },
          "functions": [
            { "name": "strlen", "ret": "size_t", "params": ["string"] },
            { "name": "abs", "ret": "int", "params": ["int"] },
            { "name": "labs", "ret": "long", "params": ["long"] },
            { "name": "strtol", "ret": "long", "params": ["string", "pointer", "int"], "errno": true },
            { "name": "snprintf", "ret": "int", "params": ["pointer", "size_t", "string"], "variadic": true },
            { "name": "getenv", "ret": "string", "params": ["string"], "ret_as_str": true },
            { "name": "setenv", "ret": "int", "params": ["string", "string", "int"] },
            { "name": "div", "ret": "div_t", "params": ["int", "int"] },
            { "name": "ldiv", "ret": "ldiv_t", "params": ["long", "long"] },
            { "name": "gmtime_r", "ret": {"kind":"pointer","to":"tm"}, "params": [{"kind":"pointer","to":"long"}, {"kind":"pointer","to":"tm"}] },
            { "name": "unlink", "ret": "int", "params": ["string"], "caps": ["fs"] }
          ] }
        """;

    private NativeModule _libc = null!;

    [OneTimeSetUp]
    public void Open() => _libc = NativeModule.Open(FfiSpec.Parse(LibcSpec));

    [OneTimeTearDown]
    public void Close() => _libc.Dispose();

    [Test]
    public void Scalars()
    {
        Assert.That(_libc.Invoke("strlen", "hello"), Is.EqualTo(5UL));
        Assert.That(_libc.Invoke("strlen", "h\u00e9llo"), Is.EqualTo(6UL), "UTF-8 bytes");
        Assert.That(_libc.Invoke("abs", -42), Is.EqualTo(42));
        Assert.That(_libc.Invoke("labs", long.MinValue + 1), Is.EqualTo(long.MaxValue));
    }

    [Test]
    public void StrtolCapturesErrnoRightAfterTheCall()
    {
        Assert.That(_libc.Invoke("strtol", "12345", null, 10), Is.EqualTo(12345L));
        Assert.That(NativeModule.LastErrno, Is.Zero);
        Assert.That(_libc.Invoke("strtol", "99999999999999999999999", null, 10), Is.EqualTo(long.MaxValue));
        Assert.That(NativeModule.LastErrno, Is.EqualTo(34), "ERANGE");
    }

    [Test]
    public void SnprintfWithIntsDoublesAndStringsThroughTheThunk()
    {
        var buf = _libc.Memory.Malloc(128);
        var n = _libc.Invoke("snprintf", buf, 128UL, "%d|%s|%.3f|%lld|%g", new object?[] { 42, "abc", 3.14159, 1L << 40, 2.5f });
        var text = _libc.Memory.String(buf);
        Assert.That(text, Is.EqualTo("42|abc|3.142|1099511627776|2.5"));
        Assert.That(n, Is.EqualTo(text.Length));
    }

    [Test]
    public void GetenvReturnsAStringOrNull()
    {
        // .NET keeps its own copy of the environment on Unix; set the C one through libc itself.
        Assert.That(_libc.Invoke("setenv", "FFI_TEST_VALUE", "v-1", 1), Is.Zero);
        Assert.That(_libc.Invoke("getenv", "FFI_TEST_VALUE"), Is.EqualTo("v-1"));
        Assert.That(_libc.Invoke("getenv", "FFI_TEST_SURELY_UNSET_42"), Is.Null);
    }

    [Test]
    public void StructsReturnedByValueBecomeOwnedStorage()
    {
        var d = (StructValue)_libc.Invoke("div", 17, 5)!;
        Assert.That(d["quot"], Is.EqualTo(3));
        Assert.That(d["rem"], Is.EqualTo(2));
        Assert.That(d.Type.Name, Is.EqualTo("div_t"));
        var l = (StructValue)_libc.Invoke("ldiv", -17L, 5L)!;
        Assert.That(_libc.Memory.Get(l.Pointer, "quot"), Is.EqualTo(-3L));
        Assert.That(l["rem"], Is.EqualTo(-2L));
        Assert.That(l.Pointer.Extent, Is.EqualTo(16), "bounds-checked like any engine allocation");

        d["rem"] = 4;
        Assert.That(d["rem"], Is.EqualTo(4), "members write the owned storage");
        Assert.That(() => d["nope"], Throws.TypeOf<FfiArgumentException>());
    }

    [Test]
    public void GmtimeFillsAStructThroughPointers()
    {
        var t = _libc.Memory.New("long");
        _libc.Memory.Set("long", t, "", 86400L * 365 + 3600 * 5 + 61); // 1971-01-01 05:01:01 UTC
        var tm = _libc.Memory.Box("tm");
        var r = (NativePointer)_libc.Invoke("gmtime_r", t, tm)!;
        Assert.That(r.Address, Is.EqualTo(tm.Address));
        Assert.That(_libc.Memory.Get(tm, "tm_year"), Is.EqualTo(71));
        Assert.That(_libc.Memory.Get(tm, "tm_hour"), Is.EqualTo(5));
        Assert.That(_libc.Memory.Get(tm, "tm_sec"), Is.EqualTo(1));
        Assert.That(_libc.Memory.String((NativePointer)_libc.Memory.Get(tm, "tm_zone")!), Is.EqualTo("GMT"));
    }

    [Test]
    public void ConversionErrorsNameFunctionParameterAndType()
    {
        var ex = Assert.Throws<FfiArgumentException>(() => _libc.Invoke("abs", 1L << 40));
        Assert.That(ex!.Message, Is.EqualTo("abs: param[0] (int): integer out of range: 1099511627776 for int (-2147483648..2147483647)"));
        ex = Assert.Throws<FfiArgumentException>(() => _libc.Invoke("abs", 1.5));
        Assert.That(ex!.Message, Does.Contain("non-integral float to int"));
        ex = Assert.Throws<FfiArgumentException>(() => _libc.Invoke("abs"));
        Assert.That(ex!.Message, Is.EqualTo("abs: expected 1 argument(s), got 0"));
        ex = Assert.Throws<FfiArgumentException>(() => _libc.Invoke("snprintf", null, 0UL, "x", 5));
        Assert.That(ex!.Message, Does.Contain("variadic function takes its extra arguments as one final array"));
    }

    [Test]
    public void CapabilitiesGateCallsBeforeAnythingIsMarshalled()
    {
        var ex = Assert.Throws<FfiCapabilityDeniedException>(() => _libc.Invoke("unlink", "/nonexistent/ffi-test"));
        Assert.That(ex!.Message, Does.StartWith("unlink: capability \"fs\" was not granted"));
        using var granted = NativeModule.Open(FfiSpec.Parse(LibcSpec), new FfiOptions { Grants = new HashSet<string> { "fs" } });
        Assert.That(granted.Invoke("unlink", "/nonexistent/ffi-test"), Is.EqualTo(-1));
    }

    [Test]
    public void CallsAfterDisposeThrowObjectDisposed()
    {
        var m = NativeModule.Open(FfiSpec.Parse(LibcSpec));
        var strlen = m.Function("strlen");
        m.Dispose();
        Assert.Throws<ObjectDisposedException>(() => strlen.Invoke("x"));
        Assert.Throws<ObjectDisposedException>(() => m.Invoke("strlen", "x"));
    }

    [Test]
    public void Libm()
    {
        using var m = NativeModule.Open(FfiSpec.Parse("""
            { "version": "1", "lib": "libm.so.6", "functions": [
              { "name": "cos", "ret": "double", "params": ["double"] },
              { "name": "pow", "ret": "double", "params": ["double", "double"] },
              { "name": "frexp", "ret": "double", "params": ["double", {"kind":"pointer","to":"int"}] },
              { "name": "modf", "ret": "double", "params": ["double", {"kind":"pointer","to":"double"}] },
              { "name": "cosf", "ret": "float", "params": ["float"] } ] }
            """));
        Assert.That(m.Invoke("cos", 0.0), Is.EqualTo(1.0));
        Assert.That(m.Invoke("pow", 2, 10), Is.EqualTo(1024.0), "integers convert to double");
        Assert.That(m.Invoke("cosf", 0f), Is.EqualTo(1f));
        var exp = new int[1];
        Assert.That(m.Invoke("frexp", 48.0, exp), Is.EqualTo(0.75));
        Assert.That(exp[0], Is.EqualTo(6), "out parameter through a pinned array");
        var ip = m.Memory.New("double");
        Assert.That(m.Invoke("modf", 3.25, ip), Is.EqualTo(0.25));
        Assert.That(m.Memory.Get("double", ip), Is.EqualTo(3.0));
    }

    [Test]
    public void Zlib()
    {
        using var z = NativeModule.Open(FfiSpec.Parse("""
            { "version": "1", "lib": "libz.so.1", "functions": [
              { "name": "zlibVersion", "ret": "string", "params": [], "ret_as_str": true },
              { "name": "crc32", "ret": "ulong", "params": ["ulong", {"kind":"pointer","to":"uint8"}, "uint"] },
              { "name": "adler32", "ret": "ulong", "params": ["ulong", {"kind":"pointer","to":"uint8"}, "uint"] },
              { "name": "compressBound", "ret": "ulong", "params": ["ulong"] },
              { "name": "compress", "ret": "int", "params": ["pointer", {"kind":"pointer","to":"ulong"}, "pointer", "ulong"] },
              { "name": "uncompress", "ret": "int", "params": ["pointer", {"kind":"pointer","to":"ulong"}, "pointer", "ulong"] } ] }
            """));
        Assert.That((string)z.Invoke("zlibVersion")!, Does.Match(@"^1\.\d+"));
        var data = Encoding.ASCII.GetBytes("The quick brown fox jumps over the lazy dog");
        Assert.That(z.Invoke("crc32", 0UL, data, (uint)data.Length), Is.EqualTo(0x414FA339UL));
        Assert.That(z.Invoke("adler32", 1UL, data, (uint)data.Length), Is.EqualTo(0x5BDC0FDAUL));

        var text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("round trip through zlib; ", 200)));
        var bound = (ulong)z.Invoke("compressBound", (ulong)text.Length)!;
        var packed = new byte[bound];
        var packedLen = new[] { bound };
        Assert.That(z.Invoke("compress", packed, packedLen, text, (ulong)text.Length), Is.Zero);
        Assert.That(packedLen[0], Is.LessThan((ulong)text.Length / 10));
        var back = new byte[text.Length];
        var backLen = new[] { (ulong)back.Length };
        Assert.That(z.Invoke("uncompress", back, backLen, packed, packedLen[0]), Is.Zero);
        Assert.That(backLen[0], Is.EqualTo((ulong)text.Length));
        Assert.That(back, Is.EqualTo(text));
    }

    [Test]
    public void VariadicDoublesReachAFunctionWhoseAddressEndsIn00()
    {
        using var m = NativeModule.Open(FfiSpec.Parse($$"""
            { "version": "1", "lib": "{{Fixtures.VariadicLibrary}}", "functions": [
              { "name": "sum_doubles", "ret": "double", "params": ["int"], "variadic": true },
              { "name": "mixed", "ret": "longlong", "params": ["string"], "variadic": true } ] }
            """));
        Assert.That((long)m.GetFunctionAddress("sum_doubles") & 0xFF, Is.Zero, "the fixture must sit on a 256-byte boundary");
        var xs = Enumerable.Range(1, 12).Select(i => i * 1.5).ToArray();
        double expected = xs.Select((x, i) => x * (i + 1)).Sum();
        Assert.That(m.Invoke("sum_doubles", xs.Length, xs.Cast<object?>().ToArray()), Is.EqualTo(expected));

        long h = 0;
        foreach (var part in new object[] { 7, 1L << 40, 2.5, "hi" })
            h = part switch { int i => h * 31 + i, long l => h * 31 + l, double d => h * 31 + (long)(d * 1000), _ => "hi".Aggregate(h, (a, ch) => a * 31 + ch) };
        Assert.That(m.Invoke("mixed", "ilds", new object?[] { 7, 1L << 40, 2.5, "hi" }), Is.EqualTo(h));
    }
}
