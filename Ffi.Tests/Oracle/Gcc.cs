using System.Diagnostics;

namespace Ffi.Tests.Oracle;

/// <summary>Compiles C written by the tests with the machine's gcc — the judge of layout and calling convention.</summary>
internal static class Gcc
{
    private static readonly string WorkDir = Directory.CreateTempSubdirectory("ffi-tests-").FullName;
    private static int _counter;

    /// <summary>Compiles <paramref name="source"/> into an executable, runs it and returns its standard output.</summary>
    public static string CompileAndRun(string source, string name, string extraFlags = "")
    {
        var exe = Compile(source, name, "", extraFlags);
        return Run(exe, "");
    }

    /// <summary>Compiles <paramref name="source"/> with the given flags and returns the output file's path.</summary>
    public static string Compile(string source, string name, string outputFlags, string extraFlags = "")
    {
        int n = Interlocked.Increment(ref _counter);
        var c = Path.Combine(WorkDir, $"{name}-{n}.c");
        var output = Path.Combine(WorkDir, $"{name}-{n}" + (outputFlags.Contains("-shared") ? ".so" : ""));
        File.WriteAllText(c, source);
        var (code, _, err) = Exec("gcc", $"-std=gnu11 -O1 -w {outputFlags} {extraFlags} -o \"{output}\" \"{c}\"");
        if (code != 0)
            throw new InvalidOperationException($"gcc failed on {c} (exit {code}):\n{err}");
        return output;
    }

    public static string Run(string exe, string args)
    {
        var (code, stdout, err) = Exec(exe, args);
        if (code != 0) throw new InvalidOperationException($"{exe} exited {code}:\n{err}");
        return stdout;
    }

    public static (int Code, string Stdout, string Stderr) Exec(string file, string args)
    {
        var psi = new ProcessStartInfo(file, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process p;
        try
        {
            p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"could not start {file} (is it installed? .ci/run installs gcc): {ex.Message}", ex);
        }
        using (p)
        {
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            p.WaitForExit();
            return (p.ExitCode, stdout.Result, stderr.Result);
        }
    }
}
