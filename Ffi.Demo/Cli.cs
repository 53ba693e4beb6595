using Ffi.Demo.Inspect;
using Ffi.Spec;

namespace Ffi.Demo;

/// <summary>
/// The <c>ffi</c> command line: <c>ffi</c> / <c>ffi demo</c> (the tour), <c>ffi inspect SPEC [--json]</c>.
/// Exit codes: 0 success, 2 bad input (usage, unreadable or malformed spec).
/// </summary>
public static class Cli
{
    /// <summary>Exit code for success.</summary>
    public const int Ok = 0;

    /// <summary>Exit code for bad input: wrong usage, a missing file, a malformed spec.</summary>
    public const int BadInput = 2;

    private const string Usage = """
        ffi — a runtime FFI engine for .NET

        Usage:
          ffi [demo]                 show the layouts of well-known C types from embedded specs
          ffi inspect SPEC [--json]  print the layout of every named type of a spec
                                     (--json: the machine-readable form scripts rely on)
          ffi --help                 show this help

        Exit codes: 0 ok, 2 bad input (usage, missing file, malformed spec).
        """;

    /// <summary>Runs one command; writes results to <paramref name="stdout"/> and errors to <paramref name="stderr"/>.</summary>
    /// <returns>The process exit code.</returns>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0) return DemoTour.Run(stdout);
        switch (args[0])
        {
            case "demo" when args.Length == 1:
                return DemoTour.Run(stdout);
            case "inspect":
                return Inspect(args[1..], stdout, stderr);
            case "--help" or "-h" or "help":
                stdout.WriteLine(Usage);
                return Ok;
            default:
                stderr.WriteLine($"ffi: unknown command \"{string.Join(' ', args)}\"");
                stderr.WriteLine(Usage);
                return BadInput;
        }
    }

    private static int Inspect(string[] args, TextWriter stdout, TextWriter stderr)
    {
        bool json = args.Contains("--json");
        var rest = args.Where(a => a != "--json").ToArray();
        if (rest.Length == 1 && rest[0] is "--help" or "-h")
        {
            stdout.WriteLine("Usage: ffi inspect SPEC [--json]\n  Prints the size, alignment and member offsets of every named type of SPEC.");
            return Ok;
        }
        if (rest.Length != 1 || rest[0].StartsWith('-'))
        {
            stderr.WriteLine("ffi inspect: expected exactly one spec file: ffi inspect SPEC [--json]");
            return BadInput;
        }
        FfiSpec spec;
        try
        {
            spec = FfiSpec.Load(rest[0]);
        }
        catch (FfiSpecException ex)
        {
            stderr.WriteLine(ex.Message);
            return BadInput;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var why = ex is FileNotFoundException or DirectoryNotFoundException ? "no such file" : ex.Message;
            stderr.WriteLine($"ffi inspect: cannot read spec \"{rest[0]}\": {why}");
            return BadInput;
        }
        if (json)
        {
            stdout.Write(LayoutJson.ToJson(spec));
            stdout.WriteLine();
        }
        else
        {
            LayoutTable.Write(spec, stdout);
        }
        return Ok;
    }
}
