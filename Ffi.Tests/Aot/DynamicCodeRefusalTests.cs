using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Ffi.Memory;
using Ffi.Spec;
using Ffi.Tests.Docs;

namespace Ffi.Tests.Aot;

/// <summary>
/// The runtime path in a process that cannot generate code. Under the JIT, runtimeconfig's
/// <c>System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported: false</c> (what <c>DynamicCodeSupport=false</c>
/// writes) makes Reflection.Emit refuse exactly as NativeAOT does; the runtime reads it once per process, so each case
/// runs in a child process started with that runtimeconfig (<see cref="WithoutDynamicCode"/>). A NativeAOT app is
/// published and run for real by <see cref="AotOpenPublishTests"/>.
/// </summary>
[TestFixture]
public sealed class DynamicCodeRefusalTests
{
    private const string Libc = """{ "version": "1", "lib": "libc.so.6", "functions": [ { "name": "abs", "ret": "int", "params": ["int"] } ] }""";

    [Test]
    public void OpenThrowsTheTypedExceptionNamingCompiledBindings() => WithoutDynamicCode.Run(() =>
    {
        var e = Assert.Throws<FfiDynamicCodeException>(() => NativeModule.Open(FfiSpec.Parse(Libc)))!;
        Assert.That(e.Message, Is.EqualTo("NativeModule.Open: this process cannot generate code at run time (NativeAOT, or " +
            "DynamicCodeSupport=false). Ffi.Emit generates code at run time; under NativeAOT use compiled bindings " +
            "(`ffi compile SPEC` or an <FfiBinding> item, see docs/aot.md)."));
        Assert.That(e.Operation, Is.EqualTo("NativeModule.Open"));
        Assert.That(DocText.Read("docs/errors.md"), Does.Contain(e.Message), "docs/errors.md shows the message word for word");
        Assert.That(e, Is.InstanceOf<FfiException>());
    });

    [Test]
    public void EveryWayToOpenAModuleRefusesBeforeLoadingAnything() => WithoutDynamicCode.Run(() =>
    {
        // A library that does not exist: the refusal comes first, not an FfiBindException.
        var missing = FfiSpec.Parse("""{ "version": "1", "lib": "libffi-tests-no-such-library.so", "functions": [] }""");
        Assert.Throws<FfiDynamicCodeException>(() => NativeModule.Open(missing));
        Assert.Throws<FfiDynamicCodeException>(() => NativeModule.Open("libc.so.6", "int abs(int);"));
        // Malformed declarations: still the refusal first, since nothing could be called anyway.
        Assert.Throws<FfiDynamicCodeException>(() => NativeModule.Open("libc.so.6", "int abs(int"));
        Assert.That(NativeModule.TryOpen(FfiSpec.Parse(Libc), out var module, out var error), Is.False);
        Assert.That(module, Is.Null);
        Assert.That(error, Is.InstanceOf<FfiDynamicCodeException>());
    });

    [Test]
    public void TheCoreHalfWorksWithoutDynamicCode() => WithoutDynamicCode.Run(() =>
    {
        var spec = FfiSpec.Parse("""
            { "version": "1", "lib": "libc.so.6",
              "types": { "div_t": { "kind": "struct", "fields": [ { "name": "quot", "type": "int" }, { "name": "rem", "type": "int" } ] } } }
            """);
        using var mem = new FfiMemory(spec.Types, spec.Lib);
        var p = mem.Box("div_t", new { quot = 7, rem = 1 });
        Assert.That((mem.Get(p, "quot"), mem.Get(p, "rem"), spec.Types["div_t"].Size), Is.EqualTo(((object)7, (object)1, 8L)));
    });

    // The attribute on every entry point that emits code or reads the caller's types, with the one message; the
    // analyzers turn it into IL3050/IL2026 at the caller (AotOpenPublishTests sees IL3050 in a real publish).
    [TestCase(typeof(NativeModule), nameof(NativeModule.Open), true)]
    [TestCase(typeof(NativeModule), nameof(NativeModule.TryOpen), true)]
    [TestCase(typeof(NativeModule), nameof(NativeModule.GetFunction), true)]
    [TestCase(typeof(NativeModule), nameof(NativeModule.Invoke), true)]
    [TestCase(typeof(NativeFunction), nameof(NativeFunction.Invoke), false)]
    [TestCase(typeof(NativeFunction), nameof(NativeFunction.InvokeInto), false)]
    [TestCase(typeof(CallbackRegistry), nameof(CallbackRegistry.Register), true)]
    public void RuntimeEntryPointsRequireDynamicCode(Type type, string name, bool readsUserTypes)
    {
        var methods = type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static).Where(m => m.Name == name).ToList();
        Assert.That(methods, Is.Not.Empty);
        foreach (var m in methods)
        {
            Assert.That(m.GetCustomAttribute<RequiresDynamicCodeAttribute>()?.Message, Is.EqualTo(DynamicCode.Message), m.ToString());
            if (readsUserTypes || m.GetParameters().Any(p => p.ParameterType == typeof(object[])))
                Assert.That(m.GetCustomAttribute<RequiresUnreferencedCodeAttribute>()?.Message, Is.EqualTo(DynamicCode.Message), m.ToString());
        }
        Assert.That(DynamicCode.Message, Does.Contain("`ffi compile SPEC`").And.Contain("<FfiBinding>").And.Contain("docs/aot.md"));
    }

    [Test]
    public void FfiCoreDeclaresItselfTrimmableAndFfiEmitDoesNot()
    {
        static string? Trimmable(Assembly a) =>
            a.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(x => x.Key == "IsTrimmable")?.Value;
        Assert.That(Trimmable(typeof(FfiMemory).Assembly), Is.EqualTo("True"));
        Assert.That(Trimmable(typeof(NativeModule).Assembly), Is.Null);
    }
}
