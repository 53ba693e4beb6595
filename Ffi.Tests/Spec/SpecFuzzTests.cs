using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ffi.Spec;
using Ffi.Types;
using NUnit.Framework;

namespace Ffi.Tests.Spec;

/// <summary>
/// Seeded fuzzing of <see cref="FfiSpec.Parse(string)"/> and <see cref="FfiSpec.Parse(ReadOnlySpan{byte})"/>:
/// rich valid specs are mutated (bytes and JSON structure) and every outcome must be a spec or an
/// <see cref="FfiSpecException"/> whose message is "PATH: REASON". Anything else (another exception type,
/// a message with "internal error" from FfiSpec's safety net, a model that throws when read) is a bug.
/// Deterministic: every test uses its own <see cref="Random"/> with a fixed seed.
/// </summary>
[TestFixture]
public sealed partial class SpecFuzzTests
{
    private const int Seed = 0x5EC5;

    // ------------------------------------------------------------------------------------------
    // Seeds: valid specs that between them use every kind and option.
    // ------------------------------------------------------------------------------------------

    private static readonly string[] Seeds =
    [
        // zlib-like: aliases, handles, funcptrs, enums, function options, variables.
        """
        { "version": "1", "lib": "libz.so.1",
          "types": {
            "uLong": "ulong", "uInt": "uint", "Bytef": "uint8", "voidpf": "pointer",
            "alloc_func": { "kind": "funcptr", "ret": "voidpf", "params": [ "voidpf", "uInt", "uInt" ] },
            "free_func": { "kind": "funcptr", "ret": "void", "params": [ "voidpf", "voidpf" ] },
            "z_stream": { "kind": "struct", "doc": "the stream", "fields": [
              { "name": "next_in", "type": { "kind": "pointer", "to": "Bytef" } },
              { "name": "avail_in", "type": "uInt" },
              { "name": "total_in", "type": "uLong" },
              { "name": "msg", "type": "string" },
              { "name": "zalloc", "type": "alloc_func" },
              { "name": "zfree", "type": "free_func" },
              { "name": "opaque", "type": "voidpf" },
              { "name": "data_type", "type": "int" },
              { "name": "adler", "type": "uLong" } ] },
            "z_streamp": { "kind": "pointer", "to": "z_stream", "tag": "z_stream" },
            "flush": { "kind": "enum", "base": "int", "values": { "Z_NO_FLUSH": 0, "Z_PARTIAL_FLUSH": 1, "Z_FINISH": 4 } },
            "gzFile": { "kind": "handle", "tag": "gzFile", "rep": "pointer", "doc": "an open gz file" }
          },
          "functions": [
            { "name": "zlibVersion", "ret": "string", "params": [], "ret_as_str": true, "trivial": true },
            { "name": "crc32", "ret": "uLong", "params": [ "uLong", { "kind": "pointer", "to": "Bytef" }, "uInt" ] },
            { "name": "deflate", "ret": "int", "params": [ "z_streamp", "flush" ], "doc": "compress" },
            { "name": "gzopen", "ret": "gzFile", "params": [ "string", "string" ], "errno": true, "caps": [ "fs" ] },
            { "name": "gzprintf", "ret": "int", "params": [ "gzFile", "string" ], "variadic": true, "lib": "libz.so.1" }
          ],
          "variables": [ { "name": "z_errmsg", "type": { "kind": "array", "of": "string", "len": 10 }, "doc": "messages" } ] }
        """,
        // Layout-rich: bitfields, packed, align, nested inline aggregates, flexible array.
        """
        { "version": "1", "lib": "liblayout.so",
          "types": {
            "e16": { "kind": "enum", "base": "uint16", "values": { "A": 1, "B": 65535 } },
            "bits": { "kind": "struct", "fields": [
              { "name": "a", "type": "uint32", "bits": 3 }, { "name": "b", "type": "int", "bits": 29 },
              { "name": "", "type": "int", "bits": 0 }, { "name": "flag", "type": "bool", "bits": 1 },
              { "name": "e", "type": "e16", "bits": 9 }, { "name": "wide", "type": "uint64", "bits": 64 },
              { "name": "", "type": "uint8", "bits": 5 }, { "name": "tail", "type": "char" } ] },
            "packed": { "kind": "struct", "packed": true, "fields": [
              { "name": "c", "type": "char" }, { "name": "d", "type": "double" },
              { "name": "x", "type": "short", "bits": 11 }, { "name": "y", "type": "short", "bits": 11 } ] },
            "aligned": { "kind": "union", "align": 32, "fields": [
              { "name": "i", "type": "int" }, { "name": "raw", "type": { "kind": "array", "of": "uchar", "len": 3 } } ] },
            "nested": { "kind": "struct", "align": 16, "fields": [
              { "name": "in", "type": { "kind": "struct", "name": "Inner", "fields": [
                { "name": "u", "type": { "kind": "union", "packed": true, "fields": [
                  { "name": "f", "type": { "kind": "float", "bits": 32 } },
                  { "name": "q", "type": { "kind": "int", "bits": 64, "signed": false }, "bits": 40 } ] } },
                { "name": "m", "type": { "kind": "array", "of": { "kind": "array", "of": "float", "len": 3 }, "len": 2 } } ] } },
              { "name": "p", "type": "packed" },
              { "name": "al", "type": "aligned" } ] },
            "msg": { "kind": "struct", "fields": [ { "name": "n", "type": "size_t" },
              { "name": "data", "type": { "kind": "array", "of": "nested" } } ] }
          },
          "functions": [
            { "name": "make", "ret": "nested", "params": [ "bits", { "kind": "pointer", "to": "msg" }, "aligned" ] },
            { "name": "fill", "ret": "void", "params": [ { "kind": "array", "of": "e16", "len": 4 } ] } ],
          "variables": [ { "name": "g_bits", "type": "bits" }, { "name": "g_flex", "type": { "kind": "array", "of": "int" } } ] }
        """,
        // Cycles broken by pointers, funcptrs and handles; alias chains; builtin overrides.
        """
        { "version": "1", "lib": "libtree.so",
          "types": {
            "node": { "kind": "struct", "fields": [
              { "name": "value", "type": "value_t" },
              { "name": "next", "type": { "kind": "pointer", "to": "node" } },
              { "name": "kids", "type": { "kind": "array", "of": "node_ptr", "len": 2 } },
              { "name": "visit", "type": "visitor" },
              { "name": "owner", "type": "tree_h" } ] },
            "node_ptr": { "kind": "pointer", "to": "node" },
            "visitor": { "kind": "funcptr", "ret": "node", "params": [ "node", "node_ptr", { "kind": "pointer", "to": "tree" } ], "variadic": true },
            "tree": { "kind": "struct", "fields": [ { "name": "root", "type": "node" }, { "name": "size", "type": "size_t" } ] },
            "tree_h": { "kind": "handle", "tag": "tree", "rep": { "kind": "pointer", "to": "tree" } },
            "value_t": "v1", "v1": { "kind": "alias", "to": "v2" }, "v2": "int",
            "int": { "kind": "int", "bits": 16, "signed": true },
            "size_t": "uint32",
            "cstr": "string"
          },
          "functions": [
            { "name": "walk", "ret": "cstr", "params": [ "tree_h", "visitor" ], "ret_as_str": true },
            { "name": "insert", "ret": "node_ptr", "params": [ "tree_h", "value_t" ], "errno": true, "caps": [ "mem", "log" ] } ],
          "variables": [ { "name": "g_root", "type": "tree" }, { "name": "g_count", "type": "size_t", "lib": "libcount.so" } ] }
        """,
        // Every builtin and kind inline, in functions and variables.
        """
        { "version": "1", "lib": "libc.so.6",
          "types": {
            "v": { "kind": "void" }, "i8": { "kind": "int", "bits": 8, "signed": true }, "u64": { "kind": "int", "bits": 64, "signed": false },
            "f32": { "kind": "float", "bits": 32 }, "f64": { "kind": "float", "bits": 64 },
            "fd": { "kind": "handle", "tag": "fd", "rep": "int" },
            "mode": { "kind": "enum", "base": "uint32", "values": { "R": 4, "W": 2, "X": 1 } },
            "timespec": { "kind": "struct", "fields": [ { "name": "tv_sec", "type": "long" }, { "name": "tv_nsec", "type": "long" } ] }
          },
          "functions": [
            { "name": "printf", "ret": "int", "params": [ "string" ], "variadic": true },
            { "name": "open", "ret": "fd", "params": [ "string", "int", "mode" ], "errno": true, "caps": [ "fs" ] },
            { "name": "strlen", "ret": "size_t", "params": [ "string" ], "trivial": true },
            { "name": "qsort", "ret": "v", "params": [ "pointer", "size_t", "size_t",
              { "kind": "funcptr", "ret": "int", "params": [ { "kind": "pointer", "to": "void" }, "pointer" ] } ] },
            { "name": "nanosleep", "ret": "int", "params": [ { "kind": "pointer", "to": "timespec" }, { "kind": "pointer", "to": "timespec" } ] },
            { "name": "getenv", "ret": { "kind": "pointer", "to": "__char__" }, "params": [ "string" ], "ret_as_str": true },
            { "name": "all", "ret": "__void__", "params": [ "bool", "char", "schar", "uchar", "short", "ushort", "uint", "long", "ulong",
              "longlong", "ulonglong", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "ssize_t",
              "intptr_t", "uintptr_t", "float", "double", "__uchar__", "i8", "u64", "f32", "f64" ] } ],
          "variables": [
            { "name": "environ", "type": { "kind": "pointer", "to": "string" } },
            { "name": "tz", "type": { "kind": "struct", "fields": [ { "name": "a", "type": "int" } ] }, "caps": [ "env" ] },
            { "name": "errno_copy", "type": "int", "lib": "libc.so.6" } ] }
        """,
    ];

