using Ffi.Spec;

namespace Ffi.Tests.Spec.C;

/// <summary>Real libraries bound from pasted C declarations: the one-line form and calls through it.</summary>
[TestFixture]
public sealed class CDeclaredModuleTests
{
    [Test]
    public void OneLineFormCallsLibc()
    {
        using var libc = NativeModule.Open("libc.so.6", "int abs(int); size_t strlen(const char *s); long labs(long);");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(libc.Invoke("abs", -42), Is.EqualTo(42));
            Assert.That(libc.Invoke("strlen", "héllo"), Is.EqualTo(6UL));
            Assert.That(libc.Invoke("labs", -5_000_000_000L), Is.EqualTo(5_000_000_000L));
        }
    }

    [Test]
    public void ConstCharReturnIsAString()
    {
        using var z = NativeModule.Open("libz.so.1", "const char *zlibVersion(void);");
        Assert.That(z.Invoke("zlibVersion"), Is.InstanceOf<string>().And.StartsWith("1."));
    }

    [Test]
    public void TypedDelegateOverCDeclarations()
    {
        using var libc = NativeModule.Open("libc.so.6", "int abs(int);");
        var abs = libc.GetFunction<Func<int, int>>("abs");
        Assert.That(abs(-7), Is.EqualTo(7));
    }

    [Test]
    public void MalformedDeclarationsNameTheLine()
    {
        var ex = Assert.Throws<FfiSpecException>(() => NativeModule.Open("libc.so.6", "int abs(int)"));
        Assert.That(ex.Message, Does.StartWith("<declarations>:1:13: expected ';' after the declaration of abs, found the end of the input"));
    }
}
