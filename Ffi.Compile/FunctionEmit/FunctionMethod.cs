using Ffi.Binding;
using Ffi.Compile.Il;
using Ffi.Compile.TypeEmit;
using Ffi.Downcalls;
using Ffi.Il;
using Ffi.Marshallers;
using Ffi.Shapes;
using Ffi.Spec;
using Mono.Cecil;

namespace Ffi.Compile.FunctionEmit;

/// <summary>
/// One public static method of the bindings class: a function in one of its forms (<see cref="BindingForms"/>). The
/// marshallers are what <see cref="MappingRules"/> picks for the form's CLR types, as for a <c>GetFunction&lt;T&gt;</c>
/// delegate of that signature, and the body is the run-time typed stub's (<see cref="TypedStub.EmitBody"/>) written
/// through the <see cref="CecilWriter"/>: every form of a function runs the same recipe on the same cell.
/// </summary>
internal static class FunctionMethod
{
    /// <summary>Writes <paramref name="form"/> of <paramref name="f"/>; <paramref name="preferred"/> adds <c>[OverloadResolutionPriority(1)]</c> (the natural form, when there are others).</summary>
    public static MethodDefinition Define(GeneratedTypes g, CecilOperands operands, TypeDefinition native, FunctionSpec f, BindingForm form, CallShape shape,
        CompiledTarget target, string path, bool preferred)
    {
        var bound = Marshallers(f, form.Return, form.Parameters, path, out var returnMarshaller);

        var method = new MethodDefinition(form.Name, MethodAttributes.Public | MethodAttributes.Static | MethodAttributes.HideBySig, operands.Type(form.Return));
        for (int i = 0; i < form.Parameters.Count; i++)
        {
            var p = new ParameterDefinition($"a{i}", ParameterAttributes.None, operands.Type(form.Parameters[i]));
            if (form.ReadOnly[i])
            {
                // C#'s `in T`: a by-reference parameter marked [In] and [IsReadOnly].
                p.Attributes = ParameterAttributes.In;
                p.CustomAttributes.Add(new CustomAttribute(g.Bcl.IsReadOnlyAttributeCtor));
            }
            method.Parameters.Add(p);
        }
        if (preferred) method.CustomAttributes.Add(Priority(operands, native.Module, 1));
        native.Methods.Add(method);

        var cecil = new CecilWriter(method, operands, suppressGcTransition: f.IsTrivial, initLocals: TypedStub.LocalsZeroed);
        var il = StubListings.For(cecil);
        TypedStub.EmitBody(il, target, shape.Lowered, bound, returnMarshaller, form.Return, f.CapturesErrno, pinvoke: null, f.ReturnType.Align);
        cecil.Finish();
        StubListings.Done($"compiled_{f.Name}{(form.Kind == BindingFormKind.Natural ? "" : "_" + form.Kind.ToString().ToLowerInvariant())}", il);
        g.Docs.Method(method, DocFile.Summary(f.Doc, $"Calls C <c>{GeneratedTypes.Xml(f.Signature)}</c>{Notes(f)}.") + FormNote(form.Kind));
        return method;
    }

    /// <summary>The marshallers <see cref="MappingRules"/> picks for a CLR signature of <paramref name="f"/>, or an <see cref="FfiCompileException"/> at the parameter none takes.</summary>
    internal static List<DowncallArgument> Marshallers(FunctionSpec f, System.Type ret, IReadOnlyList<System.Type> parameters, string path,
        out ArgumentMarshaller returnMarshaller)
    {
        returnMarshaller = MappingRules.MapReturn(ret, f.ReturnType)
            ?? throw new FfiCompileException(path + ".ret", $"no marshaller takes {f.ReturnType.DisplayName} as {ret.Name}");
        var bound = new List<DowncallArgument>();
        for (int i = 0; i < parameters.Count; i++)
        {
            var how = MappingRules.MapParameter(parameters[i], f.ParameterTypes[i])
                ?? throw new FfiCompileException($"{path}.params[{i}]", $"no marshaller takes {f.ParameterTypes[i].DisplayName} as {parameters[i].Name}");
            bound.Add(new DowncallArgument(i, parameters[i], f.ParameterTypes[i], how));
        }
        return bound;
    }

    // [OverloadResolutionPriority(n)] (System.Runtime, .NET 9+): C# 13 and later pick the highest priority among the applicable overloads.
    private static CustomAttribute Priority(CecilOperands operands, ModuleDefinition module, int priority)
    {
        var ctor = new MethodReference(".ctor", module.TypeSystem.Void, operands.Bcl("System.Runtime.CompilerServices", "OverloadResolutionPriorityAttribute"))
        {
            HasThis = true,
        };
        ctor.Parameters.Add(new ParameterDefinition(module.TypeSystem.Int32));
        var attribute = new CustomAttribute(ctor);
        attribute.ConstructorArguments.Add(new CustomAttributeArgument(module.TypeSystem.Int32, priority));
        return attribute;
    }

    /// <summary>What a method's XML doc adds to the spec's <c>doc</c>: errno, trivial, capabilities.</summary>
    internal static string Notes(FunctionSpec f) =>
        (f.CapturesErrno ? "; stores C's errno in <c>Ffi.Native.LastErrno.Value</c>" : "")
        + (f.IsTrivial ? "; called without a GC transition (declared trivial)" : "")
        + (f.Capabilities.Count > 0 ? $"; needs the capabilities {GeneratedTypes.Xml(string.Join(", ", f.Capabilities))}" : "");

    private static string FormNote(BindingFormKind kind) => kind switch
    {
        BindingFormKind.Span => " Byte buffers as spans, pinned for the call (an empty span is NULL); other pointers to one value by reference (<c>ref</c>, <c>in</c> for const), pinned for the call.",
        BindingFormKind.Raw => " Every pointer as a pointer: strings as NUL-terminated UTF-8 bytes (<c>byte*</c>), passed and returned as they are.",
        _ => "",
    };
}
