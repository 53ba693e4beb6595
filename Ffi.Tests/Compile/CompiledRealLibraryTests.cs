using Ffi.Compile;
using Ffi.Spec;

namespace Ffi.Tests.Compile;

/// <summary>
/// Functions of the example specs called through compiled bindings by user C# (compiled with Roslyn against the
/// reference pack, as a user's build compiles it), on the real libraries: libc's <c>strlen</c>, <c>abs</c>,
/// <c>div</c> (a struct in rax), <c>strtol</c> and <c>setenv</c> (errno), <c>getenv</c> (a string result),
/// <c>unlink</c> (a capability); libm's trivial functions (no GC transition); zlib's <c>compress2</c>/<c>uncompress</c>
/// round trip; sqlite3's typed handle. Expected values are C's, written by hand.
/// </summary>
[TestFixture]
public sealed class CompiledRealLibraryTests
{
    private static byte[] Bindings(string file, string ns) =>
        BindingCompiler.Compile(FfiSpec.Load(Path.Combine(AppContext.BaseDirectory, "examples", file)), new BindingOptions(ns)).Assembly;

    [Test]
    public void LibcScalarsStringsAndAStructResult()
    {
        var output = UserProgram.Run("""
            using CLibc;
            public static class User
            {
                public static string Run()
                {
                    Native.setenv("FFI_COMPILED_ENV", "yes", 1);
                    var d = Native.div(17, 5);
                    var l = Native.ldiv(-17L, 5L);
                    return $"{Native.strlen("héllo")} {Native.abs(-42)} {Native.labs(long.MinValue + 1)} {d.quot} {d.rem} {l.quot} {l.rem} "
                        + $"{Native.getenv("FFI_COMPILED_ENV")} {Native.getenv("FFI_COMPILED_ENV_UNSET") ?? "null"} {Native.strerror(2)}";
                }
            }
            """, Bindings("libc.json", "CLibc"));
        Assert.That(output, Is.EqualTo($"6 42 {long.MaxValue} 3 2 -3 -2 yes null No such file or directory"));
    }

    [Test]
    public void StrtolStoresErrnoRightAfterTheCall()
    {
        var output = UserProgram.Run("""
            using CLibc;
            public static unsafe class User
            {
                public static string Run()
                {
                    long big = Native.strtol("99999999999999999999", null, 10);
                    int rangeErrno = Ffi.Native.LastErrno.Value;
                    Ffi.Native.Errno.Value = 0;
                    long n = Native.strtol("123xyz", null, 10);
                    return $"{big} {rangeErrno} {n} {Ffi.Native.LastErrno.Value}";
                }
            }
            """, Bindings("libc.json", "CLibc"));
        Assert.That(output, Is.EqualTo($"{long.MaxValue} 34 123 0"));   // ERANGE is 34 on Linux; a success leaves errno as it was
    }

    [Test]
    public void AGatedFunctionIsRefusedUntilItsCapabilityIsGranted()
    {
        var output = UserProgram.Run("""
            using CLibc;
            public static class User
            {
                public static string Run()
                {
                    string refused;
                    try { Native.unlink("/nonexistent-ffi-dir/file"); refused = "called"; }
                    catch (Ffi.FfiCapabilityDeniedException e) { refused = $"{e.Symbol} {e.Capability} {e.Message}"; }
                    Native.Capabilities.Grant("fs");
                    int r = Native.unlink("/nonexistent-ffi-dir/file");
                    return $"{refused} | {r} {Ffi.Native.LastErrno.Value} {Native.Capabilities.IsGranted("fs")}";
                }
            }
            """, Bindings("libc.json", "CLibc"));
        Assert.That(output, Is.EqualTo("unlink fs unlink: capability \"fs\" was not granted (grant it with CLibc.Native.Capabilities.Grant) | -1 2 True"));
    }

    [Test]
    public void TrivialLibmFunctionsCallWithoutTheGcTransition()
    {
        var output = UserProgram.Run("""
            using CLibm;
            public static unsafe class User
            {
                public static string Run()
                {
                    int e;
                    double m = Native.frexp(48.0, &e);
                    return $"{Native.cos(0.0)} {Native.pow(2.0, 10.0)} {Native.sqrtf(2.25f)} {Native.ldexp(1.5, 3)} {m} {e}";
                }
            }
            """, Bindings("libm.json", "CLibm"));
        Assert.That(output, Is.EqualTo("1 1024 1.5 12 0.75 6"));
    }

    [Test]
    public void ZlibCompressAndUncompressRoundTrip()
    {
        var output = UserProgram.Run("""
            using System.Linq;
            using Zlib;
            public static unsafe class User
            {
                public static string Run()
                {
                    var text = System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("compiled bindings ", 50)));
                    ulong bound = Native.compressBound((ulong)text.Length);
                    var packed = new byte[bound];
                    ulong packedLength = bound;
                    z_status s1, s2;
                    fixed (byte* dst = packed) fixed (byte* src = text) s1 = Native.compress2(dst, &packedLength, src, (ulong)text.Length, 9);
                    var back = new byte[text.Length];
                    ulong backLength = (ulong)back.Length;
                    fixed (byte* dst = back) fixed (byte* src = packed) s2 = Native.uncompress(dst, &backLength, src, packedLength);
                    ulong crc;
                    fixed (byte* p = "123456789"u8) crc = Native.crc32(0, p, 9);
                    return $"{s1} {s2} {packedLength < (ulong)text.Length} {back.SequenceEqual(text)} {crc:x} {Native.zlibVersion()![0]}";
                }
            }
            """, Bindings("zlib.json", "Zlib"));
        Assert.That(output, Is.EqualTo("Z_OK Z_OK True True cbf43926 1"));   // the CRC-32 check value of "123456789"
    }

    [Test]
    public void SqliteOpensAndClosesThroughItsTypedHandle()
    {
        var output = UserProgram.Run("""
            using Sqlite;
            public static unsafe class User
            {
                public static string Run()
                {
                    sqlite3 db;
                    var opened = Native.sqlite3_open(":memory:", &db);
                    return $"{opened} {db.Value != 0} {Native.sqlite3_close(db)} {Native.sqlite3_libversion()![0]}";
                }
            }
            """, Bindings("sqlite3.json", "Sqlite"));
        Assert.That(output, Is.EqualTo("SQLITE_OK True SQLITE_OK 3"));
    }
}
