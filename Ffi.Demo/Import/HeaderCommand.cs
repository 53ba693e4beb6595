using Ffi.Spec;

namespace Ffi.Demo.Import;

/// <summary><c>ffi header SPEC</c>: prints a spec as C declarations, which <c>FfiSpec.ParseC</c> reads back to the same types.</summary>
public static class HeaderCommand
{
    /// <summary>The command's help text.</summary>
    public const string Help = """
        Usage: ffi header SPEC [--lib LIB]
          Prints SPEC (JSON, or C declarations with --lib) as C declarations: forward-declared tags, typedefs,
          structs, enums, #define constants, extern variables and prototypes, with /* ffi: ... */ annotations
          for what C cannot say (errno, caps, trivial, ret_as_str, lib, doc, handle tags).
        Exit codes: 0 ok, 2 bad input (missing file, malformed spec, a type name that is not a C identifier).
        """;

    /// <summary>Runs <c>ffi header</c>.</summary>
    /// <returns>The exit code.</returns>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        (args, var input) = SpecInput.Extract(args);
        if (args.Length != 1 || args[0].StartsWith('-'))
        {
            stderr.WriteLine("ffi header: expected exactly one spec file: ffi header SPEC [--lib LIB]");
            return Cli.BadInput;
        }
        if (input.Load(args[0], "header", stderr) is not { } spec) return Cli.BadInput;
        try
        {
            stdout.Write(spec.ToC());
            return Cli.Ok;
        }
        catch (FfiSpecException ex)
        {
            stderr.WriteLine($"ffi header: {ex.Message}");
            return Cli.BadInput;
        }
    }
}
