using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Ffi.Tests.Docs;
using Ffi.Tests.Packaging;

namespace Ffi.Tests.Aot;

/// <summary>
/// A copy of the sources an app needs (the repository's MSBuild files, the engine projects, examples/), in a temporary
/// folder of its own, where the app is published with <c>dotnet publish</c> as a user would: the build under test keeps
/// its bin/ and obj/, and each configuration gets clean ones. The machine's NuGet cache is used, so the ILCompiler
/// packages (NativeAOT) are restored once per machine, not once per run.
/// </summary>
internal sealed partial class PublishWorkspace : IDisposable
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(8);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(1);

    private readonly DotnetCommand _dotnet = new(PackagesFolder());

    /// <summary>Copies the repository's top-level files, <c>build/</c>, the given projects and <c>examples/</c> (without bin/obj).</summary>
    public PublishWorkspace(params string[] projects)
    {
        Root = Directory.CreateTempSubdirectory("ffi-aot-").FullName;
        var repository = DocText.RepositoryRoot;
        foreach (var file in Directory.GetFiles(repository).Where(f => !Path.GetFileName(f).StartsWith(".git", StringComparison.Ordinal)))
            File.Copy(file, Path.Combine(Root, Path.GetFileName(file)));
        foreach (var folder in projects.Append("build").Append("examples"))
            SourceTree.CopyTree(Path.Combine(repository, folder), Path.Combine(Root, folder));
    }

    /// <summary>The copy's root folder.</summary>
    public string Root { get; }

    /// <summary>
    /// Publishes <paramref name="project"/> (relative to <see cref="Root"/>) for linux-x64 in Release into
    /// <c>publish/NAME</c>; fails the test unless it succeeds. Returns the build's output and the executable's path.
    /// </summary>
    public async Task<Published> Publish(string project, string name, params string[] properties)
    {
        var output = Path.Combine(Root, "publish", name);
        var result = await _dotnet.Run(Root, PublishTimeout,
            ["publish", project, "-c", "Release", "-r", "linux-x64", "-o", output, "--disable-build-servers", .. properties]);
        var exe = Path.Combine(output, Path.GetFileNameWithoutExtension(project));
        Assert.That(File.Exists(exe), $"no executable {exe}\n{result.Describe()}");
        return new Published(exe, result);
    }

    /// <summary>Runs a published executable in its folder, with a time limit; returns its exit code and output.</summary>
    public static (int ExitCode, string Stdout, string Stderr) Run(string exe) => Run(exe, [], new());

    /// <summary>
    /// Runs a published executable in its folder with <paramref name="arguments"/> and <paramref name="environment"/>
    /// added to this process's, with a time limit; returns its exit code and output.
    /// </summary>
    public static (int ExitCode, string Stdout, string Stderr) Run(string exe, IEnumerable<string> arguments, Dictionary<string, string> environment)
    {
        var psi = new ProcessStartInfo(exe, arguments)
        {
            WorkingDirectory = Path.GetDirectoryName(exe)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        // No core dump for an abort: the exit code tells.
        psi.Environment["DOTNET_DbgEnableMiniDump"] = "0";
        foreach (var (name, value) in environment) psi.Environment[name] = value;
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(RunTimeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{exe} did not finish within {RunTimeout.TotalSeconds:0} s and was killed");
        }
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>The distinct trim and AOT analysis warnings (<c>warning IL2026: …</c>, <c>warning IL3050: …</c>) of a build's output.</summary>
    public static IReadOnlyList<string> IlWarnings(CommandResult build) =>
        IlWarning().Matches(build.Stdout + "\n" + build.Stderr).Select(m => m.Value.Trim()).Distinct(StringComparer.Ordinal).ToList();

    [GeneratedRegex(@"warning IL\d{4}:[^\r\n]*")]
    private static partial Regex IlWarning();

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TestContext.Progress.WriteLine($"aot: could not remove {Root}: {ex.Message}");
        }
    }

    // NUGET_PACKAGES, else the default global packages folder (~/.nuget/packages).
    private static string PackagesFolder() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } folder ? folder
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
}
