using System.Text.RegularExpressions;

namespace Ffi.Tests.Docs;

/// <summary>docs/architecture.md names real files and types: a rename that the page does not follow fails here.</summary>
[TestFixture]
public sealed partial class ArchitectureDocTests
{
    private static string Page => DocText.Read("docs/architecture.md");

    [Test]
    public void EveryFileItNamesExists()
    {
        var root = DocText.RepositoryRoot;
        var files = Directory.GetFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .ToList();
        var named = FileRegex().Matches(Page).Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.That(named, Is.Not.Empty);
        // A name is a path suffix ("Abi/CallPlan.cs", "TypedStub.cs"); "FfiMemory*.cs" stands for the partial files.
        var missing = named.Where(n => !files.Any(f => Regex.IsMatch(f, "(^|/)" + Regex.Escape(n).Replace(@"\*", "[^/]*", StringComparison.Ordinal) + "$"))).ToList();
        Assert.That(missing, Is.Empty);
    }

    [TestCase("Ffi.Spec.FfiSpec")]
    [TestCase("Ffi.Spec.SpecReader")]
    [TestCase("Ffi.Spec.TypeResolver")]
    [TestCase("Ffi.Types.TypeRegistry")]
    [TestCase("Ffi.Layout.SysVLayout")]
    [TestCase("Ffi.Abi.SysVClassifier")]
    [TestCase("Ffi.Abi.SysVCallPlanner")]
    [TestCase("Ffi.Abi.CallPlan")]
    [TestCase("Ffi.Abi.ArgumentFrame")]
    [TestCase("Ffi.Abi.ScalarPass")]
    [TestCase("Ffi.Abi.EightbytesPass")]
    [TestCase("Ffi.Abi.MemoryPass")]
    [TestCase("Ffi.Abi.OmittedPass")]
    [TestCase("Ffi.Downcalls.CallEmitter")]
    [TestCase("Ffi.Downcalls.RawCallStub")]
    [TestCase("Ffi.Downcalls.TypedStub")]
    [TestCase("Ffi.Downcalls.DynamicInvokerEmitter")]
    [TestCase("Ffi.Downcalls.DynamicArgumentChecks")]
    [TestCase("Ffi.Runtime.DynamicTarget")]
    [TestCase("Ffi.Runtime.ModuleLifetime")]
    [TestCase("Ffi.Runtime.StubFields")]
    [TestCase("Ffi.Abi.LoweredCall")]
    [TestCase("Ffi.Abi.SysVLowering")]
    [TestCase("Ffi.Shapes.CallShapes")]
    [TestCase("Ffi.Il.IlWriter")]
    [TestCase("Ffi.Il.GeneratorWriter")]
    [TestCase("Ffi.Il.IlListing")]
    [TestCase("Ffi.Il.StubListings")]
    [TestCase("Ffi.Downcalls.TrivialCalls")]
    [TestCase("Ffi.Runtime.CallScratch")]
    [TestCase("Ffi.Il.Carriers")]
    [TestCase("Ffi.Callbacks.TrampolinePool")]
    [TestCase("Ffi.Callbacks.TrampolineEmitter")]
    [TestCase("Ffi.Callbacks.CallbackRuntime")]
    [TestCase("Ffi.Binding.TypedCallback")]
    [TestCase("Ffi.Callbacks.DelegateConversion")]
    [TestCase("Ffi.Runtime.CallbackFrames")]
    [TestCase("Ffi.Runtime.CallbackSlot")]
    [TestCase("Ffi.Runtime.ModuleContext")]
    [TestCase("Ffi.Runtime.TypedTarget")]
    [TestCase("Ffi.Il.CarrierIl")]
    [TestCase("Ffi.NativeModule")]
    [TestCase("Ffi.NativeFunction")]
    [TestCase("Ffi.NativeVariable")]
    [TestCase("Ffi.CallbackRegistry")]
    [TestCase("Ffi.CallbackHandle")]
    [TestCase("Ffi.Memory.FfiMemory")]
    [TestCase("Ffi.Native.VariadicThunk")]
    public void EveryStageTypeItNamesExists(string fullName)
    {
        var type = typeof(Ffi.Spec.FfiSpec).Assembly.GetType(fullName) ?? typeof(NativeModule).Assembly.GetType(fullName);
        Assert.That(type, Is.Not.Null, fullName);
        Assert.That(Page.Contains("`" + type!.Name, StringComparison.Ordinal), Is.True, $"docs/architecture.md does not name {type.Name}");
    }

    [GeneratedRegex(@"`([A-Za-z./*]+\.cs)`")]
    private static partial Regex FileRegex();
}
