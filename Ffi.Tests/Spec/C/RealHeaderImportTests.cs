using System.Text.Json.Nodes;
using Ffi.Demo.Import;
using Ffi.Spec;
using Ffi.Tests.Layout;
using Ffi.Types;
using Ffi.Tests.Oracle;

namespace Ffi.Tests.Spec.C;

/// <summary>
/// Real headers imported as <c>ffi import</c> does (gcc -E, then the C reader keeping the named header's
/// declarations): every imported struct and union is checked against gcc — size, alignment, every named
/// member's offset and every bitfield's position — and real calls go through the imported specs.
/// </summary>
[TestFixture]
public sealed unsafe class RealHeaderImportTests
{
    private static FfiSpec Import(string header, string lib, string? only = null)
    {
        var notes = new List<string>();
        return HeaderImporter.Import(new HeaderImporter.Request([header], lib, [], [], only), notes);
    }

    // The imported spec narrowed to some functions (a header declares more than one library build exports),
    // written as JSON and read back: the JSON an import prints is a spec that works.
    private static NativeModule Open(FfiSpec spec, params string[] functions)
    {
        var doc = JsonNode.Parse(spec.ToJson())!.AsObject();
        var kept = new JsonArray(doc["functions"]!.AsArray().Where(f => functions.Contains((string)f!["name"]!)).Select(f => f!.DeepClone()).ToArray());
        Assert.That(kept, Has.Count.EqualTo(functions.Length), "every function was imported");
        doc["functions"] = kept;
        doc["variables"] = new JsonArray();
        return NativeModule.Open(FfiSpec.Parse(doc.ToJsonString()));
    }

    [TestCase("zlib.h", "libz.so.1", 1)]
    [TestCase("bzlib.h", "libbz2.so.1.0", 1)]
    [TestCase("sqlite3.h", "libsqlite3.so.0", 5)]
    [TestCase("openssl/evp.h", "libcrypto.so.3", 3)]
    [TestCase("time.h", "libc.so.6", 2)]
    [TestCase("stdio.h", "libc.so.6", 1)]
    public void ImportedAggregatesMatchGcc(string header, string lib, int minAggregates)
    {
        var spec = Import(header, lib);
        var cases = spec.Types.Names
            .Where(n => !spec.Types.IsAlias(n) && spec.Types[n] is AggregateType)
            .Select(n => new LayoutCase(n, "", "", ((AggregateType)spec.Types[n]).Fields.Where(f => !f.IsUnnamed).Select(f => (f.Name, f.IsBitfield)).ToList()))
            .ToList();
        Assert.That(cases, Has.Count.GreaterThanOrEqualTo(minAggregates));
        var gcc = GccLayoutOracle.AskGcc(cases, $"#include <{header}>");
        var diffs = GccLayoutOracle.Diff(gcc, GccLayoutOracle.AskEngine(spec, cases));
        Assert.That(diffs, Is.Empty, () => string.Join("\n", diffs.Take(20)));
        Assert.That(spec.Functions, Is.Not.Empty);
    }

