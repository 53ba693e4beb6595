namespace Ffi.Tests.Packaging;

/// <summary>What the packaging fixtures share around a feed of freshly packed packages in a temporary folder.</summary>
internal static class LocalFeed
{
    /// <summary>
    /// Writes <c>nuget.config</c> into <paramref name="root"/> for everything run below it: the local feed, then
    /// nuget.org. No source mapping: <c>dotnet tool install --add-source</c> refuses to run with one. nuget.org cannot
    /// hold a test run's version of an Ffi package.
    /// </summary>
    public static void WriteNuGetConfig(string root, string feed) =>
        File.WriteAllText(Path.Combine(root, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
              </packageSources>
            </configuration>
            """);

    /// <summary>Removes a fixture's temporary folder; a file still held open is reported, not thrown.</summary>
    public static void Remove(string? root)
    {
        if (root is null || !Directory.Exists(root)) return;
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TestContext.Progress.WriteLine($"packaging: could not remove {root}: {ex.Message}");
        }
    }
}
