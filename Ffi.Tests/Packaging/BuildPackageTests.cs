using System.IO.Compression;
using System.Xml.Linq;
using Ffi.Tests.Oracle;

namespace Ffi.Tests.Packaging;

/// <summary>
/// The MSBuild package <c>Ffi.Build</c> as a user installs it: packed with <c>Ffi.Core</c> from a copy of the sources
/// into a local feed of its own (version <c>0.1.0-test.TICKS</c>), referenced by console projects written here with an
/// <c>&lt;FfiBinding&gt;</c>. A project builds, runs and prints the layout gcc gives and as many callback registrations as
/// its item's <c>CallbackSlots</c>; building again skips the compile target, a touched spec or new options compile
/// again, and <c>dotnet clean</c> deletes the compiled assemblies. A broken spec fails the build with its error at its
/// line and column and no other; a tool that fails without an error line fails it with one error naming the spec.
/// Everything lives in one temporary directory with its own global packages folder.
/// </summary>
[TestFixture]
[Category("Packaging")]
[NonParallelizable]
public sealed class BuildPackageTests
{
    // Ffi.Build's pack publishes the ffi tool (Ffi.Demo and what it references) into the package's tools/. Ffi.Demo is
    // in the solution (and so packed as Ffi.Tool too) to be built once, in Release, as in `dotnet pack Ffi.sln`.
    private static readonly string[] PackedProjects = ["Ffi.Core", "Ffi.Demo", "Ffi.Build"];
    private static readonly string[] CopiedProjects = ["Ffi.Core", "Ffi.Emit", "Ffi.Compile", "Ffi.Demo", "Ffi.Build"];

    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(8);
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(1);

    private const string SkippedCompile = "Skipping target \"FfiCompileBindings\" because all output files are up-to-date";

    private const string SampleJson = """
        {
          "version": "1",
          "lib": "libc.so.6",
          "types": {
            "sample": {"kind": "struct", "fields": [
              {"name": "c", "type": "char"},
              {"name": "d", "type": "double"},
              {"name": "s", "type": "short"},
              {"name": "a", "type": {"kind": "array", "of": "int", "len": 3}}
            ]},
            "color": {"kind": "enum", "base": "int", "values": {"RED": 1, "GREEN": 2, "BLUE": 4}},
            "unary_fn": {"kind": "funcptr", "ret": "int", "params": ["int"]}
          },
          "functions": [{"name": "abs", "ret": "int", "params": ["int"]}],
          "constants": {"ANSWER": 42, "BIG": -9000000000}
        }
        """;

    // A second binding, from C declarations (its library given by the item's Lib), with the default namespace Pair.
    private const string PairH = """
        struct pair { char tag; long long value; unsigned short kinds[3]; };
        enum mode { MODE_A = 3, MODE_B };
        """;

    // What the program prints about both structs, printed by C for the same declarations.
    private const string LayoutC = """
        #include <stddef.h>
        #include <stdio.h>
        struct sample { char c; double d; short s; int a[3]; };
        struct pair { char tag; long long value; unsigned short kinds[3]; };
        int main(void) {
            printf("layout sizeof=%zu d=%zu s=%zu a=%zu\n", sizeof(struct sample), offsetof(struct sample, d),
                   offsetof(struct sample, s), offsetof(struct sample, a));
            printf("pair sizeof=%zu value=%zu kinds=%zu\n", sizeof(struct pair), offsetof(struct pair, value), offsetof(struct pair, kinds));
            return 0;
        }
        """;

    // The sample item's CallbackSlots: the program registers callbacks until the pool of unary_fn is full.
    private const int CallbackSlots = 4;

    private const string Program = """
        using System.Runtime.CompilerServices;

        var s = default(Sample.sample);
        Console.WriteLine($"layout sizeof={Unsafe.SizeOf<Sample.sample>()} d={Offset(ref s, ref s.d)} s={Offset(ref s, ref s.s)} a={Offset(ref s, ref s.a)}");
        var p = default(Pair.struct_pair);
        Console.WriteLine($"pair sizeof={Unsafe.SizeOf<Pair.struct_pair>()} value={Offset(ref p, ref p.value)} kinds={Offset(ref p, ref p.kinds)}");
        Console.WriteLine($"BLUE={(int)Sample.color.BLUE} ANSWER={Sample.Lib.ANSWER} BIG={Sample.Lib.BIG} lib={Sample.Lib.Library} MODE_B={(int)Pair.enum_mode.MODE_B}");
        int registered = 0;
        try { for (; registered < 10_000; registered++) Sample.Lib.Callbacks.Register(new Sample.unary_fn(x => x + 1)); }
        catch (Ffi.FfiCallbackSlotsExhaustedException e) { Console.WriteLine($"callbacks registered={registered} slots={e.Slots} {e.Callback}"); }

        static long Offset<TStruct, TField>(ref TStruct s, ref TField field) =>
            (long)Unsafe.ByteOffset(ref Unsafe.As<TStruct, byte>(ref s), ref Unsafe.As<TField, byte>(ref field));
        """;

