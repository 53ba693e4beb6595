using System.Text.Json;
using Ffi.Demo.Calls;
using Ffi.Demo.Compile;
using Ffi.Demo.Import;
using Ffi.Demo.Inspect;
using Ffi.Spec;

namespace Ffi.Demo;

/// <summary>
/// The <c>ffi</c> command line: <c>ffi</c> / <c>ffi demo</c> (the tour), <c>ffi inspect SPEC [--json]</c>,
/// <c>ffi call SPEC FUNCTION [ARG ...]</c>, <c>ffi batch SPEC [--isolate]</c>, <c>ffi import</c>, <c>ffi header</c>,
/// <c>ffi compile</c>, <c>ffi --version</c>.
/// Exit codes: 0 success, 1 the call failed, 2 bad input (usage, unreadable or malformed spec, missing library).
/// </summary>
public static class Cli
{
    /// <summary>Exit code for success.</summary>
    public const int Ok = 0;

    /// <summary>Exit code for a call that failed (a conversion, a capability, the function).</summary>
    public const int CallFailed = 1;

    /// <summary>Exit code for bad input: wrong usage, a missing file, a malformed spec, a missing library.</summary>
    public const int BadInput = 2;

    private const string Usage = """
        ffi — a runtime FFI engine for .NET

        Usage:
          ffi [demo]                 a guided tour: layouts, calls, callbacks, zlib, sqlite3, memory
          ffi inspect SPEC [--json]  print the layout of every named type of a spec
                                     (--json: the machine-readable form scripts rely on)
          ffi call SPEC FUNCTION [ARG ...] [--grant CAPS]
                                     call a function; each ARG is one JSON value (variadic
                                     extras: one final JSON array); prints the result as JSON
          ffi batch SPEC [--grant CAPS] [--compiled] [--isolate [--timeout SECONDS]]
                                     read {"fn": NAME, "args": [...]} lines from stdin, write one
                                     {"ok": true, "ret": V} or {"ok": false, "error", "type"} line each
                                     (--compiled: through an assembly compiled from SPEC, same output;
                                     --isolate: each request in a child process; a crash fails one line)
          ffi import HEADER... --lib LIB [-I DIR] [-D NAME=VALUE] [--only PREFIX]
                                     preprocess C headers and print a JSON spec of their declarations
          ffi header SPEC            print a spec as C declarations
          ffi compile SPEC [-o DIR] [--namespace N] [--class C] [--callback-slots N] [--lib PATH] [--c]
                                     compile a spec into a bindings assembly (N.Bindings.dll + .xml)
          ffi --help                 show this help; ffi COMMAND --help shows a command's help
          ffi --version              show the version

        SPEC is a JSON spec, or C declarations (a .h or .c file, or any file with --c) with --lib PATH.

        --grant CAPS grants capabilities (comma-separated, repeatable) to functions with "caps".
        Exit codes: 0 ok, 1 the call failed, 2 bad input (usage, missing file, malformed spec, missing library).
        """;

