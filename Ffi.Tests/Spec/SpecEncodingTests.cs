using System.Text;
using Ffi.Spec;

namespace Ffi.Tests.Spec;

/// <summary>How spec bytes are decoded: UTF-8, with an optional byte order mark.</summary>
[TestFixture]
public sealed class SpecEncodingTests
{
    [Test]
    public void AUtf8ByteOrderMarkIsAccepted()
    {
        var json = """{"version": "1", "lib": "libc.so.6", "types": {"über": "int"}}""";
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes(json)).ToArray();
        var spec = FfiSpec.Parse(bytes);
        Assert.That(spec.Types["über"].Size, Is.EqualTo(4));
        var path = Path.Combine(TestContext.CurrentContext.WorkDirectory, "bom-spec.json");
        File.WriteAllBytes(path, bytes);
        Assert.That(FfiSpec.Load(path).Lib, Is.EqualTo("libc.so.6"));
    }

    [Test]
    public void ABomInTheMiddleIsStillInvalid()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"version": "1", """).Concat(new byte[] { 0xEF, 0xBB, 0xBF }).Concat(Encoding.UTF8.GetBytes("""  "lib": "x"}""")).ToArray();
        var ex = Assert.Throws<FfiSpecException>(() => FfiSpec.Parse(bytes));
        Assert.That(ex!.Message, Does.StartWith("$: invalid JSON"));
    }
}
