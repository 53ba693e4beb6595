namespace Ffi.Tests.Aot;

/// <summary>
/// examples/AotCoreExample (Ffi.Core only: spec, layout, memory) published as a user would, with NativeAOT and with
/// the trimmer: the build reports no trim or AOT warning, and the program it makes prints what gcc and the program's
/// own inputs say it must (<see cref="ExpectedCoreOutput"/>). One publish per configuration, shared by its tests.
/// </summary>
[TestFixture("aot")]
[TestFixture("trimmed")]
[Category("Publish")]
[NonParallelizable]
public sealed class CorePublishTests(string configuration)
{
    private PublishWorkspace _workspace = null!;
    private Published _app = null!;

    [OneTimeSetUp]
    public async Task Publish()
    {
        _workspace = new PublishWorkspace("Ffi.Core");
        string[] properties = configuration == "aot" ? ["-p:PublishAot=true"] : ["--self-contained", "-p:PublishTrimmed=true"];
        _app = await _workspace.Publish("examples/AotCoreExample/AotCoreExample.csproj", configuration, properties);
    }

    [OneTimeTearDown]
    public void RemoveTemporaryFiles() => _workspace?.Dispose();

    [Test]
    public void TheBuildReportsNoTrimOrAotWarning()
    {
        Assert.That(PublishWorkspace.IlWarnings(_app.Build), Is.Empty, _app.Build.Describe());
        // The publish really ran the tool it names: ILC's native code, or ILLink's trimming.
        Assert.That(_app.Build.Stdout, Does.Contain(configuration == "aot" ? "Generating native code" : "Optimizing assemblies for size"));
    }

    [Test]
    public void TheProgramPrintsGccsLayoutsAndReadsBackWhatItWrote()
    {
        var (code, stdout, stderr) = PublishWorkspace.Run(_app.Executable);
        Assert.That(code, Is.Zero, $"stdout:\n{stdout}\nstderr:\n{stderr}");
        ExpectedCoreOutput.AssertMatches(stdout, trimmed: true);
    }
}
