using Ffi.Spec;

namespace Ffi.Demo.Import;

/// <summary>
/// Where a command's SPEC comes from: a JSON spec, or a file of C declarations (suffix <c>.h</c> or <c>.c</c>,
/// or any file with <c>--c</c>) read by the engine's C reader, whose library is given by <c>--lib PATH</c>.
/// </summary>
public sealed record SpecInput(string? Lib, bool ForceC)
{
    /// <summary>Splits <c>--lib PATH</c> (or <c>--lib=PATH</c>) and <c>--c</c> from the other arguments.</summary>
    public static (string[] Others, SpecInput Input) Extract(string[] args)
    {
        var rest = new List<string>();
        string? lib = null;
        bool forceC = false;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--lib" && i + 1 < args.Length) lib = args[++i];
            else if (args[i].StartsWith("--lib=", StringComparison.Ordinal)) lib = args[i]["--lib=".Length..];
            else if (args[i] == "--c") forceC = true;
            else rest.Add(args[i]);
        }
        return (rest.ToArray(), new SpecInput(lib, forceC));
    }

    /// <summary>Whether <paramref name="path"/> is read as C declarations.</summary>
    public bool IsC(string path) => ForceC || path.EndsWith(".h", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".c", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads the spec at <paramref name="path"/>; on failure writes why to <paramref name="stderr"/> and returns null.</summary>
    public FfiSpec? Load(string path, string command, TextWriter stderr)
    {
        try
        {
            if (!IsC(path))
            {
                if (Lib is not null)
                {
                    stderr.WriteLine($"ffi {command}: --lib is only for C declarations (.h, .c or --c); a JSON spec names its library");
                    return null;
                }
                return FfiSpec.Load(path);
            }
            if (Lib is null)
            {
                stderr.WriteLine($"ffi {command}: C declarations name no library: give one with --lib PATH (e.g. --lib libz.so.1)");
                return null;
            }
            return FfiSpec.LoadC(path, Lib);
        }
        catch (FfiSpecException ex)
        {
            stderr.WriteLine(ex.Message);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var why = ex is FileNotFoundException or DirectoryNotFoundException ? "no such file" : ex.Message;
            stderr.WriteLine($"ffi {command}: cannot read spec \"{path}\": {why}");
        }
        return null;
    }
}
