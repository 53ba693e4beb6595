using System.Text.RegularExpressions;

namespace Ffi.Tests.Aot;

/// <summary>
/// An app that uses the runtime path (<see cref="NativeModule.Open(Ffi.Spec.FfiSpec, FfiOptions?)"/>), published with
/// NativeAOT: the build warns at each call with the attribute's message (IL3050), and the native program gets an
/// <see cref="FfiDynamicCodeException"/> it can catch — not a PlatformNotSupportedException from the first call, or an
/// abort (exit 134).
/// </summary>
[TestFixture]
[Category("Publish")]
[NonParallelizable]
public sealed class AotOpenPublishTests
{
    private const string Project = """
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <!-- Here, not -p:PublishAot=true: a global property would turn the AOT analyzers on in Ffi.Emit's own build. -->
            <PublishAot>true</PublishAot>
            <InvariantGlobalization>true</InvariantGlobalization>
            <!-- The warnings are the point here: the repository makes them errors. -->
            <TreatWarningsAsErrors>false</TreatWarningsAsErrors>
          </PropertyGroup>
          <ItemGroup>
            <ProjectReference Include="../Ffi.Emit/Ffi.Emit.csproj" />
          </ItemGroup>
        </Project>
        """;

    private const string Program = """"
        using Ffi;
        using Ffi.Spec;

        var spec = FfiSpec.Parse("""{ "version": "1", "lib": "libc.so.6", "functions": [ { "name": "abs", "ret": "int", "params": ["int"] } ] }""");
        Console.WriteLine($"dynamic code: {System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported}");
        Console.WriteLine($"TryOpen: {NativeModule.TryOpen(spec, out _, out var error)}, {error?.GetType().Name}");
        try
        {
            using var libc = NativeModule.Open(spec);
            Console.WriteLine($"abs(-5) = {libc.GetFunction<Func<int, int>>("abs")(-5)}");
            return 0;
        }
        catch (FfiException e)
        {
            Console.Error.WriteLine($"{e.GetType().Name}: {e.Message}");
            return 3;
        }
        """";

    private PublishWorkspace _workspace = null!;
    private Published _app = null!;

    [OneTimeSetUp]
    public async Task Publish()
    {
        _workspace = new PublishWorkspace("Ffi.Core", "Ffi.Emit");
        var folder = Directory.CreateDirectory(Path.Combine(_workspace.Root, "AotOpen")).FullName;
        File.WriteAllText(Path.Combine(folder, "AotOpen.csproj"), Project);
        File.WriteAllText(Path.Combine(folder, "Program.cs"), Program);
        _app = await _workspace.Publish("AotOpen/AotOpen.csproj", "aot-open");
    }

    [OneTimeTearDown]
    public void RemoveTemporaryFiles() => _workspace?.Dispose();

    [Test]
    public void TheBuildWarnsAtEachRuntimeEntryPointWithTheMessage()
    {
        var warnings = PublishWorkspace.IlWarnings(_app.Build);
        foreach (var member in new[] { @"Ffi\.NativeModule\.Open\(", @"Ffi\.NativeModule\.TryOpen\(", @"Ffi\.NativeModule\.GetFunction<" })
            Assert.That(warnings.Where(w => w.StartsWith("warning IL3050:", StringComparison.Ordinal) && Regex.IsMatch(w, member)
                && w.Contains(DynamicCode.Message, StringComparison.Ordinal)), Is.Not.Empty, $"IL3050 for {member} naming the message:\n{string.Join('\n', warnings)}");
    }

    [Test]
    public void TheNativeProgramGetsTheTypedExceptionNamingCompiledBindings()
    {
        var (code, stdout, stderr) = PublishWorkspace.Run(_app.Executable);
        Assert.That(code, Is.EqualTo(3), $"stdout:\n{stdout}\nstderr:\n{stderr}");
        Assert.That(stdout, Is.EqualTo("dynamic code: False\nTryOpen: False, FfiDynamicCodeException\n"));
        Assert.That(stderr, Is.EqualTo("FfiDynamicCodeException: NativeModule.Open: this process cannot generate code at run time " +
            "(NativeAOT, or DynamicCodeSupport=false). " + DynamicCode.Message + ".\n"));
        Assert.That(stderr, Does.Contain("`ffi compile SPEC`"));
    }
}
