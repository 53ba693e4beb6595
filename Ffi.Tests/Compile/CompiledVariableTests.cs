using Ffi.Compile;
using Ffi.Spec;
using Ffi.Tests.Oracle;

namespace Ffi.Tests.Compile;

/// <summary>
/// Global variables as static properties of compiled bindings, on a library gcc compiles: user C# reads and writes
/// them in place (C sees the writes), a struct variable as its generated type, a gated one only once granted, and a
/// missing symbol throws <see cref="FfiBindException"/> at first use, naming library and symbol.
/// </summary>
[TestFixture]
public sealed class CompiledVariableTests
{
    private const string C = """
        struct point { int x, y; };
        int counter = 41;
        struct point origin = { 3, 4 };
        double ratio = 0.5;
        int read_counter(void) { return counter; }
        int sum_origin(void) { return origin.x + origin.y; }
        """;

    private static byte[] Bindings() => BindingCompiler.Compile(FfiSpec.Parse($$"""
        { "version": "1", "lib": "{{Gcc.Compile(C, "variables", "-shared -fPIC")}}",
          "types": { "point": { "kind": "struct", "fields": [ {"name":"x","type":"int"}, {"name":"y","type":"int"} ] } },
          "functions": [ { "name": "read_counter", "ret": "int", "params": [] }, { "name": "sum_origin", "ret": "int", "params": [] } ],
          "variables": [
            { "name": "counter", "type": "int" },
            { "name": "origin", "type": "point" },
            { "name": "ratio", "type": "double", "caps": ["math"] },
            { "name": "ffi_no_such_variable", "type": "int" } ] }
        """), new BindingOptions("Vars")).Assembly;

    [Test]
    public void UserCodeReadsAndWritesVariablesInPlace()
    {
        var output = UserProgram.Run("""
            using Vars;
            public static class User
            {
                public static string Run()
                {
                    int before = Native.counter;
                    Native.counter = 100;
                    var o = Native.origin;
                    Native.origin = new point { x = 10, y = 20 };
                    string refused;
                    try { refused = Native.ratio.ToString(); } catch (Ffi.FfiCapabilityDeniedException e) { refused = e.Capability; }
                    Native.Capabilities.Grant("math");
                    Native.ratio = Native.ratio * 3;
                    string missing;
                    try { missing = Native.ffi_no_such_variable.ToString(); } catch (Ffi.FfiBindException e) { missing = e.Symbol!; }
                    return $"{before} {Native.read_counter()} {o.x},{o.y} {Native.sum_origin()} {refused} {Native.ratio} {missing}";
                }
            }
            """, Bindings());
        Assert.That(output, Is.EqualTo("41 100 3,4 30 math 1.5 ffi_no_such_variable"));
    }
}
