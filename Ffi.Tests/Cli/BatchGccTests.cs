using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ffi.Memory;
using Ffi.Tests.Downcalls;
using Ffi.Tests.Native;
using Ffi.Types;
using Ffi.Tests.Oracle;

namespace Ffi.Tests.Cli;

/// <summary>
/// The CLI contract judged by gcc: 100 random signatures (random structs and unions by value, 0–14 parameters,
/// scalar, aggregate and void returns) called through the real <c>ffi batch</c> process with JSON arguments;
/// every returned value — structs as objects, floats, pointers — must be what the C code computed.
/// </summary>
[TestFixture]
public sealed class BatchGccTests
{
    /// <summary>
    /// The run-time path, and the closed world (<c>--compiled</c>: the same requests through an assembly compiled from
    /// the spec, which must print what gcc's code made too, and the very lines the run-time path prints). The compiled
    /// run leaves out gcc's empty structs, which the compiler refuses, and every function that uses one.
    /// </summary>
    [TestCase(31, false)]
    [TestCase(72, true)]
    [TestCase(74, true)]
    public void BatchAgreesWithGccOnRandomSignatures(int seed, bool compiled)
    {
        var (gen, spec, sigs) = RandomSignatures.Generate(seed, $"B{seed}_");
        var lib = Gcc.Compile(RandomSignatures.CSource(gen, sigs), "batch", "-shared -fPIC");

        var specJson = SpecJson(gen, lib, sigs);
        if (compiled) (specJson, sigs) = Compilable(specJson, sigs);
        var dir = Directory.CreateTempSubdirectory("ffi-batch-").FullName;
        var specPath = Path.Combine(dir, "spec.json");
        File.WriteAllText(specPath, specJson);

        var (requestLines, hashes, traces) = Requests(seed, sigs);
        var requests = string.Concat(requestLines.Select(l => l + "\n"));
        var output = RunBatch(specPath, requests, compiled ? " --compiled" : "");
        Assert.That(output, Has.Length.EqualTo(sigs.Count), "exactly one line per request");
        if (compiled) Assert.That(output, Is.EqualTo(RunBatch(specPath, requests, "")), "the compiled path prints the run-time path's lines");

        var failures = new List<string>();
        for (int i = 0; i < sigs.Count; i++)
        {
            using var doc = JsonDocument.Parse(output[i]);
            var root = doc.RootElement;
            if (!root.GetProperty("ok").GetBoolean())
            {
                failures.Add($"{sigs[i].Name}: {output[i]}");
                continue;
            }
            var ret = root.GetProperty("ret");
            if (sigs[i].Ret is VoidType)
            {
                if (ret.ValueKind != JsonValueKind.Null) failures.Add($"{sigs[i].Name}: void returned {ret}");
                continue;
            }
            int j = 0;
            foreach (var leaf in Leaves.Of(sigs[i].Ret))
            {
                var want = RandomSignatures.Expected(leaf, hashes[i], j++);
                var got = Read(Navigate(ret, leaf.Path), leaf.Type);
                if (!got.Equals(want))
                {
                    failures.Add($"{sigs[i].Name}: ret{(leaf.Path.Length > 0 ? "." + leaf.Path : "")}: C made {want}, batch printed {got}; " +
                        $"first parameter C received differently: {FirstDifferingParameter(specPath, lib, requestLines[i], traces[i])}");
                    break;
                }
            }
        }
        Assert.That(failures, Is.Empty);
        Directory.Delete(dir, recursive: true);
    }

    /// <summary>The spec of random signatures: their types plus one declaration per function.</summary>
    internal static string SpecJson(RandomLayoutGenerator gen, string lib, IEnumerable<Signature> sigs)
    {
        var specNode = JsonNode.Parse(GccLayoutOracle.SpecJson(gen.Cases, gen.ExtraSpecTypes))!.AsObject();
        specNode["lib"] = lib;
        specNode["functions"] = new JsonArray(sigs.Select(s => (JsonNode)new JsonObject
        {
            ["name"] = s.Name,
            ["ret"] = s.Ret.Name,
            ["params"] = new JsonArray(s.Params.Select(p => (JsonNode)JsonValue.Create(p.Type.Name)!).ToArray()),
        }).ToArray());
        return specNode.ToJsonString();
    }

    /// <summary>
    /// The spec without what the compiler refuses (<see cref="Compile.CompiledRandomCallTests.CompilableJson"/>), and
    /// the signatures it keeps: at least 60 of them.
    /// </summary>
    internal static (string Json, List<Signature> Sigs) Compilable(string json, List<Signature> sigs)
    {
        json = Compile.CompiledRandomCallTests.CompilableJson(json);
        var kept = Ffi.Spec.FfiSpec.Parse(json).Functions.Select(f => f.Name).ToHashSet();
        sigs = sigs.Where(s => kept.Contains(s.Name)).ToList();
        Assert.That(sigs, Has.Count.GreaterThanOrEqualTo(60), "signatures left once the types the compiler refuses are removed");
        return (json, sigs);
    }

