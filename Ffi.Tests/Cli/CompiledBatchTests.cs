using System.Text.Json;
using System.Text.Json.Nodes;
using Ffi.Tests.Oracle;
using Ffi.Types;

namespace Ffi.Tests.Cli;

/// <summary>
/// <c>ffi batch SPEC --compiled</c> (shared/SPEC.md: the same requests through an assembly compiled from SPEC, output
/// identical to the run-time path's). Every test feeds the same input to both paths and compares the lines, errors
/// included; what C computed is judged by gcc's code in <see cref="BatchGccTests"/> (both paths) and here where a value
/// is C's own (libc, the fixture below).
/// </summary>
[TestFixture]
public sealed class CompiledBatchTests
{
    // A library with what random signatures do not have: capabilities, errno, strings both ways, a writable char *,
    // an enum, a handle, a bitfield struct and a variadic function.
    private const string FixtureC = """
        #include <errno.h>
        #include <stdarg.h>
        #include <stdio.h>
        #include <string.h>
        typedef enum { RED = 1, GREEN = 2, BLUE = 40000 } color;
        typedef struct { unsigned a : 3; int b : 5; unsigned long long c : 40; char tag; } bits;
        int gated(int x) { return x + 1; }
        long fail_with(int e) { errno = e; return -1; }
        const char *pass_through(const char *p) { return p; }
        const char *greet(const char *who) { static char buf[64]; snprintf(buf, sizeof buf, "hello, %s", who); return buf; }
        int fill(char *buf, int n) { for (int i = 0; i < n; i++) buf[i] = 'x'; return n; }
        color next_color(color c) { return c == RED ? GREEN : BLUE; }
        void *handle_of(long v) { return (void *)(v * 16); }
        long handle_value(void *h) { return (long)h / 16; }
        bits make_bits(int a, int b, long long c) { bits r = { a, b, c, 'q' }; return r; }
        int bits_sum(bits v) { return v.a + v.b + (int)v.c + v.tag; }
        int format(char *out, int n, const char *fmt, ...) { va_list ap; va_start(ap, fmt); int r = vsnprintf(out, n, fmt, ap); va_end(ap); return r; }
        """;

    private const string FixtureSpec = """
        { "version": "1", "lib": "LIB",
          "types": {
            "color": { "kind": "enum", "base": "int", "values": { "RED": 1, "GREEN": 2, "BLUE": 40000 } },
            "thing": { "kind": "handle", "tag": "thing", "rep": "pointer" },
            "text": { "kind": "pointer", "to": "char" },
            "bits": { "kind": "struct", "fields": [ { "name": "a", "type": "uint", "bits": 3 }, { "name": "b", "type": "int", "bits": 5 },
                                  { "name": "c", "type": "ulonglong", "bits": 40 }, { "name": "tag", "type": "char" } ] } },
          "functions": [
            { "name": "gated", "ret": "int", "params": ["int"], "caps": ["net", "fs"] },
            { "name": "fail_with", "ret": "long", "params": ["int"], "errno": true },
            { "name": "pass_through", "ret": "string", "params": ["string"] },
            { "name": "greet", "ret": "string", "params": ["string"], "ret_as_str": true },
            { "name": "fill", "ret": "int", "params": ["text", "int"] },
            { "name": "next_color", "ret": "color", "params": ["color"] },
            { "name": "handle_of", "ret": "thing", "params": ["long"] },
            { "name": "handle_value", "ret": "long", "params": ["thing"] },
            { "name": "make_bits", "ret": "bits", "params": ["int", "int", "int64"] },
            { "name": "bits_sum", "ret": "int", "params": ["bits"] },
            { "name": "format", "ret": "int", "params": ["text", "int", "string"], "variadic": true } ] }
        """;

