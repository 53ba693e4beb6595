using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ffi.Compile;
using Ffi.Demo.Import;
using Ffi.Spec;

namespace Ffi.Demo.Compile;

/// <summary>
/// <c>ffi compile SPEC [-o DIR] [--namespace N] [--class C] [--callback-slots N] [--lib PATH] [--c]</c>: compiles a spec ahead of time with
/// <see cref="BindingCompiler"/> and writes <c>N.Bindings.dll</c> and <c>N.Bindings.xml</c>. Errors are printed in the
/// canonical <c>FILE(LINE,COL): error FFI1001: MESSAGE</c> form (<see cref="CompileDiagnostic"/>), which MSBuild's
/// <c>Exec</c> turns into build errors for the <c>Ffi.Build</c> package.
/// </summary>
public static partial class CompileCommand
{
    /// <summary>The command's help text.</summary>
    public const string Help = """
        Usage: ffi compile SPEC [-o DIR] [--namespace N] [--class C] [--callback-slots N] [--lib PATH] [--c]
          Compiles SPEC ahead of time into a bindings assembly, written with Mono.Cecil: N.Bindings.dll and its
          XML documentation N.Bindings.xml. Prints the two paths. Each option is "--x VALUE" or "--x=VALUE".
          -o DIR, --output DIR
                         the output directory, created if missing (default: the current directory)
          --namespace N  the namespace of the generated types (default: the spec's file name in PascalCase:
                         zlib.json -> Zlib, my-lib_v2.json -> MyLibV2); the assembly is named N.Bindings
          --class C      the static class with the library name and the constants (default: Native)
          --callback-slots N
                         trampolines compiled per function pointer type: how many delegates of that type can
                         be live at once (registered, or passed to calls in progress); default 16, 1 to 4096
          --lib PATH     the library of a SPEC of C declarations (required for them; a JSON spec names its own)
          --c            read SPEC as C declarations whatever its name (else only a .h or .c file is)
          Errors: FILE(LINE,COL): error CODE: MESSAGE, LINE and COL pointing at the JSON value the message's
          path names (in C declarations, at the declaration). CODE: FFI1000 usage, FFI1001 malformed spec,
          FFI1002 a spec that cannot be compiled, FFI1003 a file that cannot be read or written.
          At build time: the Ffi.Build package runs this command for each <FfiBinding Include="SPEC" /> item of a
          project (metadata Namespace, Class, CallbackSlots, Lib) and references the assembly; its errors are the
          build's errors (docs/packages.md#ffibuild).
        Exit codes: 0 ok, 2 any error above (usage, a spec that cannot be read, is malformed or cannot be compiled,
        an output that cannot be written).
        """;

    private const string Command = "ffi compile";

    /// <summary>Runs <c>ffi compile</c>.</summary>
    /// <returns>The exit code: 0, or 2 after an error line on <paramref name="stderr"/>.</returns>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        (args, var input) = SpecInput.Extract(args);
        if (Options(args) is not { } o) return Fail(stderr, new(Command, null, CompileDiagnostic.Usage, $"expected exactly one spec file: {Usage}"));
        if (o.Error is not null) return Fail(stderr, new(Command, null, CompileDiagnostic.Usage, $"{o.Error}: {Usage}"));
        if (input.IsC(o.Spec) && input.Lib is null)
            return Fail(stderr, new(Command, null, CompileDiagnostic.Usage, "C declarations name no library: give one with --lib PATH (e.g. --lib libz.so.1)"));
        if (!input.IsC(o.Spec) && input.Lib is not null)
            return Fail(stderr, new(Command, null, CompileDiagnostic.Usage, "--lib is only for C declarations (.h, .c or --c); a JSON spec names its library"));

        FfiSpec spec;
        try
        {
            spec = input.IsC(o.Spec) ? FfiSpec.LoadC(o.Spec, input.Lib!) : FfiSpec.Load(o.Spec);
        }
        catch (FfiSpecException ex)
        {
            return Fail(stderr, input.IsC(o.Spec) ? CDiagnostic(o.Spec, ex) : JsonDiagnostic(o.Spec, ex));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Fail(stderr, new(o.Spec, null, CompileDiagnostic.IoError, $"cannot read the spec: {Why(ex)}"));
        }

        CompiledBindings compiled;
        try
        {
            compiled = BindingCompiler.Compile(spec, new BindingOptions(o.Namespace ?? DefaultNamespace(o.Spec))
            {
                ClassName = o.Class ?? "Native",
                CallbackSlots = o.CallbackSlots ?? 16,
            });
        }
        catch (FfiCompileException ex)
        {
            var at = input.IsC(o.Spec) ? null : Locate(o.Spec, ex.Subject);
            return Fail(stderr, new(o.Spec, at, CompileDiagnostic.CompileError, ex.Message));
        }

