namespace Ffi.Tests.Cli;

/// <summary>
/// <c>ffi call</c> and <c>ffi batch</c> refuse a JSON string for a writable <c>char *</c> as the engine does (C would
/// write into the temporary copy), and still pass one for <c>const char *</c>.
/// </summary>
[TestFixture]
public sealed class WritableStringCliTests
{
    private string _dir = null!;

    [SetUp]
    public void CreateDir() => _dir = Directory.CreateTempSubdirectory("ffi-wstr-").FullName;

    [TearDown]
    public void RemoveDir() => Directory.Delete(_dir, recursive: true);

    private string Header()
    {
        var path = Path.Combine(_dir, "str.h");
        File.WriteAllText(path, "char *strcpy(char *dest, const char *src);\nunsigned long strlen(const char *s);\n");
        return path;
    }

    [Test]
    public void CallRefusesAStringForCharDestAndNamesTheFix()
    {
        var (code, _, err) = InProcessCli.Run([ "call", Header(), "--lib", "libc.so.6", "strcpy", "\"dest\"", "\"text\"" ]);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(err, Does.Contain("strcpy: param[0] (char*): String for char*: a string is only passed for a const char pointer"));
        Assert.That(err, Does.Contain("declare it const char* / \"string\", or pass a buffer"));
        var ok = InProcessCli.Run([ "call", Header(), "--lib", "libc.so.6", "strlen", "\"abc\"" ]);
        Assert.That((ok.Code, ok.Out.Trim()), Is.EqualTo((0, "3")), ok.Err);
    }

    [Test]
    public void BatchReportsTheRefusalAndGoesOn()
    {
        var (code, stdout, err) = InProcessCli.Run([ "batch", Header(), "--lib", "libc.so.6" ],
            "{\"fn\":\"strcpy\",\"args\":[\"dest\",\"text\"]}\n{\"fn\":\"strlen\",\"args\":[\"abcd\"]}\n");
        var lines = stdout.Trim().Split('\n');
        Assert.That(lines, Has.Length.EqualTo(2), err);
        Assert.That(lines[0], Does.Contain("\"ok\":false").And.Contains("a string is only passed for a const char pointer"));
        Assert.That(lines[1], Does.Contain("\"ok\":true").And.Contains("\"ret\":4"));
    }
}