    private string _root = null!;
    private string _feed = null!;
    private string _version = null!;
    private DotnetCommand _dotnet = null!;

    [OneTimeSetUp]
    public async Task PackIntoALocalFeed()
    {
        _root = Directory.CreateTempSubdirectory("ffi-build-package-").FullName;
        _feed = Path.Combine(_root, "feed");
        _version = $"0.1.0-test.{DateTime.UtcNow.Ticks}";
        _dotnet = new DotnetCommand(Path.Combine(_root, "nuget-packages"));

        var src = Path.Combine(_root, "src");
        SourceTree.Copy(src, CopiedProjects);
        File.WriteAllText(Path.Combine(src, "packages.slnx"),
            "<Solution>\n" + string.Concat(PackedProjects.Select(p => $"  <Project Path=\"{p}/{p}.csproj\" />\n")) + "</Solution>\n");
        // IL-only: the ReadyToRun images are PackageTests' concern, and crossgen would double the time of this pack.
        await _dotnet.Run(src, PackTimeout,
            "pack", "packages.slnx", "-c", "Release", "-o", _feed, $"-p:Version={_version}", "-p:FfiReadyToRun=false", "--disable-build-servers");

        LocalFeed.WriteNuGetConfig(_root, _feed);
    }

    [OneTimeTearDown]
    public void RemoveTemporaryFiles() => LocalFeed.Remove(_root);

    [Test]
    public void ThePackageCarriesTheTargetsTheToolAndTheCoreDependency()
    {
        using var zip = ZipFile.OpenRead(Path.Combine(_feed, $"Ffi.Build.{_version}.nupkg"));
        var entries = zip.Entries.Select(e => e.FullName).ToList();
        Assert.That(entries, Is.SupersetOf(new[]
        {
            "README.md", "LICENSE", "build/Ffi.Build.props", "build/Ffi.Build.targets",
            "tools/net10.0/ffi.dll", "tools/net10.0/ffi.runtimeconfig.json", "tools/net10.0/ffi.deps.json",
            "tools/net10.0/Ffi.Compile.dll", "tools/net10.0/Ffi.Core.dll", "tools/net10.0/Mono.Cecil.dll",
        }));
        Assert.That(entries.Where(e => e.StartsWith("lib/", StringComparison.Ordinal)), Is.EqualTo(new[] { "lib/net10.0/_._" }),
            "no assembly of its own for the app to reference");

        using var stream = zip.GetEntry("Ffi.Build.nuspec")!.Open();
        var nuspec = XDocument.Load(stream);
        var dependencies = nuspec.Descendants().Where(e => e.Name.LocalName == "dependency")
            .Select(e => $"{e.Attribute("id")?.Value} {e.Attribute("version")?.Value}");
        Assert.That(dependencies, Is.EqualTo(new[] { $"Ffi.Core {_version}" }), "the generated assemblies' runtime dependency, and nothing else");
        Assert.That(nuspec.Descendants().Single(e => e.Name.LocalName == "license").Value, Is.EqualTo("MIT"));
    }

