using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Ffi.Tests.Adversarial;

namespace Ffi.Tests.Aot;

/// <summary>
/// Runs a test body in a process that cannot generate code, under the JIT: a child process (<see cref="Isolated"/>)
/// whose runtimeconfig sets <c>System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported</c> to false (what
/// <c>DynamicCodeSupport=false</c> writes), which makes Reflection.Emit refuse, and the engine choose its NativeAOT
/// paths, as under NativeAOT. The runtime reads the switch once per process, hence the child. The runtimeconfig is
/// written once per run, in a folder of its own next to the test assembly.
/// </summary>
internal static class WithoutDynamicCode
{
    private static readonly Lazy<string> RuntimeConfig = new(Write);

    /// <summary>Runs <paramref name="body"/> in such a child (see <see cref="Isolated.Run"/> for how it fails).</summary>
    public static void Run(Action body, TimeSpan? timeout = null) => Isolated.Run(() =>
    {
        // The child really runs as NativeAOT would: the switch took, and Reflection.Emit refuses.
        Assert.That(RuntimeFeature.IsDynamicCodeSupported, Is.False);
        Assert.Throws<PlatformNotSupportedException>(() => _ = new DynamicMethod("probe", typeof(int), Type.EmptyTypes));
        body();
    }, timeout, Isolated.InChild ? null : RuntimeConfig.Value);

    // The test assembly's runtimeconfig.json with the switch added.
    private static string Write()
    {
        var original = Path.ChangeExtension(typeof(WithoutDynamicCode).Assembly.Location, ".runtimeconfig.json");
        var config = JsonNode.Parse(File.ReadAllText(original))!.AsObject();
        var options = config["runtimeOptions"]!.AsObject();
        if (options["configProperties"] is not JsonObject properties) options["configProperties"] = properties = [];
        properties["System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported"] = false;
        var path = Path.Combine(Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "without-dynamic-code")).FullName, "Ffi.Tests.runtimeconfig.json");
        File.WriteAllText(path, config.ToJsonString());
        return path;
    }
}
