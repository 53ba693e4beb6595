using System.IO.Compression;
using System.Xml.Linq;

namespace Ffi.Tests.Packaging;

/// <summary>
/// The packages as a user installs them. Ffi.Core, Ffi.Emit and Ffi.Tool are packed from a copy of the sources
/// into a local feed, with a prerelease version of their own, so no NuGet cache can hold a stale copy. The tool is
/// installed from that feed and run. A console project written here references Ffi.Emit from the feed and calls
/// strlen. Everything lives in one temporary directory, and its own global packages folder lives there too.
/// </summary>
[TestFixture]
[Category("Packaging")]
[NonParallelizable]
public sealed class PackageTests
{
    // The packable projects (docs/packages.md); Ffi.Demo is packed as Ffi.Tool.
    private static readonly string[] PackedProjects = ["Ffi.Core", "Ffi.Emit", "Ffi.Demo"];

    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(8);
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan RunToolTimeout = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan RunAppTimeout = TimeSpan.FromMinutes(5);

    private string _root = null!;
    private string _feed = null!;
    private string _version = null!;
    private DotnetCommand _dotnet = null!;

    [OneTimeSetUp]
    public async Task PackIntoALocalFeed()
    {
        _root = Directory.CreateTempSubdirectory("ffi-packaging-").FullName;
        _feed = Path.Combine(_root, "feed");
        _version = $"0.1.0-test.{DateTime.UtcNow.Ticks}";
        _dotnet = new DotnetCommand(Path.Combine(_root, "nuget-packages"));

        // A copy of the sources, so that packing neither reads nor rewrites the bin/ and obj/ of the build under test.
        // Ffi.Compile is not packed: the tool (Ffi.Demo) carries it.
        var src = Path.Combine(_root, "src");
        SourceTree.Copy(src, [.. PackedProjects, "Ffi.Compile"]);
        File.WriteAllText(Path.Combine(src, "packages.slnx"),
            "<Solution>\n" + string.Concat(PackedProjects.Select(p => $"  <Project Path=\"{p}/{p}.csproj\" />\n")) + "</Solution>\n");
        await _dotnet.Run(src, PackTimeout,
            "pack", "packages.slnx", "-c", "Release", "-o", _feed, $"-p:Version={_version}", "--disable-build-servers");

        LocalFeed.WriteNuGetConfig(_root, _feed);
    }

    [OneTimeTearDown]
    public void RemoveTemporaryFiles() => LocalFeed.Remove(_root);

    [Test]
    public void LibraryPackagesCarryReadmeLicenseDocsAndSymbols()
    {
        foreach (var id in new[] { "Ffi.Core", "Ffi.Emit" })
        {
            var entries = Entries(id, "nupkg");
            Assert.That(entries, Is.SupersetOf(new[] { "README.md", "LICENSE", $"lib/net10.0/{id}.dll", $"lib/net10.0/{id}.xml" }),
                $"{id}.nupkg: the library, its XML documentation, the package README and the license");
            Assert.That(Entries(id, "snupkg"), Does.Contain($"lib/net10.0/{id}.pdb"), $"{id}.snupkg: the symbols");

            var nuspec = Nuspec(id);
            Assert.That(Element(nuspec, "license")?.Value, Is.EqualTo("MIT"), $"{id}: license expression");
            Assert.That(Element(nuspec, "license")?.Attribute("type")?.Value, Is.EqualTo("expression"));
            Assert.That(Element(nuspec, "readme")?.Value, Is.EqualTo("README.md"), $"{id}: package README");
            Assert.That(Element(nuspec, "description")?.Value, Is.Not.Empty, $"{id}: description");
            Assert.That(Element(nuspec, "tags")?.Value, Does.Contain("ffi"), $"{id}: tags");
        }
        var emitDependencies = Nuspec("Ffi.Emit").Descendants().Where(e => e.Name.LocalName == "dependency")
            .Select(e => $"{e.Attribute("id")?.Value} {e.Attribute("version")?.Value}");
        Assert.That(emitDependencies, Does.Contain($"Ffi.Core {_version}"), "Ffi.Emit depends on Ffi.Core of the same version");
    }

    [Test]
    public void ToolPackageIsADotnetToolNamedFfi()
    {
        var entries = Entries("Ffi.Tool", "nupkg");
        Assert.That(entries, Is.SupersetOf(new[] { "README.md", "LICENSE", "tools/net10.0/any/ffi.dll", "tools/net10.0/any/DotnetToolSettings.xml" }));
        var nuspec = Nuspec("Ffi.Tool");
        Assert.That(nuspec.Descendants().Where(e => e.Name.LocalName == "packageType").Select(e => e.Attribute("name")?.Value),
            Does.Contain("DotnetTool"));
        Assert.That(Element(nuspec, "license")?.Value, Is.EqualTo("MIT"));
        Assert.That(Element(nuspec, "readme")?.Value, Is.EqualTo("README.md"));
    }