    private static readonly string[] FixtureRequests =
    [
        """{"fn": "gated", "args": [1]}""",
        """{"fn": "fail_with", "args": [34]}""",
        """{"fn": "fail_with", "args": [-1]}""",
        """{"fn": "pass_through", "args": [4660]}""",
        """{"fn": "greet", "args": ["wörld"]}""",
        """{"fn": "greet", "args": [null]}""",
        """{"fn": "fill", "args": [{"buffer": 8, "read": "string"}, 5]}""",
        """{"fn": "fill", "args": ["text", 2]}""",
        """{"fn": "next_color", "args": [1]}""",
        """{"fn": "next_color", "args": [3]}""",
        """{"fn": "next_color", "args": [99999999999]}""",
        """{"fn": "handle_of", "args": [3]}""",
        """{"fn": "handle_value", "args": ["0x40"]}""",
        """{"fn": "handle_value", "args": [128]}""",
        """{"fn": "make_bits", "args": [5, -3, 1099511627775]}""",
        """{"fn": "bits_sum", "args": [{"a": 7, "b": -16, "c": 100, "tag": 1}]}""",
        """{"fn": "bits_sum", "args": [{"a": 8}]}""",
        """{"fn": "bits_sum", "args": [{"d": 1}]}""",
        """{"fn": "format", "args": [{"buffer": 96, "read": "string"}, 96, "%d|%lld|%.17g|%s|%u|%p", [-7, 5000000000, 0.1, "s", {"type": "uint32", "value": 4000000000}, null]]}""",
        """{"fn": "format", "args": [{"buffer": 32, "read": "string"}, 32, "%d %d", [{"type": "int8", "value": -5}, true]]}""",
        """{"fn": "format", "args": [null, 0, "%d", [{"type": "bits", "value": {}}]]}""",
        """{"fn": "format", "args": [null, 0, "%d", [{"type": "uint8", "value": 300}]]}""",
        """{"fn": "format", "args": [null, 0, "%d", [[1]]]}""",
        """{"fn": "format", "args": [null, 0, "%d", 5]}""",
        """{"fn": "format", "args": [null, 0]}""",
        """{"fn": "nosuch", "args": []}""",
        """not json""",
    ];

    [Test]
    public void FixtureRequestsPrintTheSameLinesThroughBothPaths()
    {
        var spec = FixtureSpecFile();
        foreach (var grants in new[] { Array.Empty<string>(), ["fs"], ["net"], ["net,fs"] })
        {
            var options = grants.SelectMany(g => new[] { "--grant", g }).ToArray();
            var (runtime, compiled) = BothPaths(spec, FixtureRequests, options);
            Assert.That(compiled, Is.EqualTo(runtime), $"grants: {string.Join(' ', grants)}");
        }
        var (lines, _) = BothPaths(spec, FixtureRequests, ["--grant", "net,fs"]);
        // What C made, where C decides it.
        Assert.Multiple(() =>
        {
            Assert.That(lines[0], Is.EqualTo("""{"ok":true,"ret":2}"""));
            Assert.That(lines[1], Is.EqualTo("""{"ok":true,"ret":-1,"errno":34}"""));
            Assert.That(lines[4], Is.EqualTo("""{"ok":true,"ret":"hello, wörld"}"""));
            Assert.That(lines[6], Is.EqualTo("""{"ok":true,"ret":5,"out":["xxxxx"]}"""));
            Assert.That(lines[9], Is.EqualTo("""{"ok":true,"ret":40000}"""));
            Assert.That(lines[13], Is.EqualTo("""{"ok":true,"ret":8}"""));
            Assert.That(lines[14], Is.EqualTo("""{"ok":true,"ret":{"a":5,"b":-3,"c":1099511627775,"tag":113}}"""));
            Assert.That(lines[15], Is.EqualTo("""{"ok":true,"ret":92}"""), "7 - 16 + 100 + 1");
            Assert.That(lines[3], Is.EqualTo("""{"ok":true,"ret":"0x1234"}"""), "an address for const char *, and the pointer back (no ret_as_str)");
            Assert.That(lines[18], Does.Contain("""["-7|5000000000|0.10000000000000001|s|4000000000|(nil)"]"""));
            Assert.That(lines[19], Does.Contain("""["-5 1"]"""));
        });
        Assert.That(lines.Count(l => l.StartsWith("""{"ok":false""", StringComparison.Ordinal)), Is.GreaterThanOrEqualTo(9), "the refusals are compared too");
    }

    [Test]
    public void DeniedCapabilitiesAreNamedAsTheRunTimePathNamesThem()
    {
        var (runtime, compiled) = BothPaths(FixtureSpecFile(), [FixtureRequests[0]], []);
        Assert.That(compiled, Is.EqualTo(runtime));
        Assert.That(compiled[0], Does.Contain("capability \\\"net\\\" was not granted (run with --grant net)"), "the function's first capability");
        Assert.That(compiled[0], Does.Contain("FfiCapabilityDeniedException"));
    }

