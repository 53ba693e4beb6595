using Ffi.Compile;
using Ffi.Spec;
using Ffi.Tests.Oracle;

namespace Ffi.Tests.Compile;

/// <summary>
/// Every form of compiled functions with pointer parameters, judged by gcc: a C fixture (byte buffers const and not,
/// <c>void *</c>, a struct read through <c>const struct rec *</c> and written through <c>struct rec *</c>, an
/// <c>int *</c> out-parameter, a <c>char **</c> that stays a pointer, strings in and out) is compiled into a library,
/// and the same source with a <c>main</c> makes 200 seeded calls and prints what C computes. User C# (Roslyn) makes the
/// same calls through the span form, the raw form and the natural form of compiled bindings of that library, and must
/// print the same lines; it also checks, independently of C, that the bytes C wrote landed in its managed arrays.
/// </summary>
[TestFixture]
public sealed class CompiledOverloadGccTests
{
    private const int Rounds = 200;

    private const string Library = """
        #include <stdint.h>
        #include <stddef.h>
        #include <string.h>
        #include <stdlib.h>
        struct rec { char c; double d; short s; int a[3]; };
        uint64_t fnv(const unsigned char *p, size_t n) {
            if (!p) return 0xdeadULL;
            uint64_t h = 14695981039346656037ULL;
            for (size_t i = 0; i < n; i++) { h ^= p[i]; h *= 1099511628211ULL; }
            return h;
        }
        void fill(unsigned char *p, size_t n, uint64_t seed) {
            for (size_t i = 0; i < n; i++) { seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17; p[i] = (unsigned char)seed; }
        }
        uint64_t fill_void(void *p, size_t n, uint64_t seed) { fill(p, n, seed); return fnv(p, n); }
        uint64_t rec_hash(const struct rec *r) {
            uint64_t h = (uint64_t)(int64_t)r->c * 31 + (uint64_t)(int64_t)(r->d * 1000.0);
            h = h * 31 + (uint64_t)(int64_t)r->s;
            for (int i = 0; i < 3; i++) h = h * 31 + (uint64_t)(int64_t)r->a[i];
            return h;
        }
        void rec_bump(struct rec *r, int k) { r->c += (char)k; r->d *= k; r->s -= (short)k; for (int i = 0; i < 3; i++) r->a[i] += i * k; }
        int div_rem(int a, int b, int *rem) { *rem = a % b; return a / b; }
        long parse(const char *s, char **end) { return strtol(s, end, 10); }
        size_t text_len(const char *s) { return s ? strlen(s) : (size_t)-1; }
        const char *word(int i) { static const char *w[] = { "zero", "one", "caf\xc3\xa9" }; return i >= 0 && i < 3 ? w[i] : NULL; }
        """;

    // The calls of round i, in C; the C# below makes the same ones through the compiled forms.
    private const string Main = """
        #include <stdio.h>
        int main(void) {
            for (int i = 0; i < 200; i++) {
                size_t n = (size_t)((i * 37) % 97);
                uint64_t seed = (uint64_t)(i + 1) * 0x9E3779B97F4A7C15ULL;
                unsigned char buf[97];
                fill(buf, n, seed);
                unsigned char any[97];
                uint64_t v = fill_void(any, n, seed ^ 1);
                struct rec r = { (char)(i % 100), i * 0.5, (short)(i * 3), { i, -i, i * 7 } };
                uint64_t before = rec_hash(&r);
                rec_bump(&r, i % 5 + 1);
                int rem;
                int q = div_rem(1000 + i, i % 9 + 1, &rem);
                printf("%d %llu %llu %llu %llu %d %d %d %d %d\n", i, (unsigned long long)fnv(buf, n), (unsigned long long)v,
                       (unsigned long long)before, (unsigned long long)rec_hash(&r), (int)r.c, r.s, r.a[2], q, rem);
            }
            char *end;
            long p = parse("1234xyz", &end);
            printf("%ld %s %zu %zu %llu %s %s\n", p, end, text_len(word(2)), text_len(NULL), (unsigned long long)fnv(NULL, 0), word(1), word(5) ? "x" : "null");
            return 0;
        }
        """;