    // `ffi COMMAND --help`.
    private static readonly Dictionary<string, string> CommandHelp = new(StringComparer.Ordinal)
    {
        ["demo"] = """
            Usage: ffi demo   (or just: ffi)
              A guided tour: layouts, calls, strings, structs by value, out pointers, variadics, errno,
              callbacks, zlib, sqlite3 and the memory toolbox, on specs embedded in the program.
              A section whose library is not installed is skipped. Exit code 0, or 1 if a section failed.
            """,
        ["inspect"] = """
            Usage: ffi inspect SPEC [--json]
              Prints the size, alignment and member offsets of every named type of SPEC.
              --json  the machine-readable form: {"types": {NAME: {"kind", "size", "align", "fields": [...]}}}
            Exit codes: 0 ok, 2 bad input (missing file, malformed spec).
            """,
        ["call"] = """
            Usage: ffi call SPEC FUNCTION [ARG ...] [--grant CAPS]
              Calls FUNCTION of SPEC. Each ARG is one JSON value: integers (exact to 64 bits), numbers, strings
              (for char*), null, "0x..." addresses, objects for structs; a variadic function takes its extras
              as one final JSON array. Quote each ARG for the shell: a JSON string is '"text"'.
              Storage for pointer parameters, released after the call:
                {"buffer": N}  N zeroed bytes ("value": "text" to fill it, "read": "string" or "hex" to print it)
                {"box": TYPE, "value": V}  a TYPE initialised from V ("count": N for an array, "read": true)
                {"out": TYPE}  a zeroed TYPE read back after the call ({"out": true}: the parameter's pointee)
              Prints the result as one JSON value; when storage is read back: {"ret": V, "out": [...]}.
              A function with "errno": true also reports errno (on stderr beside a bare value).
              --grant CAPS  grants capabilities (comma-separated, repeatable) to functions with "caps".
            Exit codes: 0 ok, 1 the call failed, 2 bad input (usage, missing file, malformed spec, missing library).
            """,
        ["batch"] = """
            Usage: ffi batch SPEC [--grant CAPS] [--compiled] [--isolate [--timeout SECONDS]]
              Reads one request per line from stdin: {"fn": NAME, "args": [...]}; writes one line per request:
              {"ok": true, "ret": VALUE} or {"ok": false, "error": MESSAGE, "type": EXCEPTION}. A failed request
              never stops the batch. Arguments are as for ffi call (storage too); a success line gains "out": [...]
              when storage is read back and "errno": N for a function with "errno": true.
              --compiled    compiles SPEC into a bindings assembly (as ffi compile does), loads it, and calls
                            through its methods instead of stubs emitted at run time; the output is the same,
                            line for line, errors included (docs/cli.md). A spec the compiler refuses: exit 2.
              --isolate     runs each request in a child process: a request that crashes it (SIGSEGV in C…)
                            prints {"ok": false, "error": "... SIGSEGV ...", "type": "RequestCrashedException"}
                            and the batch goes on.
              --timeout S   with --isolate: a request that has not answered after S seconds has its process
                            killed and prints an error line; the batch goes on.
            Exit codes: 0 ok (even when requests failed), 2 bad input (usage, missing file, malformed spec, missing library).
            """,
        ["import"] = ImportCommand.Help,
        ["header"] = HeaderCommand.Help,
        ["compile"] = CompileCommand.Help,
    };

