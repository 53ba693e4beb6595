using Ffi.Compile;
using Ffi.Spec;
using Ffi.Tests.Oracle;

namespace Ffi.Tests.Aot;

/// <summary>
/// An app referencing compiled bindings, published with <c>PublishAot=true</c> with zero trim and AOT warnings: libc's
/// (examples/libc.json, by soname) and a gcc-compiled library's named by absolute path. The native executable sorts
/// with a managed comparator passed to <c>qsort</c> (a transient callback), gets the comparator's exception back as
/// <see cref="FfiCallbackException"/>, and sorts again through a registered callback's address. Its first compiled
/// calls (the library by path, whose file the engine checks first, and a variadic function, whose <c>%al</c> thunk it
/// maps) load no ICU: a P/Invoke by library name in the engine did, tens of milliseconds of the process's start-up
/// (docs/benchmarks.md, NativeAOT start-up).
/// </summary>
[TestFixture]
[Category("Publish")]
[NonParallelizable]
public sealed class AotCompiledAppTests
{
    // No InvariantGlobalization: the app may load ICU, so that the test sees whether the engine makes it.
    private const string Project = """
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <PublishAot>true</PublishAot>
            <AllowUnsafeBlocks>true</AllowUnsafeBlocks>
            <!-- The test counts the warnings itself (there must be none). -->
            <TreatWarningsAsErrors>false</TreatWarningsAsErrors>
          </PropertyGroup>
          <ItemGroup>
            <ProjectReference Include="../Ffi.Core/Ffi.Core.csproj" />
            <Reference Include="CLibc.Bindings"><HintPath>CLibc.Bindings.dll</HintPath></Reference>
            <Reference Include="Adder.Bindings"><HintPath>Adder.Bindings.dll</HintPath></Reference>
          </ItemGroup>
        </Project>
        """;

    // "first-calls": nothing but the first calls (no output, which may load ICU itself); "culture": a culture-aware
    // comparison, which loads ICU (the check's control); no argument: the callbacks.
    private const string Program = """
        using CLibc;
        using Ffi;

        unsafe
        {
            if (args is ["first-calls"])
            {
                byte* text = stackalloc byte[8];
                return Adder.Native.add(2, 3) == 5 && Native.snprintf(text, 8, "%d", 42) == 2 ? 0 : 1;
            }
            if (args is ["culture"]) return string.Compare("a", "B", StringComparison.CurrentCulture) < 0 ? 0 : 1;
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
            return 0;
        }
        """;

    private PublishWorkspace _workspace = null!;
    private Published _app = null!;
    private string _adder = null!;

    [OneTimeSetUp]
    public async Task Publish()
    {
        _workspace = new PublishWorkspace("Ffi.Core");
        var folder = Directory.CreateDirectory(Path.Combine(_workspace.Root, "AotCompiledApp")).FullName;
        _adder = Gcc.Compile("int add(int a, int b) { return a + b; }\n", "aot_adder", "-shared -fPIC");
        var adder = FfiSpec.Parse($$"""{ "version": "1", "lib": "{{_adder}}", "functions": [ { "name": "add", "ret": "int", "params": ["int", "int"] } ] }""");
        BindingCompiler.Compile(adder, new BindingOptions("Adder")).WriteTo(folder);
        BindingCompiler.Compile(FfiSpec.Load(Path.Combine(AppContext.BaseDirectory, "examples", "libc.json")), new BindingOptions("CLibc")).WriteTo(folder);
        File.WriteAllText(Path.Combine(folder, "AotCompiledApp.csproj"), Project);
        File.WriteAllText(Path.Combine(folder, "Program.cs"), Program);
        _app = await _workspace.Publish("AotCompiledApp/AotCompiledApp.csproj", "aot-compiled-app");
    }

    [OneTimeTearDown]
    public void RemoveTemporaryFiles() => _workspace?.Dispose();

    [Test]
    public void ThePublishHasNoTrimOrAotWarnings() => Assert.That(PublishWorkspace.IlWarnings(_app.Build), Is.Empty);

    [Test]
    public void TheNativeProgramSortsWithManagedComparatorsAndGetsTheirExceptions()
    {
        // Invariant, as the program was before it could load ICU: its output does not depend on the machine's ICU.
        var (code, stdout, stderr) = PublishWorkspace.Run(_app.Executable, [], new() { ["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1" });
        Assert.That(code, Is.Zero, $"stdout:\n{stdout}\nstderr:\n{stderr}");
        Assert.That(stdout, Is.EqualTo("1,3,5,7,9\nqsort cmp_fn no\n9,7,5,3,1\n"));
    }

    // The dynamic loader reports each library it initializes ("calling init: /lib/x86_64-linux-gnu/libicuuc.so.72").
    [Test]
    public void TheFirstCompiledCallsLoadNoIcu()
    {
        var control = LoadedLibraries("culture");
        if (!control.Any(l => l.Contains("/libicuuc.so", StringComparison.Ordinal)))
            Assert.Ignore($"a culture-aware comparison loaded no ICU here (none installed?): nothing to detect. Loaded: {string.Join(", ", control)}");

        var loaded = LoadedLibraries("first-calls");
        Assert.That(loaded, Does.Contain(_adder), "the first call did not load the library by path");
        Assert.That(loaded.Where(l => l.Contains("/libicu", StringComparison.Ordinal)), Is.Empty, string.Join("\n", loaded));
    }

    private List<string> LoadedLibraries(string mode)
    {
        var (code, stdout, stderr) = PublishWorkspace.Run(_app.Executable, [mode], new() { ["LD_DEBUG"] = "libs" });
        Assert.That(code, Is.Zero, $"{mode}: stdout:\n{stdout}\nstderr:\n{stderr}");
        const string Init = "calling init: ";
        return stderr.Split('\n')
            .Select(line => line.IndexOf(Init, StringComparison.Ordinal) is var at and >= 0 ? line[(at + Init.Length)..].Trim() : null)
            .OfType<string>()
            .ToList();
    }
}
