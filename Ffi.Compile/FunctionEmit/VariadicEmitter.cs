using Ffi.Binding;
using Ffi.Compile.Il;
using Ffi.Compile.TypeEmit;
using Ffi.Downcalls;
using Ffi.Il;
using Ffi.Interop;
using Ffi.Marshallers;
using Ffi.Shapes;
using Ffi.Spec;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Ffi.Compile.FunctionEmit;

/// <summary>
/// A variadic function as two methods, with no code generation at run time: the public one takes the fixed parameters
/// and <c>params ReadOnlySpan&lt;CVarArg&gt; extras</c>, packs the extras (<see cref="CVarArgFrame.Pack"/>) and calls the
/// private <c>&lt;va&gt;NAME</c>, whose signature is the one fixed call shape of <see cref="VariadicCarrierSignature"/>
/// (fixed parameters, <c>long</c> and <c>double</c> fillers, the stack image) and whose body is the run-time typed
/// stub's (<see cref="TypedStub.EmitBody"/>: the same marshallers, plan and recipe), calling the function's
/// <c>%al</c> thunk that <c>&lt;Bind&gt;</c> put in its cell.
/// <code>
/// public static int printf(string a0, params ReadOnlySpan&lt;CVarArg&gt; extras)
/// {
///     CVarArgFrame f = default;
///     f.Pack(extras, 5, 8, "printf");             // the registers the fixed part leaves, from the plan
///     try { return &lt;va&gt;printf(a0, f.Integer(0), …, f.Integer(4), f.Sse(0), …, f.Sse(7), f.Stack()); }
///     finally { f.Free(); }                       // the strings' UTF-8 copies
/// }
/// </code>
/// A gated function's capability check and errno capture are the stub's, as for any function; so a denied call packs
/// (and frees) its extras first.
/// </summary>
internal static class VariadicEmitter
{
    /// <summary>Writes both methods; the public one is named <paramref name="name"/>.</summary>
    /// <exception cref="FfiCompileException">The fixed part cannot be planned, or its plan does not pass the extras where C's caller does.</exception>
    public static MethodDefinition Define(CecilOperands operands, TypeDefinition native, CallShapes shapes, FunctionSpec f, string name,
        System.Type ret, System.Type[] parameters, List<DowncallArgument> bound, ArgumentMarshaller returnMarshaller, CompiledTarget target)
    {
        var path = $"functions.{f.Name}";
        var signature = VariadicCarrierSignature.For(f.ReturnType, f.ParameterTypes);
        CallShape shape;
        try
        {
            shape = shapes.For(f.ReturnType, signature.Parameters, null, f.Name);
        }
        catch (FfiBindException e)
        {
            throw new FfiCompileException(path, e.Message);
        }
        if (signature.Check(shape.Plan) is { } wrong)
            throw new FfiCompileException(path, $"its fixed part leaves no single call shape for the variadic extras ({wrong})");

        var stub = Stub(operands, native, f, ret, parameters, signature, shape, bound, returnMarshaller, target);
        var method = new MethodDefinition(name, MethodAttributes.Public | MethodAttributes.Static | MethodAttributes.HideBySig, operands.Type(ret));
        for (int i = 0; i < parameters.Length; i++)
            method.Parameters.Add(new ParameterDefinition($"a{i}", ParameterAttributes.None, operands.Type(parameters[i])));
        var extras = new ParameterDefinition("extras", ParameterAttributes.None, operands.Type(typeof(ReadOnlySpan<CVarArg>)));
        extras.CustomAttributes.Add(new CustomAttribute(new MethodReference(".ctor", native.Module.TypeSystem.Void,
            operands.Bcl("System.Runtime.CompilerServices", "ParamCollectionAttribute")) { HasThis = true }));
        method.Parameters.Add(extras);
        native.Methods.Add(method);
        WrapperBody(operands, method, stub, f.Name, signature);
        return method;
    }

