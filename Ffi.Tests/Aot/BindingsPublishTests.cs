using Ffi.Tests.Oracle;

namespace Ffi.Tests.Aot;

/// <summary>
/// examples/AotBindingsExample (libc and zlib through compiled bindings, made at build time by its FfiBinding items)
/// published as a user would, with NativeAOT and with the trimmer: the build reports no trim or AOT warning, and the
/// native program prints, line for line, what a C program compiled by gcc prints for the same libc and zlib calls
/// (<see cref="ExpectedOutput"/>). One publish per configuration, shared by its tests.
/// </summary>
[TestFixture("aot")]
[TestFixture("trimmed")]
[Category("Publish")]
[NonParallelizable]
public sealed class BindingsPublishTests(string configuration)
{
    // The same calls as the example, in C; zlib is linked (-lz) and checks its own round trip.
    private const string Oracle = """
        #include <errno.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <time.h>
        #include <zlib.h>
        static int ascending(const void *a, const void *b) { int x = *(const int *)a, y = *(const int *)b; return (x > y) - (x < y); }
        int main(void) {
            int ns[2][2] = { { 17, 5 }, { -17, 5 } };
            for (int i = 0; i < 2; i++) {
                div_t r = div(ns[i][0], ns[i][1]);
                printf("div(%d, %d) = { quot %d, rem %d }\n", ns[i][0], ns[i][1], r.quot, r.rem);
            }
            const char *texts[] = { "123xyz", "99999999999999999999", "-42" };
            for (int i = 0; i < 3; i++) {
                errno = 0;
                long v = strtol(texts[i], NULL, 10);
                int e = errno;
                printf("strtol(\"%s\", 10) = %ld, errno %d\n", texts[i], v, e);
            }
            printf("strlen(\"h\\u00e9llo, NativeAOT\") = %zu, strlen(u8\"h\\u00e9llo\") = %zu\n", strlen("h\xc3\xa9llo, NativeAOT"), strlen("h\xc3\xa9llo"));
            time_t t = 31554000;
            struct tm tm;
            gmtime_r(&t, &tm);
            printf("gmtime_r(%ld) = %04d-%02d-%02d %02d:%02d:%02d, yday %d\n", (long)t, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                   tm.tm_hour, tm.tm_min, tm.tm_sec, tm.tm_yday);
            char text[1024] = "";
            for (int i = 0; i < 20; i++) strcat(text, "compiled bindings under NativeAOT; ");
            uLong n = strlen(text);
            uLongf packedLength = compressBound(n);
            Bytef *packed = malloc(packedLength);
            int s1 = compress2(packed, &packedLength, (const Bytef *)text, n, 9);
            Bytef back[1024];
            uLongf backLength = n;
            int s2 = uncompress(back, &backLength, packed, packedLength);
            printf("compress2(%lu bytes, 9) = %d, %lu bytes; uncompress = %d, %lu bytes, round trip %s\n", n, s1, packedLength, s2, backLength,
                   backLength == n && memcmp(back, text, n) == 0 ? "equal" : "DIFFERENT");
            printf("crc32(\"123456789\") = %08lx\n", crc32(0, (const Bytef *)"123456789", 9));
            int data[] = { 42, -7, 19, 0, 3, 99, -50, 8 };
            qsort(data, 8, sizeof(int), ascending);
            printf("qsort = %d", data[0]);
            for (int i = 1; i < 8; i++) printf(" %d", data[i]);
            printf("\n");
            char buffer[128];
            int written = snprintf(buffer, 128, "%.3f|%g|%e|%d|%s", 3.14159, 2.5e10, -0.000125, 42, "text");
            printf("snprintf = %d \"%s\"\n", written, buffer);
            printf("all steps passed\n");
            return 0;
        }
        """;

    private static readonly Lazy<string> Expected = new(RunOracle);

    private PublishWorkspace _workspace = null!;
    private Published _app = null!;

    /// <summary>What C prints for the example's calls.</summary>
    public static string ExpectedOutput => Expected.Value;

    [OneTimeSetUp]
    public async Task Publish()
    {
        _workspace = new PublishWorkspace("Ffi.Core", "Ffi.Emit", "Ffi.Compile", "Ffi.Demo", "Ffi.Build");
        string[] properties = configuration == "aot" ? ["-p:PublishAot=true"] : ["--self-contained", "-p:PublishTrimmed=true"];
        _app = await _workspace.Publish("examples/AotBindingsExample/AotBindingsExample.csproj", configuration, properties);
    }

    [OneTimeTearDown]
    public void RemoveTemporaryFiles() => _workspace?.Dispose();

    [Test]
    public void TheBuildCompilesTheBindingsAndReportsNoTrimOrAotWarning()
    {
        Assert.That(PublishWorkspace.IlWarnings(_app.Build), Is.Empty, _app.Build.Describe());
        Assert.That(_app.Build.Stdout, Does.Contain(configuration == "aot" ? "Generating native code" : "Optimizing assemblies for size"));
        // The FfiBinding items ran the ffi tool in this build (the copy has no bin/ or obj/ of its own).
        Assert.That(_app.Build.Stdout, Does.Contain("Ffi.Demo").And.Contain("ffi.dll"), _app.Build.Describe());
    }

    [Test]
    public void TheProgramPrintsWhatCPrintsForTheSameCalls()
    {
        var (code, stdout, stderr) = PublishWorkspace.Run(_app.Executable);
        Assert.That(code, Is.Zero, $"stdout:\n{stdout}\nstderr:\n{stderr}");
        Assert.That(Lines(stdout), Is.EqualTo(Lines(ExpectedOutput)));
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

    // Linked with zlib after the source (Gcc.Compile puts its flags before it, where the linker drops a library).
    private static string RunOracle()
    {
        var dir = Directory.CreateTempSubdirectory("ffi-aot-oracle-").FullName;
        try
        {
            var c = Path.Combine(dir, "oracle.c");
            var exe = Path.Combine(dir, "oracle");
            File.WriteAllText(c, Oracle);
            var (code, _, err) = Gcc.Exec("gcc", $"-std=gnu11 -O1 -w -o \"{exe}\" \"{c}\" -lz");
            Assert.That(code, Is.Zero, err);
            return Gcc.Run(exe, "");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
