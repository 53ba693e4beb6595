using Ffi.Compile;
using Ffi.Spec;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Ffi.Tests.Compile;

/// <summary>
/// Golden IL of a compiled variadic function, read back from the written assembly. The expected text is written from
/// what the wrapper must do: pack the extras for the registers the fixed part leaves (here <c>quad, quad, long</c> take
/// 5 general registers and <c>dq ×3, double</c> 7 vector ones: one filler of each), call the carrier-signature stub
/// with the fixed arguments, the fillers and the stack image inside a try, free the strings' copies in the finally.
/// </summary>
[TestFixture]
public sealed class CompiledVariadicGoldenTests
{
    private const string Spec = """
        { "version": "1", "lib": "libc.so.6",
          "types": { "quad": { "kind": "struct", "fields": [ {"name":"a","type":"long"}, {"name":"b","type":"long"} ] },
                     "dq": { "kind": "struct", "fields": [ {"name":"a","type":"double"}, {"name":"b","type":"double"} ] } },
          "functions": [ { "name": "vq", "ret": "int", "params": ["quad", "quad", "long", "dq", "dq", "dq", "double"], "variadic": true } ] }
        """;

    private static ModuleDefinition Module() =>
        ModuleDefinition.ReadModule(new MemoryStream(BindingCompiler.Compile(FfiSpec.Parse(Spec), new BindingOptions("Golden")).Assembly));

    [Test]
    public void TheWrapperPacksTheExtrasThenCallsTheCarrierStubAndFreesInAFinally()
    {
        using var m = Module();
        Assert.That(CompiledStubGoldenTests.Il(m, "vq"), Is.EqualTo("""
            0000: ldloca V_0
            0004: ldarg extras
            0008: ldc.i4 1
            000d: ldc.i4 1
            0012: ldstr "vq"
            0017: call System.Void Ffi.Interop.CVarArgFrame::Pack(System.ReadOnlySpan`1<Ffi.CVarArg>,System.Int32,System.Int32,System.String)
            001c: ldarg a0
            0020: ldarg a1
            0024: ldarg a2
            0028: ldarg a3
            002c: ldarg a4
            0030: ldarg a5
            0034: ldarg a6
            0038: ldloca V_0
            003c: ldc.i4 0
            0041: call System.Int64 Ffi.Interop.CVarArgFrame::Integer(System.Int32)
            0046: ldloca V_0
            004a: ldc.i4 0
            004f: call System.Double Ffi.Interop.CVarArgFrame::Sse(System.Int32)
            0054: ldloca V_0
            0058: call Ffi.Interop.CVarArgStack Ffi.Interop.CVarArgFrame::Stack()
            005d: call System.Int32 Golden.Native::<va>vq(Golden.quad,Golden.quad,System.Int64,Golden.dq,Golden.dq,Golden.dq,System.Double,System.Int64,System.Double,Ffi.Interop.CVarArgStack)
            0062: stloc V_1
            0066: leave 0075
            006b: ldloca V_0
            006f: call System.Void Ffi.Interop.CVarArgFrame::Free()
            0074: endfinally
            0075: ldloc V_1
            0079: ret
            """));
        var handler = m.GetType("Golden.Native").Methods.Single(x => x.Name == "vq").Body.ExceptionHandlers.Single();
        Assert.That((handler.HandlerType, handler.TryStart.Offset, handler.TryEnd.Offset, handler.HandlerStart.Offset, handler.HandlerEnd.Offset),
            Is.EqualTo((ExceptionHandlerType.Finally, 0x1c, 0x6b, 0x6b, 0x75)));
    }

    [Test]
    public void TheExtrasParameterIsAParamsSpan()
    {
        using var m = Module();
        var extras = m.GetType("Golden.Native").Methods.Single(x => x.Name == "vq").Parameters[^1];
        Assert.That(extras.ParameterType.FullName, Is.EqualTo("System.ReadOnlySpan`1<Ffi.CVarArg>"));
        Assert.That(extras.CustomAttributes.Select(a => a.AttributeType.FullName), Is.EqualTo(new[] { "System.Runtime.CompilerServices.ParamCollectionAttribute" }));
    }

    [Test]
    public void TheStubCallsTheThunkInTheCellWithTheCConventionAndBindBindsAThunk()
    {
        using var m = Module();
        var stub = CompiledStubGoldenTests.Il(m, "<va>vq");
        Assert.That(stub, Does.Contain("ldsfld System.IntPtr Golden.Native::<fn>vq"));
        // quad ×2 (two general registers each) and long in five general registers, dq ×3 (two vector registers each) and
        // double in seven vector ones, the long and double fillers in the sixth and eighth, the image (256 bytes) last: the
        // frame's CVarArgStack is the whole stack area, so it is passed as it is, not copied into a stack image first.
        Assert.That(stub, Does.Contain("calli C System.Int32(Golden.<Ffi>EightbytesII,Golden.<Ffi>EightbytesII,System.Int64,Golden.<Ffi>EightbytesSS,"
            + "Golden.<Ffi>EightbytesSS,Golden.<Ffi>EightbytesSS,System.Double,System.Int64,System.Double,Ffi.Interop.CVarArgStack)"));
        Assert.That(stub, Does.Not.Contain("StackImage"));
        Assert.That(CompiledStubGoldenTests.Il(m, "<Bind>"), Does.Contain("call System.IntPtr Ffi.Interop.SymbolBinder::VariadicFunction(System.String,System.String)"));
    }
}
