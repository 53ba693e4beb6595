namespace Ffi.Tests.Docs;

/// <summary>docs/errors.md: a string for a writable <c>char *</c>, and a callback refused at registration, word for word.</summary>
public sealed partial class ErrorsDocTests
{
    [Test]
    public void AStringForAWritableCharPointerIsRefusedOnEveryPath()
    {
        Expect<FfiBindException>(() => _libc.GetFunction<Func<string, string, nint>>("strcpy"));
        Expect<FfiArgumentException>(() => _libc.Invoke("strcpy", "dest", "text"));
        var buffer = new byte[8];
        Assert.That(_libc.Invoke("strcpy", buffer, "text"), Is.Not.Null, "a buffer passes");
        Assert.That(buffer[..5], Is.EqualTo("text\0"u8.ToArray()));
    }

    [Test]
    public void RegisterRefusesACallbackCCouldNotCall() =>
        Expect<FfiArgumentException>(() => _libc.Callbacks.Register("cmp_fn", (Func<double, nint, int>)((a, b) => 0)));
}
