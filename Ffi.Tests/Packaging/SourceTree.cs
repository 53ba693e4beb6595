namespace Ffi.Tests.Packaging;

/// <summary>
/// A copy of the checkout's sources to pack from, so that packing neither reads nor rewrites the <c>bin/</c> and
/// <c>obj/</c> of the build under test: the files at the root (Directory.Build.props, global.json, LICENSE...), the
/// named projects without their build outputs, and <c>build/</c>. Not git's files: a worktree's .git is a file, and the
/// copy is no checkout.
/// </summary>
internal static class SourceTree
{
    /// <summary>The checkout holding the sources of the test assembly: the first ancestor of the output folder with Ffi.Core.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Ffi.Core", "Ffi.Core.csproj"))) return dir.FullName;
        }
        Assert.Fail($"no checkout above {TestContext.CurrentContext.TestDirectory}: the packaging tests pack the sources");
        return null!;
    }

    /// <summary>Copies the root files, <paramref name="projects"/> (folder names) and <c>build/</c> into <paramref name="destination"/>.</summary>
    public static void Copy(string destination, IEnumerable<string> projects)
    {
        var repository = RepositoryRoot();
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.GetFiles(repository).Where(f => !Path.GetFileName(f).StartsWith(".git", StringComparison.Ordinal)))
            File.Copy(file, Path.Combine(destination, Path.GetFileName(file)));
        foreach (var project in projects)
            CopyTree(Path.Combine(repository, project), Path.Combine(destination, project));
        CopyTree(Path.Combine(repository, "build"), Path.Combine(destination, "build")); // MSBuild files the projects import
    }

    /// <summary>Copies a folder with everything below it but <c>bin/</c> and <c>obj/</c> folders.</summary>
    public static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var dir in Directory.GetDirectories(from))
        {
            if (Path.GetFileName(dir) is "bin" or "obj") continue;
            CopyTree(dir, Path.Combine(to, Path.GetFileName(dir)));
        }
    }
}
