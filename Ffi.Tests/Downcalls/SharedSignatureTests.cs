using Ffi.Spec;
using Ffi.Values;

namespace Ffi.Tests.Downcalls;

/// <summary>
/// Functions of one signature declared in a row share their parameter list, and a module binds the next one from the
/// previous one's mapping, stub and preparation (cold start). What differs between them must still count: errno
/// capture, capability gates, the address, the name in messages. Real libc: dup, close and fsync are all
/// <c>int (int)</c>, and each sets errno to EBADF (9) for the descriptor -1.
/// </summary>
public class SharedSignatureTests
{
    private const int Ebadf = 9;

    private static FfiSpec Spec(string close, string dup) => FfiSpec.Parse($$"""
        { "version": "1", "lib": "libc.so.6", "functions": [
          { "name": "dup", "ret": "int", "params": ["int"]{{dup}} },
          { "name": "close", "ret": "int", "params": ["int"]{{close}} },
          { "name": "fsync", "ret": "int", "params": ["int"] }
        ] }
        """);

    private static readonly string[] Apis = ["typed", "values", "objects"];

    private static int Call(NativeModule m, string api, string name, int fd) => api switch
    {
        "typed" => m.GetFunction<Func<int, int>>(name)(fd),
        "values" => (int)m.Function(name).Invoke([fd]).ToInt64(),
        _ => (int)m.Function(name).Invoke(fd)!,
    };

    [TestCaseSource(nameof(Apis))]
    public void ErrnoCaptureIsEachFunctionsOwn(string api)
    {
        var spec = Spec(close: ", \"errno\": true", dup: "");
        Assert.That(spec.Functions[0].ParameterTypes, Is.SameAs(spec.Functions[1].ParameterTypes), "the reader shares the list");
        using var m = NativeModule.Open(spec);
        global::Ffi.Native.LastErrno.Set(0);
        Assert.That(Call(m, api, "dup", -1), Is.EqualTo(-1));
        Assert.That(NativeModule.LastErrno, Is.Zero, "dup does not capture errno");
        Assert.That(Call(m, api, "close", -1), Is.EqualTo(-1));
        Assert.That(NativeModule.LastErrno, Is.EqualTo(Ebadf), "close does, though dup was bound just before it");
        global::Ffi.Native.LastErrno.Set(0);
        Assert.That(Call(m, api, "fsync", -1), Is.EqualTo(-1));
        Assert.That(NativeModule.LastErrno, Is.Zero, "fsync does not, though close was bound just before it");
    }

    [TestCaseSource(nameof(Apis))]
    public void AGateIsEachFunctionsOwn(string api)
    {
        using var m = NativeModule.Open(Spec(close: ", \"caps\": [\"fs\"]", dup: ""));
        Assert.That(Call(m, api, "dup", -1), Is.EqualTo(-1));
        Assert.That(() => Call(m, api, "close", -1), Throws.TypeOf<FfiCapabilityDeniedException>().With.Message.Contains("close"));
        Assert.That(Call(m, api, "fsync", -1), Is.EqualTo(-1));
    }

    [TestCaseSource(nameof(Apis))]
    public void EachFunctionCallsItsOwnAddress(string api)
    {
        // dup of a valid descriptor returns a new one; close of it returns 0; fsync of a closed one fails.
        using var m = NativeModule.Open(Spec(close: "", dup: ""));
        int fd = Call(m, api, "dup", 1);
        Assert.That(fd, Is.GreaterThan(2));
        Assert.That(Call(m, api, "close", fd), Is.Zero);
        Assert.That(Call(m, api, "fsync", fd), Is.EqualTo(-1));
    }

    [Test]
    public void AnUnknownTypeInASharedSignatureIsReportedAtItsParameter()
    {
        Assert.That(() => FfiSpec.Parse("""
            { "version": "1", "lib": "libc.so.6", "functions": [
              { "name": "a", "ret": "int", "params": ["int", "int"] },
              { "name": "b", "ret": "int", "params": ["int", "nosuch"] },
              { "name": "c", "ret": "nosuch", "params": [] }
            ] }
            """), Throws.TypeOf<FfiSpecException>().With.Message.StartsWith("functions[1] (b): param[1]: unknown type \"nosuch\""));
        Assert.That(() => FfiSpec.Parse("""
            { "version": "1", "lib": "libc.so.6", "functions": [
              { "name": "c", "ret": "nosuch", "params": [] }
            ] }
            """), Throws.TypeOf<FfiSpecException>().With.Message.StartsWith("functions[0] (c): ret: unknown type \"nosuch\""));
        Assert.That(() => FfiSpec.Parse("""
            { "version": "1", "lib": "libc.so.6", "functions": [
              { "name": "v", "ret": "int", "params": ["int", "void"] }
            ] }
            """), Throws.TypeOf<FfiSpecException>().With.Message.StartsWith("functions[0] (v): param[1]: void is not a parameter type"));
    }
}
