using System.Reflection;
using Ffi.Binding;
using Ffi.Compile.CallbackEmit;
using Ffi.Compile.Il;
using Ffi.Compile.TypeEmit;
using Ffi.Downcalls;
using Ffi.Il;
using Ffi.Marshallers;
using Ffi.Shapes;
using Ffi.Spec;
using Ffi.Types;
using Mono.Cecil;
using PointerType = Ffi.Types.PointerType;

namespace Ffi.Compile.FunctionEmit;

/// <summary>
/// Writes one public static method per compiled function into the bindings class, with the natural CLR signature
/// and the body the run-time typed stub has: the parameter types are the generated ones (loaded from the first
/// phase), <see cref="MappingRules"/> picks each marshaller as it does for <c>GetFunction&lt;T&gt;</c>, the module's
/// <see cref="CallShapes"/> plans and lowers the call, and <see cref="TypedStub.EmitBody"/> writes the body through
/// the <see cref="CecilWriter"/> with a <see cref="CompiledTarget"/>. Signatures:
/// <code>
/// integers, float, double, bool     → the CLR primitive of the same width and signedness
/// enum, handle, struct, union       → the generated type (a by-value aggregate of any ABI class, a typed handle)
/// const char *, const wchar_t *     → string (a UTF-8 / UTF-32 copy for the call); a char * result marked
///                                     "ret_as_str" or pointing to const char → string. Bytes (const unsigned
///                                     char *, zlib's const Bytef *) stay pointers: they are data, not text
/// other pointers                    → T* (void* where T has no CLR type); function pointers → nint
/// </code>
/// </summary>
internal static class FunctionEmitter
{
    public static void DefineAll(GeneratedTypes g, CecilOperands operands, LoadedTypes loaded, TypeDefinition native, NativeSupport support, FfiSpec spec,
        CallbackPools callbacks)
    {
        var shapes = new CallShapes(spec.Lib);
        var nativeType = loaded.ToClr(native);
        var bind = nativeType.GetMethod("<Bind>", BindingFlags.NonPublic | BindingFlags.Static)!;
        var gate = support.Gate is null ? null : nativeType.GetField(support.Gate.Name, BindingFlags.Public | BindingFlags.Static);
        var scope = g.MembersOf(native);
        for (int id = 0; id < support.Functions.Count; id++)
        {
            var f = support.Functions[id];
            var path = $"functions.{f.Name}";
            var ret = ReturnType(g, loaded, f, path);
            var parameters = f.ParameterTypes.Select((c, i) => ParameterType(g, loaded, c, $"{path}.params[{i}]")).ToArray();
            var target = new CompiledTarget(nativeType.GetField(support.Cells[id].Name, BindingFlags.NonPublic | BindingFlags.Static)!, bind, id, gate,
                support.BitsOf(f.Capabilities), f.Name);
            if (f.IsVariadic)
            {
                var bound = FunctionMethod.Marshallers(f, ret, parameters, path, out var returnMarshaller);
                var va = VariadicEmitter.Define(operands, native, shapes, f, scope.Claim(ClrNames.Member(f.Name, native.Name), path), ret, parameters, bound, returnMarshaller, target);
                g.Docs.Method(va, DocFile.Summary(f.Doc, $"Calls C <c>{GeneratedTypes.Xml(f.Signature)}</c>{FunctionMethod.Notes(f)}; the extras are passed as C's default promotions make them (see <c>CVarArg</c>)."));
                continue;
            }
            CallShape shape;
            try
            {
                shape = shapes.For(f.ReturnType, [.. f.ParameterTypes], null, f.Name);
            }
            catch (FfiBindException e)
            {
                throw new FfiCompileException(path, e.Message);
            }

            var name = scope.Claim(ClrNames.Member(f.Name, native.Name), path);
            var natural = new BindingForm(BindingFormKind.Natural, name, ret, parameters, new bool[parameters.Length]);
            var forms = BindingForms.Of(name, natural, f.ReturnType, f.ParameterTypes);
            MethodDefinition? naturalMethod = null;
            foreach (var form in forms)
            {
                if (form.Name != name) scope.Claim(form.Name, path);
                var method = FunctionMethod.Define(g, operands, native, f, form, shape, target, path, preferred: forms.Count > 1 && form.Kind == BindingFormKind.Natural);
                if (form.Kind == BindingFormKind.Natural) naturalMethod = method;
            }
            // The overload taking delegates for function pointers calls the natural form (function pointers as nint).
            CallbackOverload.Define(g, operands, callbacks, native, naturalMethod!, f);
        }
    }

    // C's text is char (signed here); unsigned char pointers carry bytes.
    private static bool IsText(CType c) => c is PointerType { Pointee: IntType { Bits: 8, IsSigned: true, IsBool: false } };

    private static System.Type ParameterType(GeneratedTypes g, LoadedTypes loaded, CType c, string path) =>
        IsText(c) && MappingRules.IsConstCharPointer(c) || MappingRules.IsConstWideCharPointer(c) ? typeof(string) : loaded.ToClr(g.ValueOf(c, new Place(path)));

    private static System.Type ReturnType(GeneratedTypes g, LoadedTypes loaded, FunctionSpec f, string path) => f.ReturnType switch
    {
        VoidType => typeof(void),
        PointerType { IsCharPointer: true } p when IsText(p) && p.IsPointeeConst || f.ReturnsString => typeof(string),
        var c => loaded.ToClr(g.ValueOf(c, new Place(path + ".ret"))),
    };
}
