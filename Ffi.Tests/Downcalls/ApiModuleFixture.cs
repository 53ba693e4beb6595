using Ffi.Values;

namespace Ffi.Tests.Downcalls;

/// <summary>A fixture over one module of <see cref="ApiSpec"/>, opened once, with the FfiValue call the tests use.</summary>
public abstract class ApiModuleFixture
{
    /// <summary>The module.</summary>
    protected NativeModule _m = null!;

    [OneTimeSetUp]
    public void Open() => _m = NativeModule.Open(ApiSpec.Parse());

    [OneTimeTearDown]
    public void Close() => _m.Dispose();

    /// <summary>Calls <paramref name="name"/> through <c>Invoke(ReadOnlySpan&lt;FfiValue&gt;)</c>.</summary>
    protected FfiValue Call(string name, params FfiValue[] args) => _m.Function(name).Invoke(args.AsSpan());
}