    /// <summary>One request per signature with random argument values; the hash of what each function should receive, in all and per parameter.</summary>
    internal static (List<string> Lines, List<ulong> Hashes, List<ulong[]> Traces) Requests(int seed, IEnumerable<Signature> sigs)
    {
        var hashes = new List<ulong>();
        var traces = new List<ulong[]>();
        var requestLines = new List<string>();
        foreach (var sig in sigs)
        {
            var rng = new Random(RandomSignatures.ArgumentSeed(seed, sig));
            ulong h = RandomSignatures.Seed0 ^ ulong.Parse(sig.Name[1..], CultureInfo.InvariantCulture);
            var args = new JsonArray();
            var trace = new List<ulong>();
            foreach (var (type, _) in sig.Params)
            {
                JsonNode? arg = type.IsAggregate ? Default(type) : null;
                foreach (var leaf in Leaves.Of(type))
                {
                    var (value, bits) = RandomSignatures.RandomValue(leaf, rng);
                    h = (h ^ bits) * RandomSignatures.Prime;
                    var json = ToJson(value, leaf.Type);
                    if (leaf.Path.Length == 0) arg = json;
                    else Set(arg!, type, leaf.Path, json);
                }
                args.Add(arg);
                trace.Add(h);
            }
            hashes.Add(h);
            traces.Add(trace.ToArray());
            requestLines.Add(new JsonObject { ["fn"] = sig.Name, ["args"] = args }.ToJsonString());
        }
        return (requestLines, hashes, traces);
    }

    // Replays a request in this process with the CLI's own code and compares C's per-parameter hashes.
    private static unsafe int FirstDifferingParameter(string specPath, string lib, string request, ulong[] expected)
    {
        using var runner = new Demo.Calls.CallRunner(Ffi.Spec.FfiSpec.Load(specPath), new HashSet<string>());
        var sink = new StringWriter();
        runner.Batch(new StringReader(request), sink);
        var handle = System.Runtime.InteropServices.NativeLibrary.Load(lib);
        var cTrace = (ulong*)System.Runtime.InteropServices.NativeLibrary.GetExport(handle, "ffi_trace");
        int first = Enumerable.Range(0, expected.Length).FirstOrDefault(k => cTrace[k] != expected[k], -1);
        System.Runtime.InteropServices.NativeLibrary.Free(handle);
        return first;
    }

    private static string[] RunBatch(string specPath, string input, string options)
    {
        var ffi = Path.Combine(TestContext.CurrentContext.TestDirectory, "ffi.dll");
        var psi = new ProcessStartInfo("dotnet", $"\"{ffi}\" batch \"{specPath}\"{options}")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardInput.Write(input);
        p.StandardInput.Close();
        p.WaitForExit();
        Assert.That(p.ExitCode, Is.Zero, stderr.Result);
        return stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    // Pointers as "0x…" strings, except char* (where a JSON string is text): an integer address.
    internal static JsonNode ToJson(object value, CType type) => value switch
    {
        NativePointer p when type is PointerType { IsCharPointer: true } => JsonValue.Create((ulong)p.Address),
        NativePointer p => JsonValue.Create(p.ToString())!,
        bool b => JsonValue.Create(b),
        long l => JsonValue.Create(l),
        ulong u => JsonValue.Create(u),
        float f => JsonNode.Parse(f.ToString("R", CultureInfo.InvariantCulture))!,
        double d => JsonNode.Parse(d.ToString("R", CultureInfo.InvariantCulture))!,
        _ => throw new ArgumentException(value.GetType().Name),
    };

    // A value that writes zeros: {} for structs, one zeroed member for unions, [] for arrays, 0 for scalars.
    internal static JsonNode? Default(CType type) => type switch
    {
        StructType => new JsonObject(),
        UnionType u when u.Fields.FirstOrDefault(f => !f.IsUnnamed && f.BitWidth != 0) is { } first => new JsonObject { [first.Name] = Default(first.Type) },
        UnionType => new JsonObject(),
        ArrayType => new JsonArray(),
        PointerType or FuncPtrType or HandleType => null,
        _ => JsonValue.Create(0),
    };

    // Sets the leaf at `path` (names and [index]) inside the JSON for `type`, creating what is missing.
    internal static void Set(JsonNode node, CType type, string path, JsonNode value)
    {
        var parts = path.Replace("[", ".[").Split('.', StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < parts.Length; i++)
        {
            bool last = i == parts.Length - 1;
            if (parts[i][0] == '[')
            {
                var a = (ArrayType)type;
                int index = int.Parse(parts[i].Trim('[', ']'), CultureInfo.InvariantCulture);
                var arr = node.AsArray();
                while (arr.Count <= index) arr.Add(Default(a.Element));
                type = a.Element;
                if (last) arr[index] = value;
                else node = arr[index] ??= Default(type)!;
            }
            else
            {
                var field = ((AggregateType)type).GetField(parts[i]);
                var obj = node.AsObject();
                if (type is UnionType && !obj.ContainsKey(parts[i])) obj.Clear();
                type = field.Type;
                if (last) obj[parts[i]] = value;
                else node = obj[parts[i]] ??= Default(type)!;
            }
        }
    }

    private static JsonElement Navigate(JsonElement e, string path)
    {
        foreach (var part in path.Replace("[", ".[").Split('.', StringSplitOptions.RemoveEmptyEntries))
            e = part[0] == '[' ? e[int.Parse(part.Trim('[', ']'), CultureInfo.InvariantCulture)] : e.GetProperty(part);
        return e;
    }

    // The JSON of a leaf as the comparable value RandomSignatures.Expected produces.
    private static object Read(JsonElement e, CType type) => type switch
    {
        FloatType => e.GetDouble(),
        PointerType => e.ValueKind == JsonValueKind.Null ? (Int128)0 : (Int128)ulong.Parse(e.GetString()![2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
        _ => e.TryGetInt64(out long l) ? (Int128)l : (Int128)e.GetUInt64(),
    };
}
