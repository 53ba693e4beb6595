using System.Text;
using Ffi.Spec;
using Ffi.Tests.Native;
using Ffi.Tests.Oracle;

namespace Ffi.Tests.Spec.C;

/// <summary>
/// Seeded fuzzing of <see cref="FfiSpec.ParseC"/>: windows of real header text (zlib.h as written and as
/// gcc -E leaves it, and a text using every construct the reader knows) mutated thousands of times. Every
/// outcome must be a spec or an <see cref="FfiSpecException"/> with <c>file:line:column</c> and a caret;
/// any other exception, or the "internal error" of the reader's safety net, is a bug.
/// </summary>
[TestFixture]
public sealed class CReaderFuzzTests
{
    private const string Constructs = """
        #define N 4
        #define MASK (~0u >> 28)
        #pragma pack(push, 1)
        struct packed_s { char c; int i; };
        #pragma pack(pop)
        typedef struct node node;
        struct node { int value : 3; unsigned : 0; node *next; struct { int a; } inner; union { int i; float f; } u; long tail[]; };
        typedef int (*compar)(const void *, const void *);
        void (*signal2(int sig, void (*h)(int)))(int);
        enum color { RED, GREEN = 5, BLUE, LAST = BLUE * 2 + (int)sizeof(struct packed_s) };
        typedef struct sqlite3 sqlite3;
        /* ffi: errno caps=fs */ int open_db(const char *name, sqlite3 **db);
        extern const char *names[N];
        static inline int helper(int x) { return x + 1; }
        __extension__ typedef long long int quad;
        int printf(const char *__restrict fmt, ...) __attribute__((format(printf, 1, 2))) __asm__("printf");
        struct __attribute__((aligned(16))) al { char c; };
        #if defined(N) && N > 2
        int yes(void);
        #else
        int no(void);
        #endif
        """;

    private static readonly string[] Vocabulary =
    [
        "int", "struct", "union", "enum", "typedef", "*", "(", ")", "[", "]", "{", "}", ";", ",", ":", "...", "=", "0", "-1",
        "0xFFFFFFFFFFFFFFFF", "sizeof", "__attribute__((packed))", "const", "unsigned", "long", "x", "#define", "#if 1", "#endif",
        "\n#", "/*", "*/", "//", "\\\n", "'", "\"", "_Float128", "__asm__(\"y\")", "<<", "64", "/ 0", "void", "char", "(*)", "[]",
    ];

    private static string[] Texts()
    {
        var texts = new List<string> { Constructs };
        if (File.Exists("/usr/include/zlib.h"))
        {
            texts.Add(File.ReadAllText("/usr/include/zlib.h"));
            var pre = Gcc.Exec("gcc", "-E -P /usr/include/zlib.h");
            if (pre.Code == 0) texts.Add(pre.Stdout);
        }
        return texts.ToArray();
    }

    [Test]
    public void MutatedHeadersOnlyEverGiveSpecsOrSpecExceptions()
    {
        var texts = Texts();
        var rng = new Random(0xCDEC1);
        int specs = 0, errors = 0;
        var failures = new List<string>();
        for (int i = 0; i < 4000; i++)
        {
            var text = texts[i % texts.Length];
            int window = Math.Min(text.Length, rng.Next(200, 3000));
            int start = rng.Next(0, text.Length - window + 1);
            var sample = Mutate(text.Substring(start, window), rng);
            try
            {
                var spec = FfiSpec.ParseC(sample, "libt.so.1", "fuzz.h");
                _ = spec.Functions.Select(f => f.Signature).ToList();
                specs++;
            }
            catch (FfiSpecException ex)
            {
                errors++;
                if (ex.Message.Contains("internal error", StringComparison.Ordinal) || !ex.Message.StartsWith("fuzz.h", StringComparison.Ordinal) && !ex.Message.Contains(".h:", StringComparison.Ordinal))
                    failures.Add($"{ex.Message}\n--- input ---\n{sample}");
                else if (!ex.Message.Contains("\n    ", StringComparison.Ordinal) || !ex.Message.TrimEnd().EndsWith('^'))
                    failures.Add($"no caret: {ex.Message}\n--- input ---\n{sample}");
            }
            catch (Exception ex)
            {
                failures.Add($"{ex.GetType().Name}: {ex.Message}\n--- input ---\n{sample}");
            }
            if (failures.Count >= 3) break;
        }
        TestContext.Out.WriteLine($"{specs} specs, {errors} errors");
        Assert.That(failures, Is.Empty, () => string.Join("\n\n=====\n", failures));
        Assert.That(specs, Is.GreaterThan(100), "too few mutations still parse: the fuzzing would not reach deep code");
        Assert.That(errors, Is.GreaterThan(100));
    }

    private static string Mutate(string text, Random rng)
    {
        var sb = new StringBuilder(text);
        int edits = rng.Next(0, 4);
        for (int e = 0; e < edits && sb.Length > 0; e++)
        {
            int at = rng.Next(sb.Length);
            switch (rng.Next(5))
            {
                case 0: sb.Remove(at, Math.Min(rng.Next(1, 20), sb.Length - at)); break;
                case 1: sb.Insert(at, Vocabulary[rng.Next(Vocabulary.Length)] + " "); break;
                case 2: sb[at] = (char)rng.Next(32, 127); break;
                case 3: { int len = Math.Min(rng.Next(1, 40), sb.Length - at); sb.Insert(rng.Next(sb.Length), sb.ToString(at, len)); break; }
                default: sb.Length = at; break;
            }
        }
        return sb.ToString();
    }
}