        string dll;
        try
        {
            dll = compiled.WriteTo(o.Output);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Fail(stderr, new(Path.Combine(o.Output, compiled.AssemblyName + ".dll"), null, CompileDiagnostic.IoError, $"cannot write the bindings: {Why(ex)}"));
        }
        stdout.WriteLine(dll);
        stdout.WriteLine(Path.ChangeExtension(dll, ".xml"));
        return Cli.Ok;
    }

    /// <summary>
    /// The namespace for a spec file when <c>--namespace</c> is not given: its name without the extension, in
    /// PascalCase. Every run of characters other than ASCII letters and digits separates words, each word's first
    /// letter is upper-cased and the rest kept (<c>zlib.json</c> → <c>Zlib</c>, <c>my-lib_v2.json</c> → <c>MyLibV2</c>,
    /// <c>libSDL2.h</c> → <c>LibSDL2</c>); a leading digit gets a <c>_</c> (<c>7z.json</c> → <c>_7z</c>), and a name with
    /// no letter or digit is <c>Bindings</c>.
    /// </summary>
    public static string DefaultNamespace(string specPath)
    {
        var name = Path.GetFileNameWithoutExtension(specPath);
        var result = new StringBuilder();
        foreach (var word in NonWordRegex().Split(name).Where(w => w.Length > 0))
            result.Append(char.ToUpperInvariant(word[0])).Append(word, 1, word.Length - 1);
        if (result.Length == 0) return "Bindings";
        return char.IsAsciiDigit(result[0]) ? "_" + result : result.ToString();
    }

    private const string Usage = "ffi compile SPEC [-o DIR] [--namespace N] [--class C] [--callback-slots N] [--lib PATH] [--c]";

    private sealed record Parsed(string Spec, string Output, string? Namespace, string? Class, int? CallbackSlots, string? Error);

    // SPEC and the options, each as "--x VALUE" or "--x=VALUE"; null when there is not exactly one SPEC.
    private static Parsed? Options(string[] args)
    {
        string? spec = null, output = null, ns = null, cls = null, error = null;
        int? slots = null;
        for (int i = 0; i < args.Length; i++)
        {
            var a = args[i];
            var (name, inline) = a.StartsWith("--", StringComparison.Ordinal) && a.IndexOf('=', StringComparison.Ordinal) is int eq and > 0 ? (a[..eq], a[(eq + 1)..]) : (a, null);
            if (name is "-o" or "--output" or "--namespace" or "--class" or "--callback-slots")
            {
                var value = inline ?? (i + 1 < args.Length ? args[++i] : null);
                if (string.IsNullOrEmpty(value)) error ??= $"{name} needs a value";
                else if (name == "--callback-slots")
                {
                    if (int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n)) slots = n;
                    else error ??= $"--callback-slots takes a whole number, not \"{value}\"";
                }
                else if (name == "--namespace") ns = value;
                else if (name == "--class") cls = value;
                else output = value;
            }
            else if (a.StartsWith('-')) error ??= $"unknown option \"{a}\"";
            else if (spec is null) spec = a;
            else return null;
        }
        return spec is null ? null : new Parsed(spec, output ?? ".", ns, cls, slots, error);
    }

    private static int Fail(TextWriter stderr, CompileDiagnostic diagnostic)
    {
        stderr.WriteLine(diagnostic.ToString());
        return Cli.BadInput;
    }

    private static string Why(Exception ex) => ex is FileNotFoundException or DirectoryNotFoundException ? "no such file or directory" : ex.Message;

    // A JSON syntax error has the reader's own position; any other error is placed by its path.
    private static CompileDiagnostic JsonDiagnostic(string path, FfiSpecException ex)
    {
        var at = ex.InnerException is JsonException je && Bytes(path) is { } bytes ? JsonPathLocator.FromReaderPosition(bytes, je) : null;
        return new(path, at ?? Locate(path, ex.JsonPath), CompileDiagnostic.SpecError, ex.Message);
    }

    // The C reader's errors are "file:line:column" (the file a line marker names, perhaps a header), then the reason.
    private static CompileDiagnostic CDiagnostic(string path, FfiSpecException ex)
    {
        var m = CPositionRegex().Match(ex.JsonPath);
        return m.Success
            ? new(m.Groups[1].Value, (int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), int.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture)),
                CompileDiagnostic.SpecError, ex.Reason)
            : new(path, null, CompileDiagnostic.SpecError, ex.Message);
    }

    private static (int Line, int Column)? Locate(string path, string jsonPath) =>
        Bytes(path) is { } bytes ? JsonPathLocator.Locate(bytes, jsonPath) : null;

    // Read again only to place an error; a file gone since is an error without a position.
    private static byte[]? Bytes(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    [GeneratedRegex("[^A-Za-z0-9]+")]
    private static partial Regex NonWordRegex();

    [GeneratedRegex(@"^(.+):(\d+):(\d+)$")]
    private static partial Regex CPositionRegex();
}