    private static readonly string[] Kinds = ["void", "int", "float", "pointer", "array", "struct", "union", "enum", "funcptr", "alias", "handle"];

    private static readonly string[] RefKeys = ["type", "to", "of", "ret", "base", "rep"];

    private static readonly string[] SpecialNumbers =
    [
        "0", "-1", "1", "2", "3", "7", "8", "16", "32", "33", "64", "65", "128", "-0", "2.5", "1.0", "8e0", "1e400", "-1e400",
        "99999999999999999999", "-99999999999999999999", "268435456", "536870912", "576460752303423488", "576460752303423489",
        "144115188075855873", "9223372036854775807", "-9223372036854775808", "18446744073709551615", "4294967296",
    ];

    private static readonly string[] SpecialStrings =
    [
        "", "int", "void", "__void__", "nope", "node", "s", "string", "pointer", "bool", "1", "my type", "a\u0000b", "größe",
        "struct", "alias", "\t", "x".PadRight(300, 'x'),
    ];

    // Raw JSON fragments the writer emits verbatim (JsonNode cannot hold them).
    private static readonly string[] RawFragments =
    [
        "\"\\ud800\"", "\"a\\udc00b\"", "\"\\ud83d\\ude00\"", "\"\\u0000\"", "1e400", "-0.0e-0", "99999999999999999999999999999999999",
    ];