    [Test]
    public void LibcRequestsPrintTheSameLines()
    {
        string[] requests =
        [
            """{"fn": "strlen", "args": ["hello"]}""",
            """{"fn": "abs", "args": [5000000000]}""",
            """{"fn": "div", "args": [7, 2]}""",
            """{"fn": "ldiv", "args": [-7, 2]}""",
            """{"fn": "strtol", "args": ["99999999999999999999", null, 10]}""",
            """{"fn": "strtod", "args": ["2.5e3", null]}""",
            """{"fn": "snprintf", "args": [{"buffer": 64, "read": "string"}, 64, "%d %s %.3f %lu", [42, "x", 2.5, {"type": "uint64", "value": 7}]]}""",
            """{"fn": "strerror", "args": [2]}""",
            """{"fn": "unlink", "args": ["/nonexistent/ffi-test"]}""",
            """{"fn": "strlen", "args": [1, 2]}""",
        ];
        var spec = Path.Combine(TestContext.CurrentContext.TestDirectory, "examples", "libc.json");
        if (!File.Exists(spec)) spec = Path.GetFullPath(Path.Combine(TestContext.CurrentContext.TestDirectory, "..", "..", "..", "..", "examples", "libc.json"));
        var (runtime, compiled) = BothPaths(spec, requests, []);
        Assert.That(compiled, Is.EqualTo(runtime));
        Assert.That(compiled[2], Is.EqualTo("""{"ok":true,"ret":{"quot":3,"rem":1}}"""));
        Assert.That(compiled[6], Is.EqualTo("""{"ok":true,"ret":12,"out":["42 x 2.500 7"]}"""));
    }

    /// <summary>
    /// Seeded random requests over random signatures (every aggregate class, unions, arrays, bitfields): each argument
    /// right or, in a third of the requests, one argument replaced by a wrong value (a wrong JSON kind, an integer out of
    /// range, a fraction for an integer, a missing or unknown field). Both paths must print the same line for each.
    /// </summary>
    [TestCase(75)]
    [TestCase(88)]
    public void RandomRequestsRightAndWrongPrintTheSameLines(int seed)
    {
        var (gen, _, sigs) = RandomSignatures.Generate(seed, $"Q{seed}_");
        var lib = Gcc.Compile(RandomSignatures.CSource(gen, sigs), "compiled_batch", "-shared -fPIC");
        (var json, sigs) = BatchGccTests.Compilable(BatchGccTests.SpecJson(gen, lib, sigs), sigs);
        var dir = Directory.CreateTempSubdirectory("ffi-compiled-batch-").FullName;
        var spec = Path.Combine(dir, "spec.json");
        File.WriteAllText(spec, json);

        var rng = new Random(seed);
        var requests = new List<string>();
        for (int round = 0; round < 3; round++)
        {
            var (lines, _, _) = BatchGccTests.Requests(seed + round * 1000, sigs);
            for (int i = 0; i < lines.Count; i++)
                requests.Add(sigs[i].Params.Count > 0 && rng.Next(3) == 0 ? Spoil(lines[i], sigs[i], rng) : lines[i]);
        }
        var (runtime, compiled) = BothPaths(spec, requests, []);
        var differing = Enumerable.Range(0, requests.Count).Where(i => runtime[i] != compiled[i])
            .Select(i => $"{requests[i]}\n  run time: {runtime[i]}\n  compiled: {compiled[i]}").Take(10).ToList();
        Assert.That(differing, Is.Empty, string.Join("\n", differing));
        int failed = compiled.Count(l => l.StartsWith("""{"ok":false""", StringComparison.Ordinal));
        Assert.That(failed, Is.GreaterThan(requests.Count / 10), "refusals compared");
        Assert.That(requests.Count - failed, Is.GreaterThan(requests.Count / 2), "calls compared");
        Directory.Delete(dir, recursive: true);
    }