    private const string User = """
        using System;
        using System.Text;
        using Fix;
        public static unsafe class User
        {
            public static string Run()
            {
                var sb = new StringBuilder();
                var buf = new byte[97];
                Span<byte> any = stackalloc byte[97];
                int landed = 0;
                for (int i = 0; i < 200; i++)
                {
                    ulong n = (ulong)((i * 37) % 97);
                    ulong seed = (ulong)(i + 1) * 0x9E3779B97F4A7C15UL;
                    Native.fill(buf, n, seed);                                     // span form: Span<byte>
                    ulong v = Native.fill_void(any, n, seed ^ 1);                  // span form: void * as Span<byte>
                    var r = new rec { c = (sbyte)(i % 100), d = i * 0.5, s = (short)(i * 3) };
                    r.a[0] = i; r.a[1] = -i; r.a[2] = i * 7;
                    ulong before = Native.rec_hash(in r);                          // span form: in rec
                    Native.rec_bump(ref r, i % 5 + 1);                             // span form: ref rec
                    int rem = 0;
                    int q = Native.div_rem(1000 + i, i % 9 + 1, ref rem);           // span form: ref int
                    ulong h;
                    fixed (byte* p = buf) h = Native.fnv(p, n);                     // natural form: byte*
                    // What C wrote is in the array (hashed here, not by C), and the span form hashes it as the pointer form
                    // does (but for n == 0, when the empty span is NULL: checked below).
                    if (Fnv(buf.AsSpan(0, (int)n)) == h && (n == 0 || Native.fnv(buf.AsSpan(0, (int)n), n) == h)) landed++;
                    sb.Append($"{i} {h} {v} {before} {Native.rec_hash(&r)} {r.c} {r.s} {r.a[2]} {q} {rem}\n");
                }
                sbyte* end;
                long parsed;
                fixed (byte* s = "1234xyz\0"u8) parsed = Native.parse(s, &end);     // raw form: byte*, char ** stays sbyte**
                string rest = new string(end);
                ulong len = Native.text_len(Native.word(2));                        // natural: a string result, then a string argument
                ulong none = Native.text_len((string?)null);
                ulong nullHash = Native.fnv(ReadOnlySpan<byte>.Empty, 0);          // an empty span is NULL
                byte* raw = Native.wordRaw(1);                                      // raw form: the result as C's bytes
                sb.Append($"{parsed} {rest} {len} {none} {nullHash} {new string((sbyte*)raw)} {Native.word(5) ?? "null"}\n");
                return $"{landed}\n{sb}";
            }

            // FNV-1a, written here so that what C wrote into the managed array is checked by something other than C.
            private static ulong Fnv(ReadOnlySpan<byte> bytes)
            {
                ulong h = 14695981039346656037UL;
                foreach (var b in bytes) { h ^= b; h *= 1099511628211UL; }
                return h;
            }
        }
        """;

    [Test]
    public void EveryFormOfPointerParametersGivesWhatCComputes()
    {
        var lib = Gcc.Compile(Library, "compiled_forms", "-shared -fPIC");
        var expected = Gcc.CompileAndRun(Library + "\n" + Main, "compiled_forms_main");
        var spec = FfiSpec.Parse($$$"""
            { "version": "1", "lib": "{{{lib}}}",
              "types": { "rec": { "kind": "struct", "fields": [ {"name":"c","type":"char"}, {"name":"d","type":"double"}, {"name":"s","type":"short"},
                                                          {"name":"a","type":{"kind":"array","of":"int","len":3}} ] } },
              "functions": [
                { "name": "fnv", "ret": "uint64", "params": ["const unsigned char *", "size_t"] },
                { "name": "fill", "ret": "void", "params": ["unsigned char *", "size_t", "uint64"] },
                { "name": "fill_void", "ret": "uint64", "params": ["pointer", "size_t", "uint64"] },
                { "name": "rec_hash", "ret": "uint64", "params": [{ "kind": "pointer", "to": "rec", "const": true }] },
                { "name": "rec_bump", "ret": "void", "params": [{ "kind": "pointer", "to": "rec" }, "int"] },
                { "name": "div_rem", "ret": "int", "params": ["int", "int", { "kind": "pointer", "to": "int" }] },
                { "name": "parse", "ret": "long", "params": ["string", { "kind": "pointer", "to": { "kind": "pointer", "to": "char" } }] },
                { "name": "text_len", "ret": "size_t", "params": ["string"] },
                { "name": "word", "ret": "string", "params": ["int"] } ] }
            """);
        var output = UserProgram.Run(User, BindingCompiler.Compile(spec, new BindingOptions("Fix")).Assembly);
        Assert.That(output, Is.EqualTo($"{Rounds}\n{expected}"));
    }
}
