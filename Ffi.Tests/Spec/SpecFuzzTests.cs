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
public sealed class SpecFuzzTests
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

    // ------------------------------------------------------------------------------------------
    // Deep nesting
    // ------------------------------------------------------------------------------------------

    private static string AliasChain(int n, bool rootFirst)
    {
        var sb = new StringBuilder("{\"version\":\"1\",\"lib\":\"x\",\"types\":{");
        var entries = Enumerable.Range(0, n).Select(i => $"\"a{i}\":\"{(i == n - 1 ? "int" : $"a{i + 1}")}\"");
        sb.AppendJoin(',', rootFirst ? entries : entries.Reverse());
        return sb.Append("}}").ToString();
    }

    private static T OnThread<T>(int stackSize, Func<T> body)
    {
        T result = default!;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = body();
            }
            catch (Exception ex)
            {
                error = ex;
            }
        }, stackSize);
        thread.Start();
        thread.Join();
        return error is null ? result : throw new AssertionException($"the body threw {error}");
    }

    [Test]
    public void LongAliasChainDeclaredLeafFirstResolves()
    {
        var spec = FfiSpec.Parse(AliasChain(10_000, rootFirst: false));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(spec.Types.Names, Has.Count.EqualTo(10_000));
            Assert.That(spec.Types["a0"], Is.SameAs(BuiltinTypes.All["int"]));
            Assert.That(spec.Types["a9999"], Is.SameAs(BuiltinTypes.All["int"]));
        }
    }

    [Test]
    public void LongAliasChainDeclaredRootFirstResolvesOrIsTooDeep()
    {
        // Resolving a0 recurses through all 10,000 names. Either it fits the stack or the resolver
        // stops with a spec error; it must never overflow the stack.
        var json = AliasChain(10_000, rootFirst: true);
        var oracle = new Oracle();
        if (oracle.Check(() => FfiSpec.Parse(json), "(10,000 alias chain)"))
            Assert.That(FfiSpec.Parse(json).Types["a0"], Is.SameAs(BuiltinTypes.All["int"]));
        else
            Assert.That(Assert.Throws<FfiSpecException>(() => FfiSpec.Parse(json)).Reason, Is.EqualTo("type references nest too deeply"));
        oracle.AssertClean();
    }

    [Test]
    public void LongAliasChainOnASmallStackIsTooDeepNotACrash()
    {
        var json = AliasChain(10_000, rootFirst: true);
        var ex = OnThread<FfiSpecException?>(256 * 1024, () =>
        {
            try
            {
                FfiSpec.Parse(json);
                return null;
            }
            catch (FfiSpecException e)
            {
                return e;
            }
        });
        Assert.That(ex, Is.Not.Null, "10,000 nested resolutions on a 256 KiB stack were expected to be refused");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.Reason, Is.EqualTo("type references nest too deeply"));
            Assert.That(ex.JsonPath, Does.Match(@"^types\.a\d+$"));
        }
    }

    [Test]
    public void LongAliasChainOnABigStackResolves()
    {
        var json = AliasChain(10_000, rootFirst: true);
        var spec = OnThread(64 * 1024 * 1024, () => FfiSpec.Parse(json));
        Assert.That(spec.Types["a0"], Is.SameAs(BuiltinTypes.All["int"]));
    }

    [Test]
    public void LongChainOfStructsByValue()
    {
        const int n = 10_000;
        var sb = new StringBuilder("{\"version\":\"1\",\"lib\":\"x\",\"types\":{");
        sb.AppendJoin(',', Enumerable.Range(0, n).Select(i =>
            $"\"s{i}\":{{\"kind\":\"struct\",\"fields\":[{{\"name\":\"x\",\"type\":\"{(i == n - 1 ? "char" : $"s{i + 1}")}\"}}]}}"));
        var json = sb.Append("}}").ToString();
        var oracle = new Oracle();
        if (oracle.Check(() => FfiSpec.Parse(json), "(10,000 struct chain)"))
            Assert.That(FfiSpec.Parse(json).Types["s0"].Size, Is.EqualTo(1));
        else
            Assert.That(Assert.Throws<FfiSpecException>(() => FfiSpec.Parse(json)).Reason, Is.EqualTo("type references nest too deeply"));
        oracle.AssertClean();
    }

    private static string Nest(int depth, string open, string leaf, string close)
    {
        var sb = new StringBuilder("{\"version\":\"1\",\"lib\":\"x\",\"types\":{\"t\":");
        for (int i = 0; i < depth; i++) sb.Append(open);
        sb.Append(leaf);
        for (int i = 0; i < depth; i++) sb.Append(close);
        return sb.Append("}}").ToString();
    }

    [Test]
    public void DeeplyNestedInlinePointersAndArraysWithinTheJsonDepthLimit()
    {
        // The root and "types" take 2 of the 256 levels of nesting the reader allows.
        var pointers = FfiSpec.Parse(Nest(254, "{\"kind\":\"pointer\",\"to\":", "\"int\"", "}"));
        CType t = pointers.Types["t"];
        int depth = 0;
        while (t is PointerType p)
        {
            t = p.Pointee;
            depth++;
        }
        using (Assert.EnterMultipleScope())
        {
            Assert.That(depth, Is.EqualTo(254));
            Assert.That(t, Is.SameAs(BuiltinTypes.All["int"]));
        }

        var arrays = FfiSpec.Parse(Nest(254, "{\"kind\":\"array\",\"len\":1,\"of\":", "\"double\"", "}"));
        Assert.That(arrays.Types["t"].Size, Is.EqualTo(8));

        var mixed = FfiSpec.Parse(Nest(120, "{\"kind\":\"array\",\"len\":2,\"of\":{\"kind\":\"pointer\",\"to\":", "\"int\"", "}}"));
        Assert.That(mixed.Types["t"].Size, Is.EqualTo(16));
    }

    [TestCase(255, "{\"kind\":\"pointer\",\"to\":", "\"int\"", "}")]
    [TestCase(10_000, "{\"kind\":\"pointer\",\"to\":", "\"int\"", "}")]
    [TestCase(100_000, "{\"kind\":\"array\",\"len\":1,\"of\":", "\"int\"", "}")]
    [TestCase(100_000, "[", "1", "]")]
    [TestCase(100_000, "{\"kind\":\"struct\",\"fields\":[{\"name\":\"x\",\"type\":", "\"int\"", "}]}")]
    public void NestingBeyondTheJsonDepthLimitIsInvalidJson(int depth, string open, string leaf, string close)
    {
        var json = Nest(depth, open, leaf, close);
        var ex = Assert.Throws<FfiSpecException>(() => FfiSpec.Parse(json));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex.JsonPath, Is.EqualTo("$"));
            Assert.That(ex.Reason, Does.StartWith("invalid JSON at line 1, byte "));
            Assert.That(ex.Reason, Does.Contain("The maximum configured depth of 256 has been exceeded."));
        }
    }

    // ------------------------------------------------------------------------------------------
    // Mutators
    // ------------------------------------------------------------------------------------------

    /// <summary>A place holding a JSON value: a property of an object or an element of an array.</summary>
    private readonly record struct Slot(JsonNode Container, string? Key, int Index)
    {
        public JsonNode? Value => Container is JsonObject o ? o[Key!] : ((JsonArray)Container)[Index];

        public void Set(JsonNode? value)
        {
            if (Container is JsonObject o) o[Key!] = value;
            else ((JsonArray)Container)[Index] = value;
        }
    }

    private static List<Slot> Slots(JsonNode root)
    {
        var slots = new List<Slot>();
        var todo = new Stack<JsonNode>();
        todo.Push(root);
        while (todo.TryPop(out var n))
        {
            if (n is JsonObject o)
            {
                foreach (var (k, v) in o)
                {
                    slots.Add(new Slot(o, k, -1));
                    if (v is not null) todo.Push(v);
                }
            }
            else if (n is JsonArray a)
            {
                for (int i = 0; i < a.Count; i++)
                {
                    slots.Add(new Slot(a, null, i));
                    if (a[i] is { } v) todo.Push(v);
                }
            }
        }
        return slots;
    }

    /// <summary>A string where a type name is expected: a reference key, a params element or an alias in "types".</summary>
    private static bool IsRefSlot(Slot s)
    {
        if (s.Value is not JsonValue v || v.GetValueKind() != JsonValueKind.String) return false;
        if (s.Key is { } key) return RefKeys.Contains(key) || s.Container == s.Container.Root["types"];
        return s.Container.Parent is JsonObject p && p["params"] == s.Container;
    }

    private static List<string> TypeNames(JsonNode root) =>
        root["types"] is JsonObject t ? t.Select(kv => kv.Key).ToList() : [];

    private static T Pick<T>(Random r, IReadOnlyList<T> items) => items[r.Next(items.Count)];

    private static void Mutate(Random r, JsonNode root, HashSet<JsonObject> duplicates)
    {
        var slots = Slots(root);
        if (slots.Count == 0) return;
        switch (r.Next(12))
        {
            case 0: // drop a key
            {
                var objects = slots.Where(s => s.Container is JsonObject).ToList();
                if (objects.Count == 0) return;
                var s = Pick(r, objects);
                ((JsonObject)s.Container).Remove(s.Key!);
                break;
            }
            case 1: // replace a value with a value of another JSON kind
            case 2:
                Pick(r, slots).Set(RandomValue(r, depth: 0));
                break;
            case 3: // rename a type reference to an unknown name (or a near miss)
            {
                var refs = slots.Where(IsRefSlot).ToList();
                if (refs.Count == 0) return;
                var s = Pick(r, refs);
                var name = s.Value!.GetValue<string>();
                s.Set(r.Next(2) == 0 && name.Length > 1 ? name[..^1] : $"no_such_type_{r.Next(100)}");
                break;
            }
            case 4: // swap a kind
            {
                var kinds = slots.Where(s => s.Key == "kind").ToList();
                if (kinds.Count == 0) return;
                Pick(r, kinds).Set(r.Next(10) == 0 ? "Struct" : Pick(r, Kinds));
                break;
            }
            case 5: // make references cyclic: point a reference inside a declared type at itself or another declared type
            {
                var names = TypeNames(root);
                var refs = slots.Where(IsRefSlot).ToList();
                if (names.Count == 0 || refs.Count == 0) return;
                var s = Pick(r, refs);
                var owner = DeclaringType(s.Container);
                s.Set(owner is not null && r.Next(2) == 0 ? owner : Pick(r, names));
                break;
            }
            case 6: // duplicate a key (the writer emits one property of this object twice)
            {
                var objects = slots.Select(s => s.Value).OfType<JsonObject>().Where(o => o.Count > 0).ToList();
                if (objects.Count > 0) duplicates.Add(Pick(r, objects));
                else if (root is JsonObject ro && ro.Count > 0) duplicates.Add(ro);
                break;
            }
            case 7: // rename a declared type, leaving its references dangling (or hitting another name)
            {
                if (root["types"] is not JsonObject types || types.Count == 0) return;
                var (key, value) = types.ElementAt(r.Next(types.Count));
                types.Remove(key);
                var newName = r.Next(3) switch { 0 => Pick(r, SpecialStrings), 1 => key.ToUpperInvariant(), _ => key + "_" };
                types[newName] = value;
                break;
            }
            case 8: // copy a subtree somewhere else
            {
                var from = Pick(r, slots).Value;
                Pick(r, slots).Set(from?.DeepClone());
                break;
            }
            case 9: // boundary numbers where numbers live
            {
                var numbers = slots.Where(s => s.Value is JsonValue v && v.GetValueKind() == JsonValueKind.Number).ToList();
                var s = numbers.Count > 0 && r.Next(4) != 0 ? Pick(r, numbers) : Pick(r, slots);
                s.Set(JsonNode.Parse(Pick(r, SpecialNumbers)));
                break;
            }
            case 10: // add aggregate options, bitfields or fields
            {
                var aggregates = slots.Select(s => s.Value).OfType<JsonObject>()
                    .Where(o => o["kind"] is JsonValue k && k.GetValueKind() == JsonValueKind.String && k.GetValue<string>() is "struct" or "union").ToList();
                if (aggregates.Count == 0) return;
                var g = Pick(r, aggregates);
                switch (r.Next(4))
                {
                    case 0:
                        g["packed"] = r.Next(3) != 0;
                        break;
                    case 1:
                        g["align"] = JsonNode.Parse(Pick(r, new[] { "1", "2", "4", "8", "16", "64", "3", "0", "268435456", "536870912" }));
                        break;
                    default:
                        if (g["fields"] is not JsonArray fields || fields.Count == 0) return;
                        var field = fields[r.Next(fields.Count)];
                        if (r.Next(2) == 0) fields.Add(field?.DeepClone());
                        else if (field is JsonObject f) f["bits"] = r.Next(70);
                        break;
                }
                break;
            }
            default: // nest deeply
                Pick(r, slots).Set(DeepValue(r));
                break;
        }
    }

    private static string? DeclaringType(JsonNode? node)
    {
        while (node?.Parent is { } parent)
        {
            if (parent is JsonObject && parent == parent.Root["types"]) return node.GetPropertyName();
            node = parent;
        }
        return null;
    }

    private static JsonNode? RandomValue(Random r, int depth)
    {
        switch (r.Next(depth > 2 ? 6 : 9))
        {
            case 0: return JsonNode.Parse(Pick(r, SpecialNumbers));
            case 1: return JsonValue.Create(Pick(r, SpecialStrings));
            case 2: return null;
            case 3: return JsonValue.Create(r.Next(2) == 0);
            case 4: return JsonValue.Create(RawMarker + Pick(r, RawFragments));
            case 5: return JsonValue.Create(Pick(r, Kinds));
            case 6:
            {
                var a = new JsonArray();
                for (int i = r.Next(3); i > 0; i--) a.Add(RandomValue(r, depth + 1));
                return a;
            }
            case 7:
            {
                var o = new JsonObject { ["kind"] = Pick(r, Kinds) };
                foreach (var key in new[] { "to", "of", "len", "bits", "signed", "fields", "base", "values", "ret", "params", "tag", "rep" })
                    if (r.Next(4) == 0) o[key] = RandomValue(r, depth + 1);
                return o;
            }
            default:
                return new JsonObject();
        }
    }

    private static JsonNode DeepValue(Random r)
    {
        int depth = r.Next(2) == 0 ? r.Next(1, 60) : r.Next(200, 320);
        JsonNode node = JsonValue.Create(r.Next(2) == 0 ? "int" : "node");
        for (int i = 0; i < depth; i++)
        {
            node = r.Next(4) switch
            {
                0 => new JsonObject { ["kind"] = "pointer", ["to"] = node },
                1 => new JsonObject { ["kind"] = "array", ["of"] = node, ["len"] = r.Next(3) },
                2 => new JsonArray(node),
                _ => new JsonObject { ["kind"] = "struct", ["fields"] = new JsonArray(new JsonObject { ["name"] = "f", ["type"] = node }) },
            };
        }
        return node;
    }

    /// <summary>Compact JSON; objects in <paramref name="duplicates"/> get their first property written twice.</summary>
    private static string Write(JsonNode? root, HashSet<JsonObject> duplicates)
    {
        var sb = new StringBuilder();
        var todo = new Stack<object?>();
        todo.Push(root);
        while (todo.Count > 0)
        {
            switch (todo.Pop())
            {
                case string text:
                    sb.Append(text);
                    break;
                case JsonObject o:
                {
                    var parts = new List<object?> { "{" };
                    var props = o.ToList();
                    if (duplicates.Contains(o) && props.Count > 0) props.Add(props[0]);
                    for (int i = 0; i < props.Count; i++)
                    {
                        if (i > 0) parts.Add(",");
                        parts.Add(JsonSerializer.Serialize(props[i].Key) + ":");
                        parts.Add(props[i].Value);
                    }
                    parts.Add("}");
                    for (int i = parts.Count - 1; i >= 0; i--) todo.Push(parts[i]);
                    break;
                }
                case JsonArray a:
                {
                    var parts = new List<object?> { "[" };
                    for (int i = 0; i < a.Count; i++)
                    {
                        if (i > 0) parts.Add(",");
                        parts.Add(a[i]);
                    }
                    parts.Add("]");
                    for (int i = parts.Count - 1; i >= 0; i--) todo.Push(parts[i]);
                    break;
                }
                case JsonValue v when v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().StartsWith(RawMarker, StringComparison.Ordinal):
                    sb.Append(v.GetValue<string>()[RawMarker.Length..]);
                    break;
                case JsonValue v:
                    sb.Append(v.ToJsonString());
                    break;
                case null:
                    sb.Append("null");
                    break;
            }
        }
        return sb.ToString();
    }

    private static readonly byte[] InterestingBytes = "{}[]\":,\\0123456789-+.eE ntfu\0"u8.ToArray().Concat(new byte[] { 0x80, 0xC3, 0xED, 0xFF, 0x7F, 0x01 }).ToArray();

    private static readonly string[] Tokens =
    [
        "{", "}", "[", "]", ",", ":", "\"", "null", "true", "1e400", "-1", "\"kind\"", "\"to\"", "\"struct\"", "\\u", "\\ud800", "//", "/*",
    ];

    private static byte[] MutateBytes(Random r, byte[] seed)
    {
        var b = new List<byte>(seed);
        int edits = 1 + r.Next(4);
        for (int e = 0; e < edits && b.Count > 0; e++)
        {
            int at = r.Next(b.Count);
            switch (r.Next(7))
            {
                case 0: // truncate
                    b.RemoveRange(at, b.Count - at);
                    break;
                case 1: // flip a bit
                    b[at] ^= (byte)(1 << r.Next(8));
                    break;
                case 2: // insert a byte
                    b.Insert(at, r.Next(3) == 0 ? (byte)r.Next(256) : InterestingBytes[r.Next(InterestingBytes.Length)]);
                    break;
                case 3: // delete a range
                    b.RemoveRange(at, Math.Min(b.Count - at, 1 + r.Next(16)));
                    break;
                case 4: // duplicate a range
                {
                    int len = Math.Min(b.Count - at, 1 + r.Next(64));
                    b.InsertRange(r.Next(b.Count), b.GetRange(at, len));
                    break;
                }
                case 5: // replace a byte
                    b[at] = InterestingBytes[r.Next(InterestingBytes.Length)];
                    break;
                default: // insert a token
                    b.InsertRange(at, Encoding.UTF8.GetBytes(Pick(r, Tokens)));
                    break;
            }
        }
        return [.. b];
    }
}