    /// <summary>
    /// Seeded random variadic requests: <c>format(buffer, n, FORMAT, extras)</c> (vsnprintf) with 1–14 extras of every
    /// kind the CLI takes — plain integers (int or long long), numbers, strings, null, booleans, typed values of
    /// every builtin scalar — with the matching conversion in FORMAT, and now and then one extra C cannot take (a
    /// struct, an array, an out-of-range typed value). Both paths must print the same line, the text C wrote included.
    /// </summary>
    [Test]
    public void RandomVariadicRequestsPrintTheSameLines()
    {
        var rng = new Random(4242);
        (string Type, string Format, Func<Random, JsonNode?> Value)[] typed =
        [
            ("int8", "%d", r => JsonValue.Create(r.Next(-128, 128))), ("uint8", "%d", r => JsonValue.Create(r.Next(256))),
            ("int16", "%d", r => JsonValue.Create(r.Next(-32768, 32768))), ("uint16", "%d", r => JsonValue.Create(r.Next(65536))),
            ("int32", "%d", r => JsonValue.Create(r.Next(int.MinValue, int.MaxValue))), ("uint32", "%u", r => JsonValue.Create((uint)r.NextInt64(uint.MaxValue))),
            ("int64", "%lld", r => JsonValue.Create(r.NextInt64(long.MinValue, long.MaxValue))), ("uint64", "%llu", r => JsonValue.Create((ulong)r.NextInt64() * 2 + 1)),
            ("double", "%.17g", r => JsonValue.Create(r.NextDouble() * 1e6 - 5e5)), ("float", "%.9g", r => JsonValue.Create((float)(r.NextDouble() * 100))),
            ("bool", "%d", r => JsonValue.Create(r.Next(2) == 1)), ("pointer", "%p", r => JsonValue.Create($"0x{r.NextInt64(1L << 47):x}")),
            ("string", "%s", r => JsonValue.Create($"s{r.Next(1000)}")), ("color", "%d", r => JsonValue.Create(new[] { 1, 2, 40000 }[r.Next(3)])),
        ];
        var requests = new List<string>();
        for (int n = 0; n < 200; n++)
        {
            var format = new System.Text.StringBuilder();
            var extras = new JsonArray();
            int count = rng.Next(1, 15);
            for (int i = 0; i < count; i++)
            {
                format.Append(i == 0 ? "" : "|");
                switch (rng.Next(9))
                {
                    case 0: format.Append("%d"); extras.Add(rng.Next(int.MinValue, int.MaxValue)); break;
                    case 1: format.Append("%lld"); extras.Add(rng.NextInt64(long.MinValue, long.MaxValue)); break;
                    case 2: format.Append("%.17g"); extras.Add(rng.NextDouble() * 2000 - 1000); break;
                    case 3: format.Append("%s"); extras.Add($"text {rng.Next(100)}"); break;
                    case 4: format.Append("%p"); extras.Add(null); break;
                    case 5: format.Append("%d"); extras.Add(rng.Next(2) == 1); break;
                    case 6 when rng.Next(8) == 0:
                        format.Append("%d");
                        extras.Add(rng.Next(3) switch
                        {
                            0 => new JsonObject { ["type"] = "bits", ["value"] = new JsonObject() },
                            1 => new JsonArray(1),
                            _ => new JsonObject { ["type"] = "int8", ["value"] = 300 },
                        });
                        break;
                    default:
                        var (type, f, value) = typed[rng.Next(typed.Length)];
                        format.Append(f);
                        extras.Add(new JsonObject { ["type"] = type, ["value"] = value(rng) });
                        break;
                }
            }
            var request = new JsonObject
            {
                ["fn"] = "format",
                ["args"] = new JsonArray(new JsonObject { ["buffer"] = 1024, ["read"] = "string" }, 1024, format.ToString(), extras),
            };
            requests.Add(request.ToJsonString());
        }
        var (runtime, compiled) = BothPaths(FixtureSpecFile(), requests, []);
        var differing = Enumerable.Range(0, requests.Count).Where(i => runtime[i] != compiled[i])
            .Select(i => $"{requests[i]}\n  run time: {runtime[i]}\n  compiled: {compiled[i]}").Take(10).ToList();
        Assert.That(differing, Is.Empty, string.Join("\n", differing));
        Assert.That(compiled.Count(l => l.StartsWith("""{"ok":true""", StringComparison.Ordinal)), Is.GreaterThan(150), "calls compared");
        Assert.That(compiled.Count(l => l.StartsWith("""{"ok":false""", StringComparison.Ordinal)), Is.GreaterThan(5), "refusals compared");
    }

