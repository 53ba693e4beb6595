using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Ffi.Demo.Calls;

/// <summary>
/// <c>ffi batch SPEC --isolate</c>: each request runs in a child <c>ffi batch</c> of its own, so a request that
/// crashes the process (a NULL dereference in C, an abort) costs only its own line —
/// <c>{"ok":false,"error":"f: the request crashed its process (SIGSEGV, exit code 139)","type":"RequestCrashedException"}</c>
/// — and the batch goes on. With a time limit (<c>--timeout SECONDS</c>), a request that hangs has its process
/// killed and costs its line too. A request that does neither prints exactly what <c>ffi batch</c> prints.
/// </summary>
public static class IsolatedBatch
{
    /// <summary>
    /// Reads requests from <paramref name="input"/> and answers each on <paramref name="output"/> through a child
    /// <c>ffi batch</c> started with <paramref name="batchArgs"/> (the spec and options, without <c>--isolate</c>),
    /// each given <paramref name="timeout"/> to answer (<see langword="null"/>: as long as it takes).
    /// </summary>
    public static void Run(IReadOnlyList<string> batchArgs, TimeSpan? timeout, TextReader input, TextWriter output)
    {
        string? line;
        while ((line = input.ReadLine()) is not null)
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            string response;
            try
            {
                response = RunOne(batchArgs, timeout, line);
            }
            catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
            {
                // The child could not be started (no dotnet host on PATH…): this request fails, the batch goes on.
                response = CallRunner.Error(ex);
            }
            output.WriteLine(response);
            output.Flush();
        }
    }

    /// <summary>
    /// Takes <c>--isolate</c> and <c>--timeout SECONDS</c> out of <paramref name="rest"/> (the batch's arguments);
    /// false, after a usage message, when <c>--timeout</c> has no positive number of seconds or comes without
    /// <c>--isolate</c> (only a child process can be stopped).
    /// </summary>
    public static bool TakeOptions(List<string> rest, TextWriter stderr, out bool isolate, out TimeSpan? timeout)
    {
        isolate = rest.Remove("--isolate");
        timeout = null;
        int at = rest.IndexOf("--timeout");
        if (at < 0) return true;
        if (!isolate || at + 1 >= rest.Count || !double.TryParse(rest[at + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            || !(seconds > 0 && seconds <= int.MaxValue / 1000))
        {
            stderr.WriteLine("ffi batch: --timeout SECONDS (a positive number) goes with --isolate");
            return false;
        }
        timeout = TimeSpan.FromSeconds(seconds);
        rest.RemoveRange(at, 2);
        return true;
    }

    /// <summary>The arguments of a child <c>ffi batch</c>: the batch's own, without <c>--isolate</c> and <c>--timeout S</c>.</summary>
    public static string[] ChildArguments(string[] batchArgs)
    {
        var child = new List<string>();
        for (int i = 0; i < batchArgs.Length; i++)
        {
            if (batchArgs[i] == "--timeout") i++;
            else if (batchArgs[i] != "--isolate") child.Add(batchArgs[i]);
        }
        return [.. child];
    }

    private static string RunOne(IReadOnlyList<string> batchArgs, TimeSpan? timeout, string request)
    {
        var psi = ChildCommand();
        psi.ArgumentList.Add("batch");
        foreach (var a in batchArgs) psi.ArgumentList.Add(a);
        psi.RedirectStandardInput = psi.RedirectStandardOutput = psi.RedirectStandardError = true;
        psi.UseShellExecute = false;
        using var child = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {psi.FileName}");
        var stdout = child.StandardOutput.ReadToEndAsync();
        var stderr = child.StandardError.ReadToEndAsync();
        try
        {
            child.StandardInput.WriteLine(request);
            child.StandardInput.Close();
        }
        catch (IOException)
        {
            // The child died before reading its request; its exit code says why.
        }
        if (timeout is { } limit && !child.WaitForExit(limit))
        {
            child.Kill(entireProcessTree: true);
            child.WaitForExit();
            return CallRunner.Error(RequestCrashedException.TimedOut(FunctionName(request), limit));
        }
        child.WaitForExit();
        var answer = stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (child.ExitCode == 0 && answer.Length == 1) return answer[0];
        return CallRunner.Error(RequestCrashedException.Crashed(FunctionName(request), child.ExitCode, LastLine(stderr.Result)));
    }

    // The running ffi again: its apphost when that is what runs (an installed tool, dotnet run), else the dotnet
    // host with ffi.dll (dotnet ffi.dll, or a test host that loaded the assembly).
    private static ProcessStartInfo ChildCommand()
    {
        var assembly = typeof(IsolatedBatch).Assembly.Location;
        var self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == Path.GetFileNameWithoutExtension(assembly))
            return new ProcessStartInfo(self);
        var host = self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self
            : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h : "dotnet";
        var psi = new ProcessStartInfo(host);
        psi.ArgumentList.Add(assembly);
        return psi;
    }

    private static string FunctionName(string request)
    {
        try
        {
            using var doc = JsonDocument.Parse(request);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("fn", out var fn) && fn.ValueKind == JsonValueKind.String
                ? fn.GetString()! : "request";
        }
        catch (JsonException)
        {
            return "request";
        }
    }

    private static string? LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() is { } last
            ? last.Length <= 200 ? last : last[..197] + "..." : null;
}