    private const string RawMarker = "\u0001raw:";

    // ------------------------------------------------------------------------------------------
    // The oracle
    // ------------------------------------------------------------------------------------------

    private sealed class Oracle
    {
        public int Parsed { get; private set; }

        public int Rejected { get; private set; }

        public List<string> Failures { get; } = [];

        public Dictionary<string, int> Reasons { get; } = new(StringComparer.Ordinal);

        public bool Check(Func<FfiSpec> parse, string input)
        {
            FfiSpec spec;
            try
            {
                spec = parse();
            }
            catch (FfiSpecException ex)
            {
                Rejected++;
                var problem = ex.JsonPath.Length == 0 ? "empty JsonPath"
                    : !ex.Message.StartsWith(ex.JsonPath + ": ", StringComparison.Ordinal) ? "message does not start with \"JsonPath: \""
                    : ex.Message != $"{ex.JsonPath}: {ex.Reason}" ? "message is not \"JsonPath: Reason\""
                    : ex.Message.Contains("internal error", StringComparison.OrdinalIgnoreCase) ? "internal error (FfiSpec.Guarded's safety net fired)"
                    : ex.Reason.Length == 0 ? "empty Reason"
                    : null;
                if (problem is not null) Fail($"{problem}: {ex.Message}", input);
                var key = ex.Reason.Length > 24 ? ex.Reason[..24] : ex.Reason;
                Reasons[key] = Reasons.GetValueOrDefault(key) + 1;
                return false;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Fail($"{ex.GetType().FullName} escaped: {ex.Message}", input);
                return false;
            }

            try
            {
                Walk(spec);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Fail($"reading the parsed model threw {ex.GetType().FullName}: {ex.Message}", input);
                return false;
            }
            Parsed++;
            return true;
        }

        private void Fail(string what, string input)
        {
            if (Failures.Count < 20) Failures.Add($"{what}\n    input: {Show(input)}");
        }

        public void AssertClean()
        {
            Assert.That(Failures, Is.Empty, () => $"{Failures.Count} bad outcome(s):\n" + string.Join("\n", Failures));
        }
    }

