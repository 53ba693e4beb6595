using Ffi.Compile;
using Ffi.Spec;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Ffi.Tests.Compile;

/// <summary>
/// Golden IL of compiled callbacks, read back from the written assembly: a trampoline (its own delegate field, the
/// stale check, the "something failed" flag, the delegate invoked inside try/catch, the failure recorded with its
/// slot, read from its field only there, and zero returned) and a function's delegate overload (enter, lease inside a
/// fault block, call the raw form, release, exit); and what makes them AOT-safe: <c>[UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]</c>
/// on every trampoline, addresses by <c>ldftn</c>, only the reference pack and <c>Ffi.Core</c> referenced.
/// </summary>
[TestFixture]
public sealed class CompiledCallbackGoldenTests
{
    private const string Spec = """
        { "version": "1", "lib": "libc.so.6",
          "types": { "cmp_fn": { "kind": "funcptr", "ret": "int", "params": ["pointer", "pointer"] } },
          "functions": [ { "name": "qsort", "ret": "void", "params": ["pointer", "size_t", "size_t", "cmp_fn"] } ] }
        """;

    private static ModuleDefinition Module(int slots = 2) =>
        ModuleDefinition.ReadModule(new MemoryStream(BindingCompiler.Compile(FfiSpec.Parse(Spec), new BindingOptions("Golden") { CallbackSlots = slots }).Assembly));

    private static TypeDefinition Pool(ModuleDefinition m) => m.GetType("Golden.Native").NestedTypes.Single(t => t.Name == "<Callbacks>cmp_fn");

    private static string Il(MethodDefinition method) => string.Join("\n", method.Body.Instructions.Select(i => $"{i.Offset:x4}: {i.OpCode}{Operand(i.Operand)}"))
        + string.Concat(method.Body.ExceptionHandlers.Select(h => $"\n{h.HandlerType} {h.TryStart.Offset:x4}-{h.TryEnd.Offset:x4} handler {h.HandlerStart.Offset:x4}-{h.HandlerEnd.Offset:x4}"));

    private static string Operand(object? o) => o switch
    {
        null => "",
        Instruction target => $" {target.Offset:x4}",
        Instruction[] targets => " " + string.Join(",", targets.Select(t => t.Offset.ToString("x4"))),
        MemberReference r => " " + r.FullName,
        VariableDefinition v => " V" + v.Index,
        ParameterDefinition p => " " + p.Name,
        string s => $" \"{s}\"",
        _ => " " + o,
    };

    [Test]
    public void ATrampolineReadsItsDelegateInvokesItInsideTryAndRecordsAFailureWithItsSlot()
    {
        using var m = Module();
        Assert.That(Il(Pool(m).Methods.Single(x => x.Name == "T1")), Is.EqualTo("""
            0000: volatile.
            0002: ldsfld Golden.cmp_fn Golden.Native/<Callbacks>cmp_fn::D1
            0007: stloc V0
            000b: ldloc V0
            000f: brfalse 0068
            0014: ldsfld System.Int32 Ffi.Interop.CallbackCalls::Failing
            0019: brtrue 0077
            001e: ldloc V0
            0022: ldarga a0
            0026: ldobj System.IntPtr
            002b: ldarga a1
            002f: ldobj System.IntPtr
            0034: callvirt System.Int32 Golden.cmp_fn::Invoke(System.Void*,System.Void*)
            0039: stloc V1
            003d: leave 0063
            0042: stloc V2
            0046: ldsfld Ffi.Interop.TrampolineSlot Golden.Native/<Callbacks>cmp_fn::S1
            004b: ldloc V2
            004f: call System.Void Ffi.Interop.CallbackCalls::Fail(Ffi.Interop.TrampolineSlot,System.Exception)
            0054: ldloca V1
            0058: initobj System.Int32
            005e: leave 0063
            0063: ldloc V1
            0067: ret
            0068: ldsfld Ffi.Interop.TrampolineSlot Golden.Native/<Callbacks>cmp_fn::S1
            006d: call System.Void Ffi.Interop.CallbackCalls::Stale(Ffi.Interop.TrampolineSlot)
            0072: br 0086
            0077: ldsfld Ffi.Interop.TrampolineSlot Golden.Native/<Callbacks>cmp_fn::S1
            007c: call System.Boolean Ffi.Interop.CallbackCalls::ShouldSkip(Ffi.Interop.TrampolineSlot)
            0081: brfalse 001e
            0086: ldloca V1
            008a: initobj System.Int32
            0090: br 0063
            Catch 001e-0042 handler 0042-0063
            """));
    }

