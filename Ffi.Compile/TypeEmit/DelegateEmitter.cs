using Ffi.Types;
using Mono.Cecil;
using ArrayType = Ffi.Types.ArrayType;
using PointerType = Ffi.Types.PointerType;

namespace Ffi.Compile.TypeEmit;

/// <summary>
/// A named function pointer type as a delegate type with the same signature in the CLR types of
/// <see cref="GeneratedTypes"/>: <c>int (*compare)(const void *, const void *)</c> → <c>delegate int compare(void* a0, void* a1)</c>.
/// Only the type: the trampolines that turn one into a C function pointer come with the compiled stubs.
/// </summary>
internal static class DelegateEmitter
{
    public static TypeDefinition Define(GeneratedTypes g, FuncPtrType f, string clrName, string path)
    {
        if (f.IsVariadic)
            throw new FfiCompileException(path, $"{f.DisplayName} is variadic; a delegate cannot take C's variable arguments, so it has no delegate type (declare the fixed parameters only, or use a pointer)");
        var ts = g.Module.TypeSystem;
        var t = g.DefineTop(clrName, path, TypeAttributes.Public | TypeAttributes.Sealed, g.Bcl.MulticastDelegate);
        const MethodAttributes Method = MethodAttributes.Public | MethodAttributes.HideBySig;

        var ctor = new MethodDefinition(".ctor", Method | MethodAttributes.SpecialName | MethodAttributes.RTSpecialName, ts.Void)
        {
            ImplAttributes = MethodImplAttributes.Runtime | MethodImplAttributes.Managed,
        };
        ctor.Parameters.Add(new ParameterDefinition("object", ParameterAttributes.None, ts.Object));
        ctor.Parameters.Add(new ParameterDefinition("method", ParameterAttributes.None, ts.IntPtr));
        t.Methods.Add(ctor);

        var invoke = new MethodDefinition("Invoke", Method | MethodAttributes.NewSlot | MethodAttributes.Virtual, g.ReturnOf(f.Return, new Place(path + ".ret")))
        {
            ImplAttributes = MethodImplAttributes.Runtime | MethodImplAttributes.Managed,
        };
        for (int i = 0; i < f.Parameters.Count; i++)
            invoke.Parameters.Add(new ParameterDefinition($"a{i}", ParameterAttributes.None, g.ValueOf(f.Parameters[i], new Place($"{path}.params[{i}]"))));
        t.Methods.Add(invoke);
        g.Docs.Type(t, DocFile.Summary(f.Doc, $"C function pointer type <c>{GeneratedTypes.Xml(f.DisplayName)}</c>."));
        return t;
    }
}