    [Test]
    public async Task ABindingIsCompiledReferencedAndCompiledAgainOnlyWhenSomethingChanged()
    {
        var app = WriteApp("app", SampleJson);
        var spec = Path.Combine(app, "sample.json");
        var header = Path.Combine(app, "pair.h");

        var first = await _dotnet.Run(app, BuildTimeout, "build", "-v:n", "--disable-build-servers");
        Assert.That(first.Stdout, Does.Contain($"compile \"{spec}\"").And.Contain("--namespace \"Sample\" --class \"Lib\"")
            .And.Contain($"--callback-slots \"{CallbackSlots}\"").And.Contain($"compile \"{header}\"").And.Contain("--lib \"libc.so.6\"")
            .And.Not.Contain(SkippedCompile), first.Describe());

        var run = await _dotnet.Run(app, RunTimeout, Path.Combine("bin", "Debug", "net10.0", "App.dll"));
        var gcc = Gcc.CompileAndRun(LayoutC, "build-package-layout").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.That(run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            Is.EqualTo(new[]
            {
                gcc[0], gcc[1], "BLUE=4 ANSWER=42 BIG=-9000000000 lib=libc.so.6 MODE_B=4",
                $"callbacks registered={CallbackSlots} slots={CallbackSlots} unary_fn",
            }), run.Describe());
        Assert.That(Path.Combine(app, "bin", "Debug", "net10.0", "Sample.Bindings.xml"), Does.Exist, "the XML documentation is copied beside the assembly");

        var again = await _dotnet.Run(app, BuildTimeout, "build", "-v:n", "--disable-build-servers");
        Assert.That(again.Stdout, Does.Contain(SkippedCompile).And.Not.Contain(" compile \""), again.Describe());

        // Only the touched spec is compiled again; the other binding's batch is skipped.
        File.SetLastWriteTimeUtc(spec, DateTime.UtcNow);
        var touched = await _dotnet.Run(app, BuildTimeout, "build", "-v:n", "--disable-build-servers");
        Assert.That(touched.Stdout, Does.Contain($"compile \"{spec}\"").And.Contain(SkippedCompile).And.Not.Contain($"compile \"{header}\""), touched.Describe());

        // New options for the item (the class is a property here): compiled again, with them.
        var options = await _dotnet.Run(app, BuildTimeout, "build", "-t:FfiCompileBindings", "-p:SampleClass=Other", "-v:n", "--disable-build-servers");
        Assert.That(options.Stdout, Does.Contain("--namespace \"Sample\" --class \"Other\"").And.Not.Contain($"compile \"{header}\""), options.Describe());

        // dotnet clean deletes the compiled assemblies, their documentation and the copies beside the app.
        var compiled = Directory.GetFiles(Path.Combine(app, "obj"), "*.Bindings.*", SearchOption.AllDirectories);
        var copied = Directory.GetFiles(Path.Combine(app, "bin"), "*.Bindings.*", SearchOption.AllDirectories);
        Assert.That(compiled.Select(Path.GetFileName), Is.SupersetOf(new[] { "Sample.Bindings.dll", "Sample.Bindings.xml", "Pair.Bindings.dll", "Pair.Bindings.xml" }));
        Assert.That(copied.Select(Path.GetFileName), Is.SupersetOf(new[] { "Sample.Bindings.dll", "Sample.Bindings.xml", "Pair.Bindings.dll", "Pair.Bindings.xml" }));
        var clean = await _dotnet.Run(app, BuildTimeout, "clean", "--disable-build-servers");
        Assert.That(compiled.Concat(copied).Where(File.Exists), Is.Empty, clean.Describe());
        Assert.That(Directory.Exists(Path.Combine(app, "obj", "Debug", "net10.0", "ffi")), Is.False, "the package's own directory goes with them");
    }

    [Test]
    public async Task ABrokenSpecFailsTheBuildWithAnErrorAtItsLineAndColumn()
    {
        var broken = SampleJson.Replace("\"type\": \"short\"", "\"type\": \"shrot\"", StringComparison.Ordinal);
        var app = WriteApp("broken", broken);
        var spec = Path.Combine(app, "sample.json");

        var build = await _dotnet.RunAnyExit(app, BuildTimeout, "build", "--disable-build-servers");
        Assert.That(build.ExitCode, Is.Not.Zero, build.Describe());
        int at = broken.IndexOf("\"shrot\"", StringComparison.Ordinal);
        int line = broken[..at].Count(c => c == '\n') + 1, column = at - broken.LastIndexOf('\n', at);
        Assert.That(build.Stdout, Does.Contain($"{spec}({line},{column}): error FFI1001: types.sample.fields[2].type: unknown type \"shrot\""), build.Describe());
        Assert.That(build.Stdout, Does.Not.Contain("error CS"), "the build stops at the spec's error");
        Assert.That(build.Stdout, Does.Not.Contain("MSB3073").And.Not.Contain("FFI1099"), "the spec's error is the only error: not also the tool's exit code");
    }

    [Test]
    public async Task AToolThatFailsWithoutAnErrorLineStillFailsTheBuildWithOneClearError()
    {
        var app = WriteApp("no-tool", SampleJson);
        var notATool = Path.Combine(app, "not-ffi.dll");
        File.WriteAllText(notATool, "not an assembly");

        var build = await _dotnet.RunAnyExit(app, BuildTimeout, "build", $"-p:FfiToolPath={notATool}", "--disable-build-servers");
        Assert.That(build.ExitCode, Is.Not.Zero, build.Describe());
        Assert.That(build.Stdout, Does.Contain($"{Path.Combine(app, "sample.json")} : error FFI1099: ffi compile failed (exit code "), build.Describe());
        Assert.That(build.Stdout, Does.Not.Contain("MSB3073").And.Not.Contain("error CS"), build.Describe());
    }

    private string WriteApp(string name, string specJson)
    {
        var app = Path.Combine(_root, name);
        Directory.CreateDirectory(app);
        File.WriteAllText(Path.Combine(app, "App.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <SampleClass>Lib</SampleClass>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Ffi.Build" Version="{_version}" />
                <FfiBinding Include="sample.json" Namespace="Sample" Class="$(SampleClass)" CallbackSlots="{CallbackSlots}" />
                <FfiBinding Include="pair.h" Lib="libc.so.6" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "sample.json"), specJson);
        File.WriteAllText(Path.Combine(app, "pair.h"), PairH);
        File.WriteAllText(Path.Combine(app, "Program.cs"), Program);
        return app;
    }
}