    [Test]
    public void TheDelegateOverloadLeasesInsideAFaultBlockCallsTheRawFormReleasesAndExits()
    {
        using var m = Module();
        var overload = m.GetType("Golden.Native").Methods.Single(x => x.Name == "qsort" && x.Parameters[3].ParameterType.Name == "cmp_fn");
        Assert.That(Il(overload), Is.EqualTo("""
            0000: call Ffi.Interop.CallbackCall Ffi.Interop.CallbackCalls::Enter()
            0005: stloc V0
            0009: ldsfld Ffi.Interop.CallbackSlots Golden.Native/<Callbacks>cmp_fn::Pool
            000e: ldarg a3
            0012: ldloc V0
            0016: callvirt Ffi.Interop.TrampolineSlot Ffi.Interop.CallbackSlots::Lease(System.Delegate,Ffi.Interop.CallbackCall)
            001b: stloc V1
            001f: ldarg a0
            0023: ldarg a1
            0027: ldarg a2
            002b: ldloc V1
            002f: call System.IntPtr Ffi.Interop.CallbackSlots::AddressOf(Ffi.Interop.TrampolineSlot)
            0034: call System.Void Golden.Native::qsort(System.Void*,System.UInt64,System.UInt64,System.IntPtr)
            0039: leave 0051
            003e: ldloc V1
            0042: call System.Void Ffi.Interop.CallbackSlots::ReleaseTransient(Ffi.Interop.TrampolineSlot)
            0047: ldloc V0
            004b: call System.Void Ffi.Interop.CallbackCalls::Abandon(Ffi.Interop.CallbackCall)
            0050: endfinally
            0051: ldloc V1
            0055: call System.Void Ffi.Interop.CallbackSlots::ReleaseTransient(Ffi.Interop.TrampolineSlot)
            005a: ldloc V0
            005e: ldstr "qsort"
            0063: call System.Void Ffi.Interop.CallbackCalls::Exit(Ffi.Interop.CallbackCall,System.String)
            0068: ret
            Fault 0009-003e handler 003e-0051
            """));
    }

    [Test]
    public void ThePoolHasTheCompiledNumberOfTrampolinesEachUnmanagedCallersOnlyCdeclWithItsAddressByLdftn()
    {
        using var m = Module(slots: 5);
        var pool = Pool(m);
        var trampolines = pool.Methods.Where(x => x.Name.StartsWith('T')).ToList();
        Assert.That(trampolines.Select(t => t.Name), Is.EqualTo(new[] { "T0", "T1", "T2", "T3", "T4" }));
        foreach (var t in trampolines)
        {
            var uco = t.CustomAttributes.Single();
            Assert.That(uco.AttributeType.FullName, Is.EqualTo("System.Runtime.InteropServices.UnmanagedCallersOnlyAttribute"));
            Assert.That(uco.AttributeType.Scope.Name, Is.EqualTo("System.Runtime.InteropServices"));
            var callConvs = uco.Fields.Single();
            Assert.That(callConvs.Name, Is.EqualTo("CallConvs"));
            var types = (CustomAttributeArgument[])callConvs.Argument.Value;
            Assert.That(types.Select(a => ((TypeReference)a.Value).FullName), Is.EqualTo(new[] { "System.Runtime.CompilerServices.CallConvCdecl" }));
            Assert.That(t.IsStatic && !t.DeclaringType.HasGenericParameters, Is.True);
        }
        var cctor = pool.Methods.Single(x => x.Name == ".cctor");
        Assert.That(cctor.Body.Instructions.Where(i => i.OpCode == OpCodes.Ldftn).Select(i => ((MethodReference)i.Operand).Name),
            Is.EqualTo(new[] { "Publish", "T0", "T1", "T2", "T3", "T4" }));
        Assert.That(pool.Fields.Count(f => f.Name.StartsWith('S')), Is.EqualTo(5));
        Assert.That(pool.Fields.Count(f => f.Name.StartsWith('D')), Is.EqualTo(5));
    }

    [Test]
    public void NothingGeneratedNeedsDynamicCodeOrReflection()
    {
        using var m = Module();
        Assert.That(m.AssemblyReferences.Select(r => r.Name).Order(), Is.EqualTo(new[] { "Ffi.Core", "System.Runtime", "System.Runtime.InteropServices" }));
        var used = m.Types.SelectMany(Nested).SelectMany(t => t.Methods).Where(x => x.HasBody).SelectMany(x => x.Body.Instructions)
            .Select(i => i.Operand).OfType<MemberReference>().Select(r => r.FullName).ToList();
        Assert.That(used, Has.None.Contains("System.Reflection"));
        Assert.That(used, Has.None.Contains("GetFunctionPointerForDelegate"));
        Assert.That(used, Has.None.Contains("Ffi.Emit"));
    }

    [Test]
    public void ACallbackSlotCountOutOfRangeIsRefusedNamingTheOption()
    {
        foreach (int slots in new[] { 0, -1, BindingOptions.MaxCallbackSlots + 1 })
        {
            var e = Assert.Throws<FfiCompileException>(() => BindingCompiler.Compile(FfiSpec.Parse(Spec), new BindingOptions("Golden") { CallbackSlots = slots }));
            Assert.That(e!.Subject, Is.EqualTo("--callback-slots"));
            Assert.That(e.Message, Does.Contain($"{slots} callback slots").And.Contain("1 to 4096"));
        }
    }

    private static IEnumerable<TypeDefinition> Nested(TypeDefinition t) => t.NestedTypes.SelectMany(Nested).Prepend(t);
}