    // <va>NAME(fixed…, long g0…, double x0…, CVarArgStack stack): the typed stub's body over the carrier signature.
    private static MethodDefinition Stub(CecilOperands operands, TypeDefinition native, FunctionSpec f, System.Type ret, System.Type[] parameters,
        VariadicCarrierSignature signature, CallShape shape, List<DowncallArgument> bound, ArgumentMarshaller returnMarshaller, CompiledTarget target)
    {
        var stub = new MethodDefinition("<va>" + f.Name, MethodAttributes.Private | MethodAttributes.Static | MethodAttributes.HideBySig, operands.Type(ret));
        var clr = parameters.Concat(Enumerable.Repeat(typeof(long), signature.IntegerSlots)).Concat(Enumerable.Repeat(typeof(double), signature.SseSlots))
            .Append(typeof(CVarArgStack)).ToArray();
        var all = new List<DowncallArgument>(bound);
        for (int i = 0; i < clr.Length; i++)
        {
            stub.Parameters.Add(new ParameterDefinition(i < parameters.Length ? $"a{i}" : $"v{i - parameters.Length}", ParameterAttributes.None, operands.Type(clr[i])));
            if (i < parameters.Length) continue;
            var c = signature.Parameters[i];
            var how = MappingRules.MapParameter(clr[i], c) ?? throw new InvalidOperationException($"{f.Name}: no marshaller takes {c.DisplayName} as {clr[i].Name}");
            all.Add(new DowncallArgument(i, clr[i], c, how));
        }
        native.Methods.Add(stub);
        // Through the %al thunk: "trivial" has no effect on a variadic function, as at run time.
        var cecil = new CecilWriter(stub, operands, suppressGcTransition: false, initLocals: TypedStub.LocalsZeroed);
        var il = StubListings.For(cecil);
        TypedStub.EmitBody(il, target, shape.Lowered, all, returnMarshaller, ret, f.CapturesErrno, pinvoke: null, f.ReturnType.Align);
        cecil.Finish();
        StubListings.Done("compiled_va_" + f.Name, il);
        return stub;
    }

    // Pack; try { call the stub with the fixed arguments and the frame's slots } finally { Free }.
    private static void WrapperBody(CecilOperands operands, MethodDefinition method, MethodDefinition stub, string symbol, VariadicCarrierSignature signature)
    {
        var frameType = typeof(CVarArgFrame);
        var body = method.Body;
        body.InitLocals = true;
        var frame = new VariableDefinition(operands.Type(frameType));
        body.Variables.Add(frame);
        VariableDefinition? result = stub.ReturnType.MetadataType == MetadataType.Void ? null : new VariableDefinition(stub.ReturnType);
        if (result is not null) body.Variables.Add(result);
        var il = body.GetILProcessor();
        int fixedCount = method.Parameters.Count - 1;

        il.Emit(OpCodes.Ldloca, frame);
        il.Emit(OpCodes.Ldarg, method.Parameters[fixedCount]);
        il.Emit(OpCodes.Ldc_I4, signature.IntegerSlots);
        il.Emit(OpCodes.Ldc_I4, signature.SseSlots);
        il.Emit(OpCodes.Ldstr, symbol);
        il.Emit(OpCodes.Call, operands.Method(frameType.GetMethod(nameof(CVarArgFrame.Pack))!));

        int tryIndex = body.Instructions.Count;
        for (int i = 0; i < fixedCount; i++) il.Emit(OpCodes.Ldarg, method.Parameters[i]);
        Slots(il, frame, signature.IntegerSlots, operands.Method(frameType.GetMethod(nameof(CVarArgFrame.Integer))!));
        Slots(il, frame, signature.SseSlots, operands.Method(frameType.GetMethod(nameof(CVarArgFrame.Sse))!));
        il.Emit(OpCodes.Ldloca, frame);
        il.Emit(OpCodes.Call, operands.Method(frameType.GetMethod(nameof(CVarArgFrame.Stack))!));
        il.Emit(OpCodes.Call, stub);
        if (result is not null) il.Emit(OpCodes.Stloc, result);
        var end = result is not null ? Instruction.Create(OpCodes.Ldloc, result) : Instruction.Create(OpCodes.Ret);
        il.Emit(OpCodes.Leave, end);

        var tryStart = body.Instructions[tryIndex];
        var finallyStart = Instruction.Create(OpCodes.Ldloca, frame);
        il.Append(finallyStart);
        il.Emit(OpCodes.Call, operands.Method(frameType.GetMethod(nameof(CVarArgFrame.Free))!));
        il.Emit(OpCodes.Endfinally);
        il.Append(end);
        if (result is not null) il.Emit(OpCodes.Ret);
        body.ExceptionHandlers.Add(new ExceptionHandler(ExceptionHandlerType.Finally)
        {
            TryStart = tryStart, TryEnd = finallyStart, HandlerStart = finallyStart, HandlerEnd = end,
        });
    }

    private static void Slots(ILProcessor il, VariableDefinition frame, int count, MethodReference read)
    {
        for (int i = 0; i < count; i++)
        {
            il.Emit(OpCodes.Ldloca, frame);
            il.Emit(OpCodes.Ldc_I4, i);
            il.Emit(OpCodes.Call, read);
        }
    }
}
