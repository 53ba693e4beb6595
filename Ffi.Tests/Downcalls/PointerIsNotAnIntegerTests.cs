using Ffi.Memory;
using Ffi.Spec;
using Ffi.Values;

namespace Ffi.Tests.Downcalls;

/// <summary>
/// Regressions: a pointer or null passed for an integer parameter was taken as its address (<c>abs(NativePointer 5)</c>
/// returned 5, <c>abs(null)</c> returned 0); a released box passed for a pointer on the object path reached C.
/// </summary>
[TestFixture]
public sealed class PointerIsNotAnIntegerTests
{
    private const string Spec = """
        { "version": "1", "lib": "libc.so.6", "types": {},
          "functions": [ { "name": "abs", "ret": "int", "params": ["int"] },
                         { "name": "strlen", "ret": "size_t", "params": ["string"] } ] }
        """;

    [Test]
    public void APointerOrNullForAnIntegerIsRefusedOnEveryDynamicPath()
    {
        using var m = NativeModule.Open(FfiSpec.Parse(Spec));
        var p = NativePointer.FromAddress(5);
        Assert.Multiple(() =>
        {
            Assert.That(() => m.Invoke("abs", p), Throws.TypeOf<FfiArgumentException>());
            Assert.That(() => m.Invoke("abs", new object?[] { null }), Throws.TypeOf<FfiArgumentException>());
            Assert.That(() => m.Function("abs").Invoke([FfiValue.FromPointer(p)]), Throws.TypeOf<FfiArgumentException>());
            Assert.That(() => m.Function("abs").Invoke([FfiValue.Null]), Throws.TypeOf<FfiArgumentException>());
            Assert.That(m.Invoke("abs", (nint)(-5)), Is.EqualTo(5), "an nint is an integer");
            Assert.That(m.Function("abs").Invoke([(nint)(-6)]).ToInt64(), Is.EqualTo(6));
        });
    }

    [Test]
    public void AReleasedBoxIsRefusedOnTheObjectPath()
    {
        using var m = NativeModule.Open(FfiSpec.Parse(Spec));
        var text = m.Memory.Calloc(16, 1);
        m.Memory.Free(text);
        Assert.That(() => m.Invoke("strlen", text), Throws.InstanceOf<FfiException>());
    }
}
