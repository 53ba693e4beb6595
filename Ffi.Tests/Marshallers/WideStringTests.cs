using Ffi.Tests.Oracle;
using Ffi.Spec;
using Ffi.Tests.Native;

namespace Ffi.Tests.Marshallers;

/// <summary>
/// <c>string</c> for <c>const wchar_t *</c>: UTF-32 on Linux x86-64 (<c>sizeof(wchar_t) == 4</c>), judged by libc's
/// <c>wcslen</c>/<c>wcscmp</c>/<c>wcschr</c> and by C compiled by gcc for callbacks and results.
/// </summary>
[TestFixture]
public sealed class WideStringTests
{
    private const string Libc = """
        size_t wcslen(const wchar_t *s);
        int wcscmp(const wchar_t *a, const wchar_t *b);
        wchar_t *wcschr(const wchar_t *s, wchar_t c);
        wchar_t *wcscpy(wchar_t *dest, const wchar_t *src);
        """;

    private const string FixtureHeader = """
        typedef int (*wide_fn)(const wchar_t *);
        int call_wide(wide_fn cb, const wchar_t *s);
        const wchar_t *wide_hello(void);
        int wide_is_hello(const wchar_t *s);
        """;

    private const string FixtureBodies = """
        int call_wide(wide_fn cb, const wchar_t *s) { return cb(s); }
        const wchar_t *wide_hello(void) { return L"h\u00e9llo \U0001F600"; }
        int wide_is_hello(const wchar_t *s) { return wcscmp(s, wide_hello()) == 0; }
        """;

    private const string Hello = "héllo 😀"; // 7 code points, 8 UTF-16 chars

    private NativeModule _libc = null!;
    private NativeModule _m = null!;

    [OneTimeSetUp]
    public void Open()
    {
        _libc = NativeModule.Open(FfiSpec.ParseC(Libc, "libc.so.6"));
        var lib = Gcc.Compile("#include <wchar.h>\n" + FixtureHeader + FixtureBodies, "wide", "-shared -fPIC");
        _m = NativeModule.Open(FfiSpec.ParseC(FixtureHeader, lib));
    }

    [OneTimeTearDown]
    public void Close()
    {
        _libc.Dispose();
        _m.Dispose();
    }

    [Test]
    public void WcslenCountsCodePointsAcrossTheStackBufferLimit()
    {
        var wcslen = _libc.GetFunction<Func<string, ulong>>("wcslen");
        Assert.That(wcslen(""), Is.Zero);
        Assert.That(wcslen(Hello), Is.EqualTo(7), "a surrogate pair is one wchar_t");
        foreach (int n in new[] { 62, 63, 64, 65, 1000, 100_000 })
            Assert.That(wcslen(new string('w', n)), Is.EqualTo((ulong)n), $"{n} code points");
        Assert.That(wcslen(string.Concat(Enumerable.Repeat("😀", 40))), Is.EqualTo(40), "80 UTF-16 chars, 40 code points");
    }

    [Test]
    public void WcscmpAndWcschrSeeTheSameText()
    {
        var wcscmp = _libc.GetFunction<Func<string, string, int>>("wcscmp");
        Assert.That(wcscmp(Hello, Hello), Is.Zero);
        Assert.That(wcscmp("abc", "abd"), Is.Negative);
        Assert.That(wcscmp("😀", "\uffff"), Is.Positive, "U+1F600 > U+FFFF as UTF-32, not as UTF-16");
        var wcschr = _libc.GetFunction<Func<string, int, string?>>("wcschr");
        Assert.That(wcschr(Hello, 'l'), Is.EqualTo("llo 😀"), "the result is read before the copy is released");
        Assert.That(wcschr(Hello, 0x1F600), Is.EqualTo("😀"));
        Assert.That(wcschr(Hello, 'z'), Is.Null);
    }

    [Test]
    public void WideResultsAndCallbackArgumentsAreRead()
    {
        Assert.That(_m.GetFunction<Func<string>>("wide_hello")(), Is.EqualTo(Hello));
        Assert.That(_m.GetFunction<Func<string, int>>("wide_is_hello")(Hello), Is.EqualTo(1));
        string? seen = null;
        var call = _m.GetFunction<Func<Func<string, int>, string, int>>("call_wide");
        Assert.That(call(s => { seen = s; return s.Length; }, Hello), Is.EqualTo(8));
        Assert.That(seen, Is.EqualTo(Hello));
        using var handle = _m.Callbacks.Register("wide_fn", (Func<string, int>)(s => s == Hello ? 42 : 0));
        Assert.That(_m.GetFunction<Func<nint, string, int>>("call_wide")(handle.Address, Hello), Is.EqualTo(42));
    }

    [Test]
    public void JsonSpellingsOfConstWcharTake()
    {
        using var m = NativeModule.Open(FfiSpec.Parse("""
            { "version": "1", "lib": "libc.so.6", "functions": [
              { "name": "wcslen", "ret": "size_t", "params": ["const wchar_t *"] },
              { "name": "wcscmp", "ret": "int", "params": [{ "kind": "pointer", "to": "wchar_t", "const": true }, "const wchar_t*"] } ] }
            """));
        Assert.That(m.GetFunction<Func<string, ulong>>("wcslen")(Hello), Is.EqualTo(7));
        Assert.That(m.GetFunction<Func<string, string, int>>("wcscmp")("x", "x"), Is.Zero);
    }

    [Test]
    public void AStringForAWritableWcharPointerIsRefused()
    {
        var ex = Assert.Throws<FfiBindException>(() => _libc.GetFunction<Func<string, string, nint>>("wcscpy"))!;
        Assert.That(ex.Message, Does.Contain("param[0]: String does not map to wchar_t*"));
        Assert.That(ex.Message, Does.Not.Contain("param[1]"), "the source is const");
        var buffer = new int[16];
        Assert.That(_libc.GetFunction<Func<int[], string, nint>>("wcscpy")(buffer, "abc"), Is.Not.Zero);
        Assert.That(buffer[..4], Is.EqualTo(new[] { 'a', 'b', 'c', 0 }));
    }

    [Test]
    public void DynamicCallsTakeNoWideStrings()
    {
        // Wide strings are a typed-delegate feature; the dynamic paths refuse them with a typed error.
        Assert.That(() => _libc.Invoke("wcslen", "abc"), Throws.InstanceOf<FfiArgumentException>().With.Message.Contains("wcslen: param[0]"));
    }
}
