using System.Reflection.Emit;
using System.Runtime.Loader;
using Ffi.Compile;
using Ffi.Compile.Il;
using Ffi.Il;
using Mono.Cecil;

namespace Ffi.Tests.Compile;

/// <summary>
/// The IL writer's Cecil sink on its own: one emitter (labels, a switch, locals, a try/catch, BCL operands) written
/// through the <c>DynamicMethod</c> sink and the Cecil sink gives the same listing, and both methods compute the same.
/// </summary>
[TestFixture]
public sealed class CecilWriterTests
{
    // int F(int x) { int r; try { switch (x) { case 0: r = 10 / x; break; case 1: r = 11; break; default: r = x * 2; break; } }
    //               catch (DivideByZeroException) { r = -1; } return r; }
    private static void Emit(IlWriter il)
    {
        var r = il.DeclareLocal(typeof(int));
        var zero = il.DefineLabel();
        var one = il.DefineLabel();
        var done = il.DefineLabel();
        il.BeginExceptionBlock();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Switch, [zero, one]);
        il.Emit(OpCodes.Ldarg, 0);
        il.Emit(OpCodes.Ldc_I4, 2);
        il.Emit(OpCodes.Mul);
        il.Emit(OpCodes.Stloc, r);
        il.Emit(OpCodes.Br, done);
        il.MarkLabel(zero);
        il.Emit(OpCodes.Ldc_I4, 10);
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Div);
        il.Emit(OpCodes.Stloc, r);
        il.Emit(OpCodes.Br, done);
        il.MarkLabel(one);
        il.Emit(OpCodes.Ldc_I4, 11);
        il.Emit(OpCodes.Stloc, r);
        il.MarkLabel(done);
        il.Emit(OpCodes.Nop);
        il.BeginCatchBlock(typeof(DivideByZeroException));
        il.Emit(OpCodes.Pop);
        il.Emit(OpCodes.Ldc_I4, -1);
        il.Emit(OpCodes.Stloc, r);
        il.EndExceptionBlock();
        il.Emit(OpCodes.Ldloc, r);
        il.Emit(OpCodes.Ret);
    }

    [Test]
    public void BothSinksGiveTheSameListingAndTheSameResults()
    {
        var dm = new DynamicMethod("F", typeof(int), [typeof(int)]);
        var runtime = new IlListing(new GeneratorWriter(dm.GetILGenerator()));
        Emit(runtime);
        var f = dm.CreateDelegate<Func<int, int>>();

        using var assembly = AssemblyDefinition.CreateAssembly(new AssemblyNameDefinition("WriterProbe", new Version(1, 0)), "WriterProbe.dll", ModuleKind.Dll);
        var module = assembly.MainModule;
        var bcl = new BclReferences(module);
        var type = new TypeDefinition("Probe", "C", TypeAttributes.Public | TypeAttributes.Abstract | TypeAttributes.Sealed, module.TypeSystem.Object);
        module.Types.Add(type);
        var method = new MethodDefinition("F", MethodAttributes.Public | MethodAttributes.Static, module.TypeSystem.Int32);
        method.Parameters.Add(new ParameterDefinition("x", ParameterAttributes.None, module.TypeSystem.Int32));
        type.Methods.Add(method);
        var cecil = new CecilWriter(method, new CecilOperands(module, null, new CarrierCopies(module, "Probe", bcl.ValueType)));
        var compiled = new IlListing(cecil);
        Emit(compiled);
        cecil.Finish();
        using var pe = new MemoryStream();
        assembly.Write(pe);

        Assert.That(compiled.ToString(), Is.EqualTo(runtime.ToString()));
        Assert.That(method.Body.ExceptionHandlers.Single().CatchType.FullName, Is.EqualTo("System.DivideByZeroException"));
        var context = new AssemblyLoadContext("writer-probe", isCollectible: true);
        try
        {
            var g = context.LoadFromStream(new MemoryStream(pe.ToArray())).GetType("Probe.C")!.GetMethod("F")!.CreateDelegate<Func<int, int>>();
            foreach (var x in new[] { 0, 1, 2, 21, -4 }) Assert.That(g(x), Is.EqualTo(f(x)), $"F({x})");
            Assert.That(new[] { g(0), g(1), g(21) }, Is.EqualTo(new[] { -1, 11, 42 }));
        }
        finally
        {
            context.Unload();
        }
    }

    [Test]
    public void ALabelNeverMarkedIsAnErrorNotABadBranch()
    {
        using var assembly = AssemblyDefinition.CreateAssembly(new AssemblyNameDefinition("WriterProbe2", new Version(1, 0)), "WriterProbe2.dll", ModuleKind.Dll);
        var module = assembly.MainModule;
        var bcl = new BclReferences(module);
        var method = new MethodDefinition("F", MethodAttributes.Public | MethodAttributes.Static, module.TypeSystem.Void);
        var cecil = new CecilWriter(method, new CecilOperands(module, null, new CarrierCopies(module, "Probe", bcl.ValueType)));
        cecil.Emit(OpCodes.Br, cecil.DefineLabel());
        cecil.Emit(OpCodes.Ret);
        Assert.That(cecil.Finish, Throws.InvalidOperationException.With.Message.Contains("never marked"));
    }
}