    [Test]
    public void ZlibCrc32AndCompressRoundTrip()
    {
        var spec = Import("zlib.h", "libz.so.1");
        Assert.That(spec.Constants.Single(c => c.Key == "Z_OK").Value, Is.Zero);
        Assert.That(spec.Constants.Single(c => c.Key == "Z_BEST_COMPRESSION").Value, Is.EqualTo(9));
        using var z = Open(spec, "crc32", "compress", "uncompress", "compressBound", "zlibVersion");
        var hello = "hello, world"u8.ToArray();
        fixed (byte* p = hello)
            Assert.That(z.Invoke("crc32", 0UL, (nint)p, (uint)hello.Length), Is.EqualTo(0xFFAB723AUL), "python3 -c 'import zlib; print(hex(zlib.crc32(b\"hello, world\")))'");
        Assert.That(z.Invoke("zlibVersion"), Is.InstanceOf<string>().And.StartsWith("1."), "const char * returns are strings");

        var input = System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("compress me ", 200)));
        ulong bound = (ulong)z.Invoke("compressBound", (ulong)input.Length)!;
        var packed = new byte[bound];
        var unpacked = new byte[input.Length];
        ulong packedLen = bound, unpackedLen = (ulong)unpacked.Length;
        fixed (byte* src = input, dst = packed, back = unpacked)
        {
            Assert.That(z.Invoke("compress", (nint)dst, (nint)(&packedLen), (nint)src, (ulong)input.Length), Is.Zero);
            Assert.That(packedLen, Is.LessThan((ulong)input.Length / 4));
            Assert.That(z.Invoke("uncompress", (nint)back, (nint)(&unpackedLen), (nint)dst, packedLen), Is.Zero);
        }
        Assert.That(unpacked, Is.EqualTo(input));
    }

    [Test]
    public void Bzip2RoundTrip()
    {
        var spec = Import("bzlib.h", "libbz2.so.1.0");
        Assert.That(spec.Constants.Single(c => c.Key == "BZ_OK").Value, Is.Zero);
        using var bz = Open(spec, "BZ2_bzBuffToBuffCompress", "BZ2_bzBuffToBuffDecompress");
        var input = System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("bzip2 round trip ", 300)));
        var packed = new byte[input.Length + 600];
        var unpacked = new byte[input.Length];
        uint packedLen = (uint)packed.Length, unpackedLen = (uint)unpacked.Length;
        fixed (byte* src = input, dst = packed, back = unpacked)
        {
            Assert.That(bz.Invoke("BZ2_bzBuffToBuffCompress", (nint)dst, (nint)(&packedLen), (nint)src, (uint)input.Length, 9, 0, 30), Is.Zero);
            Assert.That(bz.Invoke("BZ2_bzBuffToBuffDecompress", (nint)back, (nint)(&unpackedLen), (nint)dst, packedLen, 0, 0), Is.Zero);
        }
        Assert.That(unpacked, Is.EqualTo(input));
    }

    private delegate int OpenFn(string name, nint* db);
    private delegate int ExecFn(nint db, string sql, Func<nint, int, nint, nint, int>? callback, nint context, nint* error);

    [Test]
    public void Sqlite3InMemoryQueryWithARowCallback()
    {
        var spec = Import("sqlite3.h", "libsqlite3.so.0");
        Assert.That(spec.Types["sqlite3"], Is.InstanceOf<HandleType>().With.Property("Tag").EqualTo("sqlite3"), "an incomplete struct behind a typedef is a handle");
        using var sqlite = Open(spec, "sqlite3_open", "sqlite3_exec", "sqlite3_close", "sqlite3_libversion");
        var open = sqlite.GetFunction<OpenFn>("sqlite3_open");
        var exec = sqlite.GetFunction<ExecFn>("sqlite3_exec");
        nint db;
        Assert.That(open(":memory:", &db), Is.Zero);
        var rows = new List<string>();
        int rc = exec(db, "SELECT 6 * 7, 'forty-two' UNION ALL SELECT 1, 'one'", (ctx, n, values, names) =>
        {
            var v = (nint*)values;
            rows.Add($"{System.Runtime.InteropServices.Marshal.PtrToStringUTF8(v[0])}={System.Runtime.InteropServices.Marshal.PtrToStringUTF8(v[1])}");
            return 0;
        }, 0, null);
        Assert.That(rc, Is.Zero);
        Assert.That(rows, Is.EqualTo(new[] { "42=forty-two", "1=one" }));
        Assert.That(sqlite.Invoke("sqlite3_close", db), Is.Zero);
        Assert.That(sqlite.Invoke("sqlite3_libversion"), Is.InstanceOf<string>().And.StartsWith("3."));
    }

    [Test]
    public void Sha256ThroughEvp()
    {
        var spec = Import("openssl/evp.h", "libcrypto.so.3");
        using var evp = Open(spec, "EVP_MD_CTX_new", "EVP_MD_CTX_free", "EVP_sha256", "EVP_DigestInit_ex", "EVP_DigestUpdate", "EVP_DigestFinal_ex");
        var ctx = evp.Invoke("EVP_MD_CTX_new")!;
        try
        {
            Assert.That(evp.Invoke("EVP_DigestInit_ex", ctx, evp.Invoke("EVP_sha256"), null), Is.EqualTo(1));
            var data = "The quick brown fox jumps over the lazy dog"u8.ToArray();
            var digest = new byte[32];
            uint len = 0;
            fixed (byte* d = data, o = digest)
            {
                Assert.That(evp.Invoke("EVP_DigestUpdate", ctx, (nint)d, (ulong)data.Length), Is.EqualTo(1));
                Assert.That(evp.Invoke("EVP_DigestFinal_ex", ctx, (nint)o, (nint)(&len)), Is.EqualTo(1));
            }
            Assert.That(len, Is.EqualTo(32));
            Assert.That(digest, Is.EqualTo(System.Security.Cryptography.SHA256.HashData(data)));
        }
        finally
        {
            evp.Invoke("EVP_MD_CTX_free", ctx);
        }
    }

    [Test]
    public void StrftimeFormatsAStructTm()
    {
        var spec = Import("time.h", "libc.so.6");
        using var libc = Open(spec, "strftime");
        var tmType = spec.Types["struct tm"];
        var tm = libc.Memory.New(tmType);
        libc.Memory.Set(tmType, tm, "tm_year", 126);
        libc.Memory.Set(tmType, tm, "tm_mon", 11);
        libc.Memory.Set(tmType, tm, "tm_mday", 2);
        libc.Memory.Set(tmType, tm, "tm_hour", 3);
        libc.Memory.Set(tmType, tm, "tm_min", 4);
        var buffer = new byte[64];
        fixed (byte* b = buffer)
        {
            var n = libc.Invoke("strftime", (nint)b, 64UL, "%Y-%m-%d %H:%M", tm);
            Assert.That(System.Text.Encoding.ASCII.GetString(buffer, 0, (int)(ulong)n!), Is.EqualTo("2026-12-02 03:04"));
        }
    }
}