    [Test]
    public async Task InstalledToolInspectsAndCalls()
    {
        var tools = Path.Combine(_root, "tools");
        await _dotnet.Run(_root, InstallTimeout,
            "tool", "install", "Ffi.Tool", "--tool-path", tools, "--add-source", _feed, "--version", _version);
        var ffi = Path.Combine(tools, "ffi");
        var libcJson = Path.Combine(TestContext.CurrentContext.TestDirectory, "examples", "libc.json");

        var help = await _dotnet.Exec(ffi, _root, RunToolTimeout, "--help");
        Assert.That(help.Stdout, Does.Contain("Usage:"), help.Describe());

        var version = await _dotnet.Exec(ffi, _root, RunToolTimeout, "--version");
        Assert.That(version.Stdout.Trim(), Is.EqualTo($"ffi {_version}"), version.Describe());

        var inspect = await _dotnet.Exec(ffi, _root, RunToolTimeout, "inspect", libcJson);
        Assert.That(inspect.Stdout, Does.Contain("struct tm"), inspect.Describe());

        // A call goes through Ffi.Emit's stubs inside the tool: the package carries everything the tool needs.
        var call = await _dotnet.Exec(ffi, _root, RunToolTimeout, "call", libcJson, "div", "17", "5");
        Assert.That(call.Stdout.Trim(), Is.EqualTo("""{"quot":3,"rem":2}"""), call.Describe());
    }

    [Test]
    public async Task ConsoleProjectCallsStrlenThroughTheEmitPackage()
    {
        var app = Path.Combine(_root, "app");
        Directory.CreateDirectory(app);
        File.WriteAllText(Path.Combine(app, "App.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Ffi.Emit" Version="{_version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), """"
            using System.Reflection;
            using Ffi;
            using Ffi.Spec;

            var spec = FfiSpec.Parse("""
                { "version": "1", "lib": "libc.so.6",
                  "functions": [ { "name": "strlen", "ret": "size_t", "params": ["string"] } ] }
                """);
            using var libc = NativeModule.Open(spec);
            var strlen = libc.GetFunction<Func<string, ulong>>("strlen");
            Console.WriteLine($"strlen={strlen("h\u00e9llo, packages")}");
            Console.WriteLine($"Ffi.Emit {typeof(NativeModule).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion}");
            """");

        var run = await _dotnet.Run(app, RunAppTimeout, "run", "--disable-build-servers");
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.That(lines, Does.Contain("strlen=16"), run.Describe());   // "héllo" is 6 bytes in UTF-8
        Assert.That(lines.Any(l => l.StartsWith($"Ffi.Emit {_version}", StringComparison.Ordinal)), Is.True,
            $"the program ran against the packed Ffi.Emit {_version}\n{run.Describe()}");
    }

    [Test]
    public void LibraryAssembliesAreReadyToRunImages()
    {
        // Packed from a Release build on linux-x64: Crossgen2 precompiled them (build/ReadyToRun.targets). A
        // ReadyToRun image is a managed assembly with a managed native header (the READYTORUN header).
        foreach (var id in new[] { "Ffi.Core", "Ffi.Emit" })
        {
            using var zip = ZipFile.OpenRead(Path.Combine(_feed, $"{id}.{_version}.nupkg"));
            using var packed = zip.GetEntry($"lib/net10.0/{id}.dll")!.Open();
            var bytes = new MemoryStream();
            packed.CopyTo(bytes);
            bytes.Position = 0;
            using var pe = new System.Reflection.PortableExecutable.PEReader(bytes);
            var cor = pe.PEHeaders.CorHeader;
            Assert.That(cor, Is.Not.Null, $"{id}.dll is not a managed assembly");
            Assert.That(cor!.ManagedNativeHeaderDirectory.Size, Is.GreaterThan(0), $"{id}.dll in the package is IL only, not a ReadyToRun image");
        }
    }

    private string[] Entries(string id, string extension)
    {
        var path = Path.Combine(_feed, $"{id}.{_version}.{extension}");
        Assert.That(path, Does.Exist, $"{id}: no {extension} in the feed: {string.Join(", ", Directory.GetFiles(_feed).Select(Path.GetFileName))}");
        using var zip = ZipFile.OpenRead(path);
        return zip.Entries.Select(e => e.FullName).ToArray();
    }

    private XDocument Nuspec(string id)
    {
        using var zip = ZipFile.OpenRead(Path.Combine(_feed, $"{id}.{_version}.nupkg"));
        using var stream = zip.GetEntry($"{id}.nuspec")!.Open();
        return XDocument.Load(stream);
    }

    private static XElement? Element(XDocument nuspec, string name) =>
        nuspec.Descendants().FirstOrDefault(e => e.Name.LocalName == name);
}
