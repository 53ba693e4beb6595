using Ffi.Compile;
using Ffi.Spec;

namespace Ffi.Tests.Aot;

/// <summary>
/// Compiled callbacks under NativeAOT for real: an app referencing bindings compiled from examples/libc.json is
/// published with <c>PublishAot=true</c> with zero trim and AOT warnings, and the native executable sorts with a
/// managed comparator passed to <c>qsort</c> (a transient callback), gets the comparator's exception back as
/// <see cref="FfiCallbackException"/>, and sorts again through a registered callback's address.
/// </summary>
[TestFixture]
[Category("Publish")]
[NonParallelizable]
public sealed class AotCompiledCallbackTests
{
    private const string Project = """
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <PublishAot>true</PublishAot>
            <InvariantGlobalization>true</InvariantGlobalization>
            <AllowUnsafeBlocks>true</AllowUnsafeBlocks>
            <!-- The test counts the warnings itself (there must be none). -->
            <TreatWarningsAsErrors>false</TreatWarningsAsErrors>
          </PropertyGroup>
          <ItemGroup>
            <ProjectReference Include="../Ffi.Core/Ffi.Core.csproj" />
            <Reference Include="CLibc.Bindings"><HintPath>CLibc.Bindings.dll</HintPath></Reference>
          </ItemGroup>
        </Project>
        """;

    private const string Program = """
        using CLibc;
        using Ffi;

        unsafe
        {
            int[] data = { 5, 3, 9, 1, 7 };
            fixed (int* p = data)
            {
                Native.qsort(p, 5, 4, (a, b) => (*(int*)a).CompareTo(*(int*)b));
                Console.WriteLine(string.Join(",", data));
                try { Native.qsort(p, 5, 4, (a, b) => throw new InvalidOperationException("no")); }
                catch (FfiCallbackException e) { Console.WriteLine($"{e.Function} {e.Callback} {e.InnerException!.Message}"); }
                using var descending = Native.Callbacks.Register(new cmp_fn((a, b) => (*(int*)b).CompareTo(*(int*)a)));
                Native.qsort(p, 5, 4, descending.Address);
                Console.WriteLine(string.Join(",", data));
            }
        }
        """;

    private PublishWorkspace _workspace = null!;
    private Published _app = null!;

    [OneTimeSetUp]
    public async Task Publish()
    {
        _workspace = new PublishWorkspace("Ffi.Core");
        var folder = Directory.CreateDirectory(Path.Combine(_workspace.Root, "AotCallbacks")).FullName;
        BindingCompiler.Compile(FfiSpec.Load(Path.Combine(AppContext.BaseDirectory, "examples", "libc.json")), new BindingOptions("CLibc")).WriteTo(folder);
        File.WriteAllText(Path.Combine(folder, "AotCallbacks.csproj"), Project);
        File.WriteAllText(Path.Combine(folder, "Program.cs"), Program);
        _app = await _workspace.Publish("AotCallbacks/AotCallbacks.csproj", "aot-callbacks");
    }

    [OneTimeTearDown]
    public void RemoveTemporaryFiles() => _workspace?.Dispose();

    [Test]
    public void ThePublishHasNoTrimOrAotWarnings() => Assert.That(PublishWorkspace.IlWarnings(_app.Build), Is.Empty);

    [Test]
    public void TheNativeProgramSortsWithManagedComparatorsAndGetsTheirExceptions()
    {
        var (code, stdout, stderr) = PublishWorkspace.Run(_app.Executable);
        Assert.That(code, Is.Zero, $"stdout:\n{stdout}\nstderr:\n{stderr}");
        Assert.That(stdout, Is.EqualTo("1,3,5,7,9\nqsort cmp_fn no\n9,7,5,3,1\n"));
    }
}
