using Ffi.Spec;

namespace Ffi.Demo.Import;

/// <summary><c>ffi import HEADER… --lib LIB [-I DIR] [-D NAME=VALUE] [--only PREFIX]</c>: prints a JSON spec.</summary>
public static class ImportCommand
{
    /// <summary>The command's help text.</summary>
    public const string Help = """
        Usage: ffi import HEADER... --lib LIB [-I DIR] [-D NAME[=VALUE]] [--only PREFIX]
          Runs the C preprocessor (gcc -E) over the headers and prints a JSON spec of what they declare —
          functions, variables, typedefs, structs, unions, enums and integer #defines — keeping the
          declarations of the named headers (not of everything they include) and the types those need.
          HEADER is a file, or a system header name such as zlib.h or openssl/evp.h.
          --lib LIB      the library the spec binds (a soname, file name or path)
          -I DIR, -D NAME[=VALUE]   passed to the preprocessor
          --only PREFIX  keep only names starting with PREFIX (and the types they need)
          Skipped declarations (e.g. using _Float128) are listed on stderr.
        Exit codes: 0 ok, 2 bad input (usage, missing header, preprocessor error, malformed declarations).
        """;

    /// <summary>Runs <c>ffi import</c>.</summary>
    /// <returns>The exit code.</returns>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var headers = new List<string>();
        var includes = new List<string>();
        var defines = new List<string>();
        string? lib = null, only = null;
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            string? Value() => i + 1 < args.Length ? args[++i] : null;
            if (a == "--lib") lib = Value();
            else if (a == "--only") only = Value();
            else if (a == "-I") includes.Add(Value() ?? "");
            else if (a.StartsWith("-I", StringComparison.Ordinal)) includes.Add(a[2..]);
            else if (a == "-D") defines.Add(Value() ?? "");
            else if (a.StartsWith("-D", StringComparison.Ordinal)) defines.Add(a[2..]);
            else if (a.StartsWith('-'))
            {
                stderr.WriteLine($"ffi import: unknown option {a}");
                return Cli.BadInput;
            }
            else headers.Add(a);
        }
        if (headers.Count == 0 || string.IsNullOrEmpty(lib))
        {
            stderr.WriteLine("ffi import: expected headers and a library: ffi import HEADER... --lib LIB [-I DIR] [-D NAME=VALUE] [--only PREFIX]");
            return Cli.BadInput;
        }
        var notes = new List<string>();
        try
        {
            var spec = HeaderImporter.Import(new HeaderImporter.Request(headers, lib, includes, defines, only), notes);
            foreach (var n in notes) stderr.WriteLine(n);
            stdout.WriteLine(spec.ToJson());
            return Cli.Ok;
        }
        catch (FfiSpecException ex)
        {
            stderr.WriteLine(ex.Message);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"ffi import: {ex.Message}");
        }
        return Cli.BadInput;
    }
}
