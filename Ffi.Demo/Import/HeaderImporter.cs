using System.Diagnostics;
using System.Text;
using Ffi.Spec;

namespace Ffi.Demo.Import;

/// <summary>
/// <c>ffi import</c>: runs the system preprocessor over headers (<c>gcc -E -dD</c>, which keeps line markers and
/// <c>#define</c>s) and reads the result with the C reader, keeping the declarations made in the named headers —
/// not in everything they include — and the types those need. Without gcc, the headers are read as they are
/// (what needs no preprocessing), and a note says so.
/// </summary>
public static class HeaderImporter
{
    /// <summary>What to import.</summary>
    /// <param name="Headers">Header files (paths) or system header names (<c>zlib.h</c>, <c>openssl/evp.h</c>).</param>
    /// <param name="Lib">The library the spec binds.</param>
    /// <param name="IncludeDirs">-I directories.</param>
    /// <param name="Defines">-D NAME[=VALUE] definitions.</param>
    /// <param name="Only">Keep only names with this prefix (types they need are kept too).</param>
    public sealed record Request(IReadOnlyList<string> Headers, string Lib, IReadOnlyList<string> IncludeDirs, IReadOnlyList<string> Defines, string? Only);

    /// <summary>Imports the headers; notes (skipped declarations, a missing preprocessor) go to <paramref name="notes"/>.</summary>
    /// <exception cref="FfiSpecException">The headers cannot be read as C declarations.</exception>
    /// <exception cref="IOException">The preprocessor failed (its message is included) or a header cannot be read.</exception>
    public static FfiSpec Import(Request request, List<string> notes)
    {
        var keep = request.Headers.Select(KeepPredicate).ToArray();
        var filter = new CHeaderFilter(file => keep.Any(k => k(file)), request.Only);
        var source = new StringBuilder();
        foreach (var h in request.Headers)
            source.AppendLine(File.Exists(h) ? $"#include \"{Path.GetFullPath(h)}\"" : $"#include <{h}>");

        var args = new List<string> { "-E", "-dD", "-x", "c", "-std=gnu11" };
        args.AddRange(request.IncludeDirs.Select(d => "-I" + d));
        args.AddRange(request.Defines.Select(d => "-D" + d));
        args.Add("-");
        string preprocessed;
        try
        {
            preprocessed = Run("gcc", args, source.ToString());
        }
        catch (System.ComponentModel.Win32Exception)
        {
            notes.Add("ffi import: no C preprocessor (gcc) found: the headers are read as written, so #include, function-like macros and conditionals are not expanded");
            var text = new StringBuilder();
            foreach (var h in request.Headers)
                text.Append("# 1 \"").Append(Path.GetFullPath(h)).Append("\"\n").Append(File.ReadAllText(h)).Append('\n');
            var plain = FfiSpec.ParseC(text.ToString(), request.Lib, "<headers>", filter);
            notes.AddRange(plain.Notes);
            return plain;
        }
        var spec = FfiSpec.ParseC(preprocessed, request.Lib, "<preprocessed>", filter);
        notes.AddRange(spec.Notes);
        return spec;
    }

    // A header given as a path is matched by its full path; a system header by its name at the end of the path
    // gcc reports (zlib.h → /usr/include/zlib.h; openssl/evp.h → /usr/include/openssl/evp.h).
    private static Func<string, bool> KeepPredicate(string header)
    {
        if (File.Exists(header))
        {
            var full = Path.GetFullPath(header);
            return file => file == full;
        }
        var suffix = "/" + header.TrimStart('/');
        return file => file.EndsWith(suffix, StringComparison.Ordinal);
    }

    private static string Run(string file, List<string> args, string stdin)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new IOException($"could not start {file}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardInput.Write(stdin);
        p.StandardInput.Close();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new IOException($"the preprocessor failed (gcc exit {p.ExitCode}):\n{stderr.Result.Trim()}");
        return stdout.Result;
    }
}