    private static readonly JsonSerializerOptions ShowOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Show(string input)
    {
        var escaped = JsonSerializer.Serialize(input.Length <= 3000 ? input : input[..3000] + "…", ShowOptions);
        return $"({input.Length} chars) {escaped}";
    }

    /// <summary>Reads every part of a parsed spec, as a consumer would, and checks basic layout invariants.</summary>
    private static void Walk(FfiSpec spec)
    {
        var seen = new HashSet<CType>(ReferenceEqualityComparer.Instance);
        foreach (var name in spec.Types.Names)
        {
            if (!spec.Types.TryGet(name, out var t)) throw new InvalidOperationException($"declared type {name} is not in the registry");
            Visit(t, seen);
        }
        foreach (var f in spec.Functions)
        {
            Visit(f.ReturnType, seen);
            foreach (var p in f.ParameterTypes) Visit(p, seen);
            _ = f.Signature;
            if (!spec.TryGetFunction(f.Name, out var again) || again != f) throw new InvalidOperationException($"function {f.Name} not found by name");
        }
        foreach (var v in spec.Variables)
        {
            Visit(v.Type, seen);
            _ = v.ToString();
        }
    }

    private static void Visit(CType t, HashSet<CType> seen)
    {
        // An explicit stack: inline types may nest a few hundred levels.
        var todo = new Stack<CType>();
        todo.Push(t);
        while (todo.TryPop(out var c))
        {
            if (!seen.Add(c)) continue;
            _ = c.DisplayName;
            _ = c.ToString();
            if (c.Size < 0) throw new InvalidOperationException($"{c.DisplayName}: negative size {c.Size}");
            if (c.Align < 1 || (c.Align & (c.Align - 1)) != 0) throw new InvalidOperationException($"{c.DisplayName}: bad alignment {c.Align}");
            if (c.Kind is not (CTypeKind.Void or CTypeKind.Array) && c.Size % c.Align != 0)
                throw new InvalidOperationException($"{c.DisplayName}: size {c.Size} is not a multiple of the alignment {c.Align}");
            switch (c)
            {
                case PointerType p:
                    todo.Push(p.Pointee);
                    _ = p.IsCharPointer;
                    break;
                case ArrayType a:
                    todo.Push(a.Element);
                    break;
                case AggregateType g:
                    foreach (var f in g.Fields)
                    {
                        todo.Push(f.Type);
                        _ = f.TypeName;
                        _ = f.ToString();
                        if (f.BitOffset < 0 || f.Offset + (f.IsBitfield ? 0 : f.Type.Size) > g.Size)
                            throw new InvalidOperationException($"{g.DisplayName}.{f.Name}: placed outside the aggregate");
                    }
                    break;
                case EnumType e:
                    todo.Push(e.Base);
                    break;
                case FuncPtrType fp:
                    todo.Push(fp.Return);
                    foreach (var p in fp.Parameters) todo.Push(p);
                    break;
                case HandleType h:
                    todo.Push(h.Rep);
                    break;
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // Tests
    // ------------------------------------------------------------------------------------------

    [Test]
    public void SeedsAreValid()
    {
        var oracle = new Oracle();
        foreach (var seed in Seeds)
        {
            Assert.That(oracle.Check(() => FfiSpec.Parse(seed), seed), Is.True, () => string.Join("\n", oracle.Failures) + TryMessage(seed));
            Assert.That(oracle.Check(() => FfiSpec.Parse(Encoding.UTF8.GetBytes(seed)), seed), Is.True);
        }
        oracle.AssertClean();
    }

    private static string TryMessage(string json) => FfiSpec.TryParse(json, out _, out var error) ? "" : error.Message;

    [Test]
    public void StructuralMutations()
    {
        var random = new Random(Seed);
        var oracle = new Oracle();
        var seeds = Seeds.Select(s => JsonNode.Parse(s)!).ToArray();
        const int count = 6000;
        for (int i = 0; i < count; i++)
        {
            var root = seeds[random.Next(seeds.Length)].DeepClone();
            var duplicates = new HashSet<JsonObject>(ReferenceEqualityComparer.Instance);
            int mutations = random.Next(10) switch { < 5 => 1, < 8 => 2, _ => 3 };
            for (int m = 0; m < mutations; m++) Mutate(random, root, duplicates);
            var json = Write(root, duplicates);
            oracle.Check(() => FfiSpec.Parse(json), json);
        }
        oracle.AssertClean();
        TestContext.Out.WriteLine($"structural: {oracle.Parsed} parsed, {oracle.Rejected} rejected; reasons: " +
            string.Join("; ", oracle.Reasons.OrderByDescending(r => r.Value).Take(15).Select(r => $"{r.Key}… ×{r.Value}")));
        Assert.That(oracle.Parsed + oracle.Rejected, Is.EqualTo(count));
        Assert.That(oracle.Parsed, Is.GreaterThan(count / 20), "too few mutants still parse: the fuzzer only feeds garbage");
        Assert.That(oracle.Rejected, Is.GreaterThan(count / 4), "too few mutants are rejected: the mutations are too weak");
    }

    [Test]
    public void ByteMutations()
    {
        var random = new Random(Seed + 1);
        var oracle = new Oracle();
        var seeds = Seeds.Select(Encoding.UTF8.GetBytes).ToArray();
        const int count = 3000;
        for (int i = 0; i < count; i++)
        {
            var bytes = MutateBytes(random, seeds[random.Next(seeds.Length)]);
            var shown = Encoding.UTF8.GetString(bytes);
            oracle.Check(() => FfiSpec.Parse(bytes), shown);
            // The text API sees the same document with invalid UTF-8 replaced by U+FFFD.
            if (i % 3 == 0) oracle.Check(() => FfiSpec.Parse(shown), shown);
        }
        oracle.AssertClean();
        TestContext.Out.WriteLine($"bytes: {oracle.Parsed} parsed, {oracle.Rejected} rejected");
        Assert.That(oracle.Parsed, Is.GreaterThan(0));
    }

    [Test]
    public void TruncationAtEveryPrefixOfASeed()
    {
        var oracle = new Oracle();
        var bytes = Encoding.UTF8.GetBytes(Seeds[1]);
        var random = new Random(Seed + 2);
        int cuts = 0;
        for (int cut = 0; cut < bytes.Length; cut += 1 + random.Next(3))
        {
            var prefix = bytes[..cut];
            oracle.Check(() => FfiSpec.Parse(prefix), Encoding.UTF8.GetString(prefix));
            cuts++;
        }
        oracle.AssertClean();
        // Only the complete document is valid; every proper prefix is invalid JSON at "$".
        Assert.That(oracle.Parsed, Is.Zero);
        Assert.That(cuts, Is.GreaterThan(1000));
    }

    [Test]
    public void InvalidUtf8ThroughTheByteApi()
    {
        var random = new Random(Seed + 3);
        var oracle = new Oracle();
        byte[][] invalid =
        [
            [0xFF], [0xFE], [0xC3], [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80],
            [0xF8, 0x88, 0x80, 0x80, 0x80], [0x80], [0xBF], [0xE2, 0x82], [0xF0, 0x9F, 0x98],
        ];
        var seeds = Seeds.Select(Encoding.UTF8.GetBytes).ToArray();
        const int count = 600;
        for (int i = 0; i < count; i++)
        {
            var seed = seeds[random.Next(seeds.Length)];
            // Inside a string (right after an opening quote) or anywhere.
            int at = random.Next(seed.Length);
            if (random.Next(2) == 0)
            {
                int quote = Array.IndexOf(seed, (byte)'"', at);
                if (quote >= 0) at = quote + 1;
            }
            var bad = invalid[random.Next(invalid.Length)];
            byte[] mutant = [.. seed[..at], .. bad, .. seed[at..]];
            oracle.Check(() => FfiSpec.Parse(mutant), Encoding.UTF8.GetString(mutant));
            var ex = Assert.Throws<FfiSpecException>(() => FfiSpec.Parse(mutant));
            Assert.That(ex.Message, Does.StartWith("$: invalid text: the spec is not valid UTF-8 (at byte offset "));
        }
        oracle.AssertClean();
        Assert.That(oracle.Rejected, Is.EqualTo(count));
    }

    [Test]
    public void LoneSurrogatesThroughTheTextApi()
    {
        var oracle = new Oracle();
        var random = new Random(Seed + 4);
        foreach (var seed in Seeds)
        {
            for (int i = 0; i < 50; i++)
            {
                int at = random.Next(seed.Length);
                var mutant = seed[..at] + (random.Next(2) == 0 ? '\uD800' : '\uDFFF') + seed[at..];
                oracle.Check(() => FfiSpec.Parse(mutant), mutant);
            }
        }
        oracle.AssertClean();
        Assert.That(oracle.Parsed, Is.Zero);
    }
}