    /// <summary>Runs one command; writes results to <paramref name="stdout"/> and errors to <paramref name="stderr"/>.</summary>
    /// <returns>The process exit code.</returns>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0) return DemoTour.Run(stdout);
        if (args is ["--version" or "-V"])
        {
            stdout.WriteLine($"ffi {Version}");
            return Ok;
        }
        if (args.Length == 2 && args[1] is "--help" or "-h" && CommandHelp.TryGetValue(args[0], out var help))
        {
            stdout.WriteLine(help.TrimEnd());
            return Ok;
        }
        switch (args[0])
        {
            case "demo" when args.Length == 1:
                return DemoTour.Run(stdout);
            case "inspect":
                return Inspect(args[1..], stdout, stderr);
            case "call":
                return Call(args[1..], stdout, stderr);
            case "batch":
                return Batch(args[1..], Console.In, stdout, stderr);
            case "import":
                return ImportCommand.Run(args[1..], stdout, stderr);
            case "header":
                return HeaderCommand.Run(args[1..], stdout, stderr);
            case "compile":
                return CompileCommand.Run(args[1..], stdout, stderr);
            case "--help" or "-h" or "help":
                stdout.WriteLine(Usage);
                return Ok;
            default:
                stderr.WriteLine($"ffi: unknown command \"{string.Join(' ', args)}\"");
                stderr.WriteLine(Usage);
                return BadInput;
        }
    }

    /// <summary>The program's version (the assembly's informational version, without the source revision).</summary>
    public static string Version =>
        (typeof(Cli).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "0.0.0")
        .Split('+')[0];

    /// <summary>Runs <c>ffi batch</c> reading requests from <paramref name="stdin"/>.</summary>
    public static int Batch(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        var given = args; // what an isolated request's child process is started with (--lib and --c included)
        (args, var input) = SpecInput.Extract(args);
        if (Grants(args, "batch", stderr) is not var (rest, grants)) return BadInput;
        if (!IsolatedBatch.TakeOptions(rest, stderr, out bool isolate, out var timeout)) return BadInput;
        bool compiled = rest.Remove("--compiled");
        if (rest.Count != 1 || rest[0].StartsWith('-'))
        {
            stderr.WriteLine("ffi batch: expected exactly one spec file: ffi batch SPEC [--grant CAPS] [--compiled] [--isolate [--timeout SECONDS]]");
            return BadInput;
        }
        if (input.Load(rest[0], "batch", stderr) is not { } spec) return BadInput;
        CallRunner runner;
        try
        {
            runner = new CallRunner(spec, grants, compiled);
        }
        catch (Exception ex) when (ex is FfiBindException or Ffi.Compile.FfiCompileException)
        {
            stderr.WriteLine($"ffi batch: {ex.Message}");
            return BadInput;
        }
        using (runner)
        {
            if (isolate) IsolatedBatch.Run(IsolatedBatch.ChildArguments(given), timeout, stdin, stdout);
            else runner.Batch(stdin, stdout);
        }
        return Ok;
    }

    private static int Call(string[] args, TextWriter stdout, TextWriter stderr)
    {
        (args, var input) = SpecInput.Extract(args);
        if (Grants(args, "call", stderr) is not var (rest, grants)) return BadInput;
        if (rest.Count < 2)
        {
            stderr.WriteLine("ffi call: expected a spec file and a function: ffi call SPEC FUNCTION [ARG ...] [--grant CAPS]");
            return BadInput;
        }
        if (input.Load(rest[0], "call", stderr) is not { } spec) return BadInput;
        var docs = new List<JsonDocument>();
        try
        {
            for (int i = 2; i < rest.Count; i++)
            {
                try
                {
                    docs.Add(JsonDocument.Parse(rest[i]));
                }
                catch (JsonException ex)
                {
                    stderr.WriteLine(NotJson(i - 2, rest[i], ex));
                    return BadInput;
                }
            }
            using var runner = new CallRunner(spec, grants);
            var output = runner.Call(rest[1], docs.Select(d => d.RootElement).ToList());
            stdout.WriteLine(output.ToCallText());
            // Beside a bare value errno goes to stderr, so that x=$(ffi call …) still captures the value alone.
            if (output is { Out: null, Errno: int errno })
                stderr.WriteLine($"errno: {errno} ({System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)})");
            return Ok;
        }
        catch (FfiBindException ex)
        {
            stderr.WriteLine($"ffi call: {ex.Message}");
            return BadInput;
        }
        catch (FfiException ex)
        {
            stderr.WriteLine($"ffi call: {CallRunner.CliMessage(ex)}");
            return CallFailed;
        }
        finally
        {
            foreach (var d in docs) d.Dispose();
        }
    }

    // Splits "--grant a,b" / "--grant=a,b" (repeatable) from the other arguments; null (after a usage message)
    // when a --grant has no capability after it.
    private static (List<string> Others, IReadOnlySet<string> Granted)? Grants(string[] args, string command, TextWriter stderr)
    {
        var rest = new List<string>();
        var grants = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            string? value = args[i] == "--grant" ? (i + 1 < args.Length ? args[++i] : "")
                : args[i].StartsWith("--grant=", StringComparison.Ordinal) ? args[i]["--grant=".Length..] : null;
            if (value is null)
            {
                rest.Add(args[i]);
                continue;
            }
            var caps = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (caps.Length == 0 || caps.Any(c => c.StartsWith('-')))
            {
                stderr.WriteLine($"ffi {command}: --grant needs capabilities, e.g. --grant fs or --grant fs,net");
                return null;
            }
            grants.UnionWith(caps);
        }
        return (rest, grants);
    }

    // An argument that is not JSON. A bare word is almost always a string the shell stripped of its quotes (or that
    // was never quoted): say how to quote it rather than how the JSON reader failed.
    private static string NotJson(int index, string arg, JsonException ex)
    {
        bool word = arg.Length > 0 && !"{[\"-0123456789".Contains(arg[0]) && arg is not ("true" or "false" or "null");
        return word
            ? $"ffi call: argument {index} ({arg}) is not JSON; a string argument must be quoted as a JSON string, inside shell quotes: '{JsonSerializer.Serialize(arg, QuoteHint)}'"
            : $"ffi call: argument {index} is not a JSON value ({arg}): {ex.Message}";
    }

    private static readonly JsonSerializerOptions QuoteHint = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static int Inspect(string[] args, TextWriter stdout, TextWriter stderr)
    {
        (args, var input) = SpecInput.Extract(args);
        bool json = args.Contains("--json");
        var rest = args.Where(a => a != "--json").ToArray();
        if (rest.Length != 1 || rest[0].StartsWith('-'))
        {
            stderr.WriteLine("ffi inspect: expected exactly one spec file: ffi inspect SPEC [--json]");
            return BadInput;
        }
        if (input.Load(rest[0], "inspect", stderr) is not { } spec) return BadInput;
        if (json)
        {
            stdout.Write(LayoutJson.ToJson(spec));
            stdout.WriteLine();
        }
        else
        {
            LayoutTable.Write(spec, stdout);
            DeclarationListing.Write(spec, stdout);
        }
        return Ok;
    }
}
