using Ffi.Compile.Il;
using Ffi.Compile.TypeEmit;
using Ffi.Interop;
using Ffi.Spec;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Ffi.Compile.FunctionEmit;

/// <summary>
/// A global variable as a static property of the bindings class, of the CLR type <see cref="GeneratedTypes.ValueOf"/>
/// gives its C type; reading and writing go straight to the variable's bytes, bound on first use as a function is:
/// <code>
/// public static int optind
/// {
///     get => *(int*)(&lt;var&gt;optind != 0 ? &lt;var&gt;optind : &lt;Bind&gt;(7));        // a gated one asks Capabilities first
///     set => *(int*)(&lt;var&gt;optind != 0 ? &lt;var&gt;optind : &lt;Bind&gt;(7)) = value;
/// }
/// </code>
/// Not through the stub emitters: no call is made, so there is no recipe to share.
/// </summary>
internal static class VariableEmitter
{
    public static void DefineAll(GeneratedTypes g, CecilOperands operands, TypeDefinition native, NativeSupport support)
    {
        var scope = g.MembersOf(native);
        var demand = support.Gate is null ? null : operands.Method(typeof(CapabilityGate).GetMethod(nameof(CapabilityGate.Demand))!);
        for (int i = 0; i < support.Variables.Count; i++)
        {
            var v = support.Variables[i];
            var path = $"variables.{v.Name}";
            var type = g.ValueOf(v.Type, new Place(path));
            var name = scope.Claim(ClrNames.Member(v.Name, native.Name), path);
            int id = support.Functions.Count + i;
            long bits = support.BitsOf(v.Capabilities);
            const MethodAttributes Accessor = MethodAttributes.Public | MethodAttributes.Static | MethodAttributes.HideBySig | MethodAttributes.SpecialName;
            var get = new MethodDefinition("get_" + name, Accessor, type);
            Body(get, support, id, bits, demand, v.Name, il => il.Emit(OpCodes.Ldobj, type));
            var set = new MethodDefinition("set_" + name, Accessor, native.Module.TypeSystem.Void);
            set.Parameters.Add(new ParameterDefinition("value", ParameterAttributes.None, type));
            Body(set, support, id, bits, demand, v.Name, il =>
            {
                il.Emit(OpCodes.Ldarg_0);
                il.Emit(OpCodes.Stobj, type);
            });
            native.Methods.Add(get);
            native.Methods.Add(set);
            var property = new PropertyDefinition(name, PropertyAttributes.None, type) { GetMethod = get, SetMethod = set };
            native.Properties.Add(property);
            g.Docs.Property(property, DocFile.Summary(v.Doc, $"C variable <c>{GeneratedTypes.Xml(v.ToString())}</c>, read and written in place{(v.Capabilities.Count > 0 ? $"; needs the capabilities {GeneratedTypes.Xml(string.Join(", ", v.Capabilities))}" : "")}."));
        }
    }

    // [demand;] the address (bound on first use); then the access.
    private static void Body(MethodDefinition m, NativeSupport support, int id, long bits, MethodReference? demand, string symbol, Action<ILProcessor> access)
    {
        var il = m.Body.GetILProcessor();
        if (bits != 0)
        {
            il.Emit(OpCodes.Ldsfld, support.Gate!);
            il.Emit(OpCodes.Ldc_I8, bits);
            il.Emit(OpCodes.Ldstr, symbol);
            il.Emit(OpCodes.Callvirt, demand!);
        }
        var bound = Instruction.Create(OpCodes.Nop);
        il.Emit(OpCodes.Ldsfld, support.Cells[id]);
        il.Emit(OpCodes.Dup);
        il.Emit(OpCodes.Brtrue, bound);
        il.Emit(OpCodes.Pop);
        il.Emit(OpCodes.Ldc_I4, id);
        il.Emit(OpCodes.Call, support.Bind);
        il.Append(bound);
        access(il);
        il.Emit(OpCodes.Ret);
    }
}
