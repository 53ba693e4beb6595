using Ffi.Compile.FunctionEmit;
using Ffi.Compile.Il;
using Ffi.Compile.TypeEmit;
using Ffi.Shapes;
using Ffi.Spec;
using Mono.Cecil;

namespace Ffi.Compile.CallbackEmit;

/// <summary>
/// The second phase of compiled callbacks: every pool's trampolines, publish switch and static constructor
/// (<see cref="TrampolineWriter"/>), and the public <c>Callbacks.Register</c> overloads. The delegate overloads of the
/// functions are written with the functions (<see cref="CallbackOverload"/>).
/// </summary>
internal static class CallbackEmitter
{
    public static void DefineAll(GeneratedTypes g, CecilOperands operands, LoadedTypes loaded, TypeDefinition native, CallbackPools pools, FfiSpec spec)
    {
        var shapes = new CallShapes(spec.Lib);
        TrampolineWriter.WriteAll(g, operands, loaded, pools, shapes);
        pools.DefineRegistrations(g, operands, native);
    }
}
