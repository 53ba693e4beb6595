using System.Diagnostics;
using System.Text;

namespace Ffi.Tests.Packaging;

/// <summary>
/// Runs the dotnet CLI, and the programs it installs, as a user's shell would, with a few differences. It uses the
/// runtime that runs the tests (its root also goes in DOTNET_ROOT, for the launcher of an installed tool). It uses
/// its own global packages folder and leaves no build server behind. A command that outlives its time limit has
/// its process tree killed. A command that fails, or times out, fails the test with its stdout and stderr.
/// </summary>
internal sealed class DotnetCommand(string packagesFolder)
{
    // shared/Microsoft.NETCore.App/VERSION/System.Private.CoreLib.dll, three levels below the root.
    private static readonly string DotnetRoot =
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", ".."));

    private static string DotnetExe =>
        File.Exists(Path.Combine(DotnetRoot, "dotnet")) ? Path.Combine(DotnetRoot, "dotnet") : "dotnet";

    /// <summary>Runs <c>dotnet ARGS</c> in <paramref name="workDir"/>; fails the test unless it exits with 0.</summary>
    public Task<CommandResult> Run(string workDir, TimeSpan timeout, params string[] args) => Exec(DotnetExe, workDir, timeout, args);

    /// <summary>Runs <c>dotnet ARGS</c> in <paramref name="workDir"/>, whatever its exit code (a command that should fail); fails the test if it times out.</summary>
    public Task<CommandResult> RunAnyExit(string workDir, TimeSpan timeout, params string[] args) => Start(DotnetExe, workDir, timeout, args, mustSucceed: false);

    /// <summary>Runs <paramref name="file"/> in <paramref name="workDir"/>; fails the test unless it exits with 0.</summary>
    public Task<CommandResult> Exec(string file, string workDir, TimeSpan timeout, params string[] args) => Start(file, workDir, timeout, args, mustSucceed: true);

    private async Task<CommandResult> Start(string file, string workDir, TimeSpan timeout, string[] args, bool mustSucceed)
    {
        var psi = new ProcessStartInfo(file)
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        // `dotnet test` leaves MSBuild's variables to its children; they would pin the child to this build's SDK.
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            psi.Environment.Remove(key);
        psi.Environment["DOTNET_ROOT"] = DotnetRoot;
        psi.Environment["NUGET_PACKAGES"] = packagesFolder;
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        // A build node or server that outlives the command would hold its output pipes open.
        psi.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        psi.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";

        var command = $"{file} {string.Join(' ', args.Select(a => a.Contains(' ') ? $"\"{a}\"" : a))}";
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => Append(stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(stderr, e.Data);
        var clock = Stopwatch.StartNew();
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            Assert.Fail($"could not start {command} in {workDir}: {ex.Message}");
        }
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var limit = new CancellationTokenSource(timeout);
        bool timedOut = false;
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
            process.Kill(entireProcessTree: true);
            process.WaitForExit(TimeSpan.FromSeconds(10));
        }
        var result = new CommandResult(command, workDir, timedOut ? null : process.ExitCode, Text(stdout), Text(stderr), clock.Elapsed);
        TestContext.Progress.WriteLine($"packaging: {command} → {(timedOut ? "timed out" : $"exit {result.ExitCode}")} in {result.Elapsed.TotalSeconds:F1} s");
        if (timedOut) Assert.Fail($"timed out after {timeout.TotalSeconds:F0} s (killed)\n{result.Describe()}");
        if (mustSucceed && result.ExitCode != 0) Assert.Fail($"failed\n{result.Describe()}");
        return result;
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null) return;
        lock (output) output.Append(line).Append('\n');
    }

    private static string Text(StringBuilder output)
    {
        lock (output) return output.ToString();
    }
}
