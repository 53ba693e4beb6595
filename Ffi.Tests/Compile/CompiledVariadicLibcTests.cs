using Ffi.Compile;
using Ffi.Spec;

namespace Ffi.Tests.Compile;

/// <summary>
/// libc's <c>snprintf</c> (examples/libc.json) through compiled bindings, from user C# compiled with Roslyn against the
/// reference pack: doubles, ints, chars, unsigned longs, strings (short, long, NULL), more than 6 INTEGER and more
/// than 8 SSE extras (so both overflow to the stack, in argument order); and the refusals, as typed exceptions naming
/// the function. Expected texts are C's, written by hand.
/// </summary>
[TestFixture]
public sealed class CompiledVariadicLibcTests
{
    private static byte[] Bindings() =>
        BindingCompiler.Compile(FfiSpec.Load(Path.Combine(AppContext.BaseDirectory, "examples", "libc.json")), new BindingOptions("CLibc")).Assembly;

    private static string Run(string body) => UserProgram.Run($$"""
        using CLibc;
        using Ffi;
        public static unsafe class User
        {
            static string Format(string format, params System.ReadOnlySpan<CVarArg> extras)
            {
                byte* buffer = stackalloc byte[1024];
                int n = Native.snprintf(buffer, 1024, format, extras);
                return n + ":" + new string((sbyte*)buffer);
            }

            public static string Run()
            {
                {{body}}
            }
        }
        """, Bindings());

    [Test]
    public void SnprintfFormatsDoublesIntsCharsAndStrings()
    {
        var output = Run("""
            byte* buffer = stackalloc byte[64];
            int n = Native.snprintf(buffer, 64, "%d %.3f %s %lu %c %x %g", 42, 2.5, "text", CVarArg.UInt64(ulong.MaxValue), 'x', 255u, 0.1f);
            return n + ":" + new string((sbyte*)buffer);
            """);
        const string Text = "42 2.500 text 18446744073709551615 x ff 0.1";
        Assert.That(output, Is.EqualTo($"{Text.Length}:{Text}"));
    }

    [Test]
    public void ExtrasBeyondTheRegistersGoToTheStackInArgumentOrder()
    {
        // snprintf's fixed part takes rdi, rsi, rdx: 3 ints and 8 doubles fill the registers, the rest interleave on the stack.
        var output = Run("""
            return Format("%d %d %d %d %d %d %d %d|%g %g %g %g %g %g %g %g %g %g|%ld %s %g %p",
                1, 2, 3, 4, 5, 6, 7, 8, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10.5, long.MinValue, "s", -0.25, (nint)0x1234);
            """);
        const string Text = "1 2 3 4 5 6 7 8|1.5 2.5 3.5 4.5 5.5 6.5 7.5 8.5 9.5 10.5|-9223372036854775808 s -0.25 0x1234";
        Assert.That(output, Is.EqualTo($"{Text.Length}:{Text}"));
    }

    [Test]
    public void LongAndNullStringsAndNoExtras()
    {
        var output = Run("""
            string longText = new string('é', 300);
            return Format("%s|%s|%s", longText, (string)null, "ü") + " " + Format("plain") + " " + (Format("%s", longText).Length - 4);
            """);
        var expected = new string('é', 300) + "|(null)|ü";
        Assert.That(output, Is.EqualTo($"{System.Text.Encoding.UTF8.GetByteCount(expected)}:{expected} 5:plain 300"));
    }

    [Test]
    public void TooManyStackExtrasAndAnEmptyExtraAreRefusedByName()
    {
        var output = Run("""
            var many = new CVarArg[40];
            for (int i = 0; i < many.Length; i++) many[i] = i;
            string a, b;
            try { Format("%d", many); a = "called"; } catch (FfiArgumentException e) { a = e.Message; }
            try { Format("%d %d", 1, default(CVarArg)); b = "called"; } catch (FfiArgumentException e) { b = e.Message; }
            return a + "\n" + b;
            """);
        Assert.That(output, Is.EqualTo(
            "snprintf: 40 variadic extras put 37 on the stack; a compiled variadic call passes at most 32 there (the run-time engine's Invoke takes any number)\n"
            + "snprintf: vararg[1]: default(CVarArg) carries no value (convert a value or use a factory such as CVarArg.Int64)"));
    }
    [Test]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void AGatedVariadicFunctionWithErrnoAndFirstCallsFromEightThreads()
    {
        // open(2) takes its mode as a variadic extra; sprintf is first called by eight threads at once (binding its thunk).
        var bindings = BindingCompiler.Compile(FfiSpec.Parse("""
            { "version": "1", "lib": "libc.so.6", "functions": [
                { "name": "open", "ret": "int", "params": ["string", "int"], "variadic": true, "errno": true, "caps": ["fs"] },
                { "name": "close", "ret": "int", "params": ["int"] },
                { "name": "sprintf", "ret": "int", "params": ["pointer", "string"], "variadic": true } ] }
            """), new BindingOptions("CVa")).Assembly;
        var path = Path.Combine(Path.GetTempPath(), $"va-open-{Environment.ProcessId}");
        File.Delete(path);
        var output = UserProgram.Run($$"""
            using CVa;
            using Ffi;
            using System.Linq;
            using System.Threading.Tasks;
            public static unsafe class User
            {
                public static string Run()
                {
                    string refused;
                    try { Native.open("/nonexistent-ffi-dir/x", 0); refused = "called"; }
                    catch (FfiCapabilityDeniedException e) { refused = $"{e.Symbol} {e.Capability}"; }
                    Native.Capabilities.Grant("fs");
                    int missing = Native.open("/nonexistent-ffi-dir/x", 0);
                    int errno = Ffi.Native.LastErrno.Value;
                    int fd = Native.open("{{path}}", 0x41, 0x180);       // O_WRONLY | O_CREAT, mode 0600
                    Native.close(fd);
                    var texts = new string[8];
                    Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
                    {
                        byte* buffer = stackalloc byte[64];
                        Native.sprintf(buffer, "%d-%.1f-%s", i, i / 2.0, "t" + i);
                        texts[i] = new string((sbyte*)buffer);
                    });
                    return $"{refused} | {missing} {errno} {fd >= 0} | {string.Join(" ", texts)}";
                }
            }
            """, bindings);
        try
        {
            Assert.That(output, Is.EqualTo("open fs | -1 2 True | 0-0.0-t0 1-0.5-t1 2-1.0-t2 3-1.5-t3 4-2.0-t4 5-2.5-t5 6-3.0-t6 7-3.5-t7"));
            Assert.That(File.GetUnixFileMode(path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite), "the mode, a variadic extra, reached open");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
