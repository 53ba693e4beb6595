using Ffi.Compile;
using Ffi.Spec;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Ffi.Tests.Compile;

/// <summary>
/// Golden IL of generated function bodies, read back from the written assembly. The expected text is written from
/// what each part must do: bind the cell on first use, push each carrier as the recipe says, <c>calli</c> with the
/// C convention (trivial: unmanaged with the SuppressGCTransition modopt), read errno first thing after the call,
/// check capabilities before anything is marshalled, copy and release a string's UTF-8.
/// </summary>
[TestFixture]
public sealed class CompiledStubGoldenTests
{
    private const string Spec = """
        { "version": "1", "lib": "libc.so.6",
          "types": { "div_t": { "kind": "struct", "fields": [ {"name":"quot","type":"int"}, {"name":"rem","type":"int"} ] } },
          "functions": [
            { "name": "abs", "ret": "int", "params": ["int"] },
            { "name": "div", "ret": "div_t", "params": ["int", "int"] },
            { "name": "unlink", "ret": "int", "params": ["string"], "errno": true, "caps": ["fs"] },
            { "name": "cos", "ret": "double", "params": ["double"], "trivial": true, "lib": "libm.so.6" } ] }
        """;

    private static ModuleDefinition Module() =>
        ModuleDefinition.ReadModule(new MemoryStream(BindingCompiler.Compile(FfiSpec.Parse(Spec), new BindingOptions("Golden")).Assembly));

    // The natural form: the only method of the name, or the one preferred over its span and raw forms.
    internal static string Il(ModuleDefinition m, string name, string ns = "Golden")
    {
        var methods = m.GetType($"{ns}.Native").Methods.Where(x => x.Name == name).ToList();
        var natural = methods.Count == 1 ? methods[0] : methods.Single(x => x.CustomAttributes.Any(a => a.AttributeType.Name == "OverloadResolutionPriorityAttribute"));
        return string.Join("\n", natural.Body.Instructions.Select(Line));
    }

    // Cecil's own text, with the call site's convention spelled out.
    internal static string Line(Instruction i) => i.Operand is CallSite cs
        ? $"{i.Offset:x4}: calli {cs.CallingConvention} {cs.ReturnType.FullName}({string.Join(",", cs.Parameters.Select(p => p.ParameterType.FullName))})"
        : $"{i.Offset:x4}: {i.OpCode}{Operand(i.Operand)}";

    private static string Operand(object? o) => o switch
    {
        null => "",
        Instruction target => $" {target.Offset:x4}",
        Instruction[] targets => " " + string.Join(",", targets.Select(t => t.Offset.ToString("x4"))),
        MemberReference r => " " + r.FullName,
        string s => $" \"{s}\"",
        _ => " " + o,
    };

    [Test]
    public void AScalarFunctionBindsItsCellOnFirstUseThenCallsTheRecipe()
    {
        using var m = Module();
        Assert.That(Il(m, "abs"), Is.EqualTo("""
            0000: ldarg a0
            0004: ldsfld System.IntPtr Golden.Native::<fn>abs
            0009: dup
            000a: brtrue 001a
            000f: pop
            0010: ldc.i4 0
            0015: call System.IntPtr Golden.Native::<Bind>(System.Int32)
            001a: calli C System.Int32(System.Int32)
            001f: stloc V_0
            0023: ldloc V_0
            0027: ret
            """));
    }

    [Test]
    public void AStructInRaxComesBackInTheCopiedEightbyteCarrier()
    {
        using var m = Module();
        Assert.That(Il(m, "div"), Does.EndWith("""
            001e: calli C Golden.<Ffi>EightbytesI(System.Int32,System.Int32)
            0023: stloc V_1
            0027: ldloca V_1
            002b: ldobj Golden.div_t
            0030: stloc V_0
            0034: ldloc V_0
            0038: ret
            """));
        var carrier = m.GetType("Golden.<Ffi>EightbytesI");
        Assert.That(carrier.IsPublic, Is.False);
        Assert.That(carrier.Fields.Select(f => $"{f.FieldType.FullName} {f.Name}"), Is.EqualTo(new[] { "System.Int64 A" }));
    }

    [Test]
    public void AGatedStringFunctionWithErrnoChecksFirstCopiesCallsReadsErrnoThenReleases()
    {
        using var m = Module();
        Assert.That(Il(m, "unlink"), Is.EqualTo("""
            0000: ldsfld Ffi.Interop.CapabilityGate Golden.Native::Capabilities
            0005: ldc.i8 1
            000e: ldstr "unlink"
            0013: callvirt System.Void Ffi.Interop.CapabilityGate::Demand(System.Int64,System.String)
            0018: ldc.i4 128
            001d: conv.u
            001e: localloc
            0020: stloc V_0
            0024: ldarg a0
            0028: ldloc V_0
            002c: call System.IntPtr Ffi.Interop.Utf8Marshal::Utf8(System.String,System.Byte*)
            0031: stloc V_1
            0035: ldloc V_1
            0039: ldsfld System.IntPtr Golden.Native::<fn>unlink
            003e: dup
            003f: brtrue 004f
            0044: pop
            0045: ldc.i4 2
            004a: call System.IntPtr Golden.Native::<Bind>(System.Int32)
            004f: calli C System.Int32(System.IntPtr)
            0054: call System.Int32 System.Runtime.InteropServices.Marshal::GetLastSystemError()
            0059: call System.Void Ffi.Native.LastErrno::Set(System.Int32)
            005e: stloc V_2
            0062: ldloc V_1
            0066: ldloc V_0
            006a: call System.Void Ffi.Interop.Utf8Marshal::Release(System.IntPtr,System.Byte*)
            006f: ldloc V_2
            0073: ret
            """));
    }

    [Test]
    public void ATrivialFunctionCallsWithoutTheGcTransition()
    {
        using var m = Module();
        Assert.That(Il(m, "cos"), Does.Contain(
            "001a: calli Unmanaged System.Double modopt(System.Runtime.CompilerServices.CallConvCdecl) modopt(System.Runtime.CompilerServices.CallConvSuppressGCTransition)(System.Double)"));
    }

    [Test]
    public void BindSwitchesOverTheFunctionsEachWithItsOwnLibrary()
    {
        using var m = Module();
        var bind = Il(m, "<Bind>");
        Assert.That(bind, Does.StartWith("""
            0000: ldarg.0
            0001: switch 0021,0037,004d,0063
            0016: ldstr "id"
            001b: newobj System.Void System.ArgumentOutOfRangeException::.ctor(System.String)
            0020: throw
            0021: ldstr "libc.so.6"
            0026: ldstr "abs"
            002b: call System.IntPtr Ffi.Interop.SymbolBinder::Function(System.String,System.String)
            0030: dup
            0031: stsfld System.IntPtr Golden.Native::<fn>abs
            0036: ret
            """));
        Assert.That(bind, Does.Contain("0063: ldstr \"libm.so.6\"\n0068: ldstr \"cos\""));
    }
}
