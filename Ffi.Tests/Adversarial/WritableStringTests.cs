using Ffi.Spec;
using Ffi.Values;

namespace Ffi.Tests.Adversarial;

/// <summary>
/// A <c>string</c> for a writable <c>char *</c>: C writes into the temporary UTF-8 copy and past its end (the
/// reproducer: <c>BZ2_bzBuffToBuffCompress</c>'s <c>char *dest</c> aborted the process with <c>free(): invalid size</c>).
/// A string is accepted only for a pointer to <c>const char</c>; each API refuses it with a typed error that names
/// the parameter and the fix. Each case runs in a child process, so a regression is a failed test, not a dead run.
/// </summary>
[TestFixture]
public sealed class WritableStringTests
{
    // bzlib.h: both buffers are plain char * (the library does not write the source, but says it may).
    private const string Bz2 = "int BZ2_bzBuffToBuffCompress(char *dest, unsigned int *destLen, char *source, unsigned int sourceLen, int blockSize100k, int verbosity, int workFactor);";

    public delegate int CompressStrings(string dest, ref uint destLen, string source, uint sourceLen, int blockSize100k, int verbosity, int workFactor);
    public delegate int CompressBuffers(byte[] dest, ref uint destLen, byte[] source, uint sourceLen, int blockSize100k, int verbosity, int workFactor);

    private static NativeModule OpenBz2() => NativeModule.Open(FfiSpec.ParseC(Bz2, "libbz2.so.1"));

    [Test]
    public void Bz2DestAsAStringIsRefusedByTypedDelegates() => Isolated.Run(() =>
    {
        using var m = OpenBz2();
        var ex = Assert.Throws<FfiBindException>(() => m.GetFunction<CompressStrings>("BZ2_bzBuffToBuffCompress"))!;
        Assert.That(ex.Message, Does.Contain("param[0] (dest): String for char*: a string is only passed for a const char pointer"));
        Assert.That(ex.Message, Does.Contain("declare it const char* / \"string\", or pass a buffer"));
        Assert.That(ex.Message, Does.Contain("param[2] (source): String for char*"));
    });

    [Test]
    public void Bz2DestAsAStringIsRefusedByTheDynamicPaths() => Isolated.Run(() =>
    {
        using var m = OpenBz2();
        var destLen = new uint[] { 100 };
        const string expected = "BZ2_bzBuffToBuffCompress: param[0] (char*): String for char*: a string is only passed for a const char pointer";
        Assert.That(() => m.Invoke("BZ2_bzBuffToBuffCompress", "tiny", destLen, "some text to compress", 21u, 9, 0, 0),
            Throws.TypeOf<FfiArgumentException>().With.Message.Contains(expected));
        Assert.That(() => m.Function("BZ2_bzBuffToBuffCompress").Invoke(["tiny", FfiValue.Null, "some text", 9, 9, 0, 0]),
            Throws.TypeOf<FfiArgumentException>().With.Message.Contains(expected));
    });

    [Test]
    public void Bz2WithBuffersCompresses() => Isolated.Run(() =>
    {
        using var m = OpenBz2();
        var source = System.Text.Encoding.UTF8.GetBytes(new string('a', 1000));
        var dest = new byte[200];
        uint destLen = (uint)dest.Length;
        Assert.That(m.GetFunction<CompressBuffers>("BZ2_bzBuffToBuffCompress")(dest, ref destLen, source, (uint)source.Length, 9, 0, 0), Is.Zero, "BZ_OK");
        Assert.That(destLen, Is.InRange(10u, 199u));
        Assert.That(dest[..3], Is.EqualTo("BZh"u8.ToArray()));
    });

    [Test]
    public void ConstCharSpellingsStillTakeStrings() => Isolated.Run(() =>
    {
        using var m = NativeModule.Open(FfiSpec.Parse("""
            { "version": "1", "lib": "libc.so.6", "functions": [
              { "name": "strlen", "ret": "size_t", "params": ["string"] },
              { "name": "atoi", "ret": "int", "params": ["const char *"] },
              { "name": "strcmp", "ret": "int", "params": [{ "kind": "pointer", "to": "char", "const": true }, "const char*"] },
              { "name": "strspn", "ret": "size_t", "params": ["char *", "string"] } ] }
            """));
        Assert.That(m.GetFunction<Func<string, ulong>>("strlen")("héllo"), Is.EqualTo(6));
        Assert.That(m.Invoke("strlen", "abc"), Is.EqualTo(3UL));
        Assert.That(m.GetFunction<Func<string, int>>("atoi")("42"), Is.EqualTo(42));
        Assert.That(m.Invoke("atoi", "-7"), Is.EqualTo(-7));
        Assert.That(m.GetFunction<Func<string, string, int>>("strcmp")("a", "a"), Is.Zero);
        Assert.That(m.Function("strcmp").Invoke(["b", "a"]).ToObject(), Is.Positive);
        Assert.That(() => m.Invoke("strspn", "abc", "a"), Throws.TypeOf<FfiArgumentException>().With.Message.Contains("strspn: param[0]"));
        Assert.That(m.Invoke("strspn", "aab"u8.ToArray().Append((byte)0).ToArray(), "a"), Is.EqualTo(2UL), "a buffer passes");

        using var c = NativeModule.Open(FfiSpec.ParseC("unsigned long strlen(const unsigned char *s);", "libc.so.6"));
        Assert.That(c.GetFunction<Func<string, ulong>>("strlen")("abcd"), Is.EqualTo(4), "const unsigned char * is const too");
    });
}