    [Test]
    public void ASpecTheCompilerRefusesIsBadInputNamingTheShape()
    {
        var dir = Directory.CreateTempSubdirectory("ffi-compiled-batch-").FullName;
        var spec = Path.Combine(dir, "empty.json");
        File.WriteAllText(spec, """
            { "version": "1", "lib": "libc.so.6", "types": { "empty": { "kind": "struct", "fields": [] } },
              "functions": [ { "name": "abs", "ret": "int", "params": ["int"] }, { "name": "labs", "ret": "long", "params": ["empty"] } ] }
            """);
        var (code, stdout, stderr) = InProcessCli.Run(["batch", spec, "--compiled"], """{"fn": "abs", "args": [-1]}""");
        Assert.That(code, Is.EqualTo(Demo.Cli.BadInput));
        Assert.That(stdout, Is.Empty);
        Assert.That(stderr, Does.StartWith("ffi batch: ").And.Contain("empty"));
        Directory.Delete(dir, recursive: true);
    }

    [Test]
    public void CDeclarationsWithALibraryRunCompiledToo()
    {
        var dir = Directory.CreateTempSubdirectory("ffi-compiled-batch-").FullName;
        var lib = Gcc.Compile(FixtureC, "compiled_batch_fixture", "-shared -fPIC");
        var header = Path.Combine(dir, "fixture.h");
        File.WriteAllText(header, """
            #include <stdint.h>
            typedef struct { unsigned a : 3; int b : 5; unsigned long long c : 40; char tag; } bits;
            bits make_bits(int a, int b, long long c);
            int bits_sum(bits v);
            int format(char *out, int n, const char *fmt, ...);
            """);
        string[] requests =
        [
            """{"fn": "make_bits", "args": [1, 2, 3]}""",
            """{"fn": "bits_sum", "args": [{"a": 1, "b": 2, "c": 3, "tag": 4}]}""",
            """{"fn": "format", "args": [{"buffer": 32, "read": "string"}, 32, "%d %lld", [{"type": "int64_t", "value": 5}, 6]]}""",
        ];
        var (runtime, compiled) = BothPaths(header, requests, ["--lib", lib]);
        Assert.That(compiled, Is.EqualTo(runtime));
        Assert.That(compiled[1], Is.EqualTo("""{"ok":true,"ret":10}"""));
        Assert.That(compiled[2], Is.EqualTo("""{"ok":true,"ret":3,"out":["5 6"]}"""));
        Directory.Delete(dir, recursive: true);
    }

    // Runs the same requests through `ffi batch` and `ffi batch --compiled` in this process; each must exit 0 and print one line per request.
    private static (string[] Runtime, string[] Compiled) BothPaths(string spec, IReadOnlyList<string> requests, string[] options)
    {
        var input = string.Join("\n", requests) + "\n";
        string[] Lines(params string[] extra)
        {
            var (code, stdout, stderr) = InProcessCli.Run(["batch", spec, .. options, .. extra], input);
            Assert.That(code, Is.Zero, stderr);
            var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.That(lines, Has.Length.EqualTo(requests.Count), "one line per request");
            return lines;
        }
        return (Lines(), Lines("--compiled"));
    }

    private static string FixtureSpecFile()
    {
        var lib = Gcc.Compile(FixtureC, "compiled_batch_fixture", "-shared -fPIC");
        var path = Path.Combine(Directory.CreateTempSubdirectory("ffi-compiled-batch-").FullName, "fixture.json");
        File.WriteAllText(path, FixtureSpec.Replace("LIB", lib, StringComparison.Ordinal));
        return path;
    }

    // One argument of the request replaced by a value of the wrong kind or range for its type.
    private static string Spoil(string request, Signature sig, Random rng)
    {
        var node = JsonNode.Parse(request)!.AsObject();
        var args = node["args"]!.AsArray();
        int i = rng.Next(sig.Params.Count);
        var type = sig.Params[i].Type;
        args[i] = rng.Next(7) switch
        {
            0 => JsonValue.Create("text"),
            1 => JsonValue.Create(1.5),
            2 => JsonValue.Create(true),
            3 => type.IsAggregate ? new JsonObject { ["no_such_field"] = 1 } : JsonValue.Create(-1),
            4 => new JsonArray(1, 2),
            5 => type is IntType t ? JsonNode.Parse(t.IsSigned ? $"{t.MaxValue + 1}" : "-1") : JsonValue.Create(18446744073709551615UL),
            _ => null,
        };
        return node.ToJsonString();
    }
}
