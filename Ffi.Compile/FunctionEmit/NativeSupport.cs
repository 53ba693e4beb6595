using Ffi.Compile.Il;
using Ffi.Compile.TypeEmit;
using Ffi.Interop;
using Ffi.Spec;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Ffi.Compile.FunctionEmit;

/// <summary>
/// What the bindings class holds for its functions and variables besides their methods and properties, written the
/// same in both phases (so the first-phase assembly has them as members the stubs can name):
/// <code>
/// private static nint &lt;fn&gt;compress;                  // one cell per function (&lt;var&gt;name per variable), 0 until bound
/// private static nint &lt;Bind&gt;(int id)                 // cold: loads the library and finds the symbol, or throws
/// {                                                    // FfiBindException naming both (SymbolBinder)
///     switch (id) { case 3: return &lt;fn&gt;compress = SymbolBinder.Function("libz.so.1", "compress"); … }
/// }                                                    // functions are ids 0…n-1, variables n…
/// public static readonly CapabilityGate Capabilities = new("Zlib.Native", ["fs"]);   // when the spec has "caps"
/// </code>
/// Nothing is resolved before a function's first call.
/// </summary>
internal sealed class NativeSupport
{
    private readonly List<string> _capabilities = [];

    private NativeSupport(IReadOnlyList<FunctionSpec> functions, IReadOnlyList<VariableSpec> variables, FieldDefinition[] cells, MethodDefinition bind,
        FieldDefinition? gate)
    {
        Functions = functions;
        Variables = variables;
        Cells = cells;
        Bind = bind;
        Gate = gate;
    }

    /// <summary>The compiled functions, in id order (ids 0…).</summary>
    public IReadOnlyList<FunctionSpec> Functions { get; }

    /// <summary>The variables, in id order after the functions.</summary>
    public IReadOnlyList<VariableSpec> Variables { get; }

    /// <summary>The cell of id i (functions, then variables).</summary>
    public FieldDefinition[] Cells { get; }

    /// <summary>The cold <c>&lt;Bind&gt;(id)</c>.</summary>
    public MethodDefinition Bind { get; }

    /// <summary>The <c>Capabilities</c> field, or null when no function is gated.</summary>
    public FieldDefinition? Gate { get; }

    /// <summary>The capability bits a function demands (bit i is the i-th capability name the spec uses).</summary>
    public long BitsOf(IReadOnlyList<string> capabilities)
    {
        long bits = 0;
        foreach (var c in capabilities) bits |= 1L << _capabilities.IndexOf(c);
        return bits;
    }

    public static NativeSupport Define(GeneratedTypes g, CecilOperands operands, TypeDefinition native, FfiSpec spec, IReadOnlyList<FunctionSpec> functions)
    {
        var ts = g.Module.TypeSystem;
        var variables = spec.Variables;
        var cells = functions.Select(f => "<fn>" + f.Name).Concat(variables.Select(v => "<var>" + v.Name))
            .Select(name => new FieldDefinition(name, FieldAttributes.Private | FieldAttributes.Static, ts.IntPtr)).ToArray();
        foreach (var c in cells) native.Fields.Add(c);
        var bind = DefineBind(native, spec, functions, cells, operands);

        var names = functions.SelectMany(f => f.Capabilities).Concat(variables.SelectMany(v => v.Capabilities)).Distinct(StringComparer.Ordinal).ToList();
        if (names.Count > 64)
            throw new FfiCompileException("functions", $"the spec names {names.Count} capabilities in \"caps\"; compiled bindings hold at most 64");
        FieldDefinition? gate = null;
        if (names.Count > 0)
        {
            var gateType = operands.Type(typeof(CapabilityGate));
            gate = new FieldDefinition(g.MembersOf(native).Claim("Capabilities", "the capability gate of compiled bindings"),
                FieldAttributes.Public | FieldAttributes.Static | FieldAttributes.InitOnly, gateType);
            native.Fields.Add(gate);
            DefineStaticConstructor(native, gate, names, operands);
            g.Docs.Field(gate, $"The capabilities granted to the gated functions ({GeneratedTypes.Xml(string.Join(", ", names))}): none until granted with <c>Grant</c>.");
        }
        var support = new NativeSupport(functions, variables, cells, bind, gate);
        support._capabilities.AddRange(names);
        return support;
    }

    // <Bind>(id): a switch over the ids, each case binding one cell; an id out of range throws.
    private static MethodDefinition DefineBind(TypeDefinition native, FfiSpec spec, IReadOnlyList<FunctionSpec> functions, FieldDefinition[] cells, CecilOperands operands)
    {
        var ts = native.Module.TypeSystem;
        var bind = new MethodDefinition("<Bind>", MethodAttributes.Private | MethodAttributes.Static | MethodAttributes.HideBySig, ts.IntPtr)
        {
            ImplAttributes = MethodImplAttributes.NoInlining,
        };
        bind.Parameters.Add(new ParameterDefinition("id", ParameterAttributes.None, ts.Int32));
        native.Methods.Add(bind);
        var il = bind.Body.GetILProcessor();
        var function = operands.Method(typeof(SymbolBinder).GetMethod(nameof(SymbolBinder.Function))!);
        var variable = operands.Method(typeof(SymbolBinder).GetMethod(nameof(SymbolBinder.Variable))!);
        // A variadic function's cell holds its %al thunk (SymbolBinder.VariadicFunction), which its stub calls.
        var variadic = operands.Method(typeof(SymbolBinder).GetMethod(nameof(SymbolBinder.VariadicFunction))!);
        var symbols = functions.Select(f => (f.Name, f.Library, Binder: f.IsVariadic ? variadic : function)).Concat(spec.Variables.Select(v => (v.Name, v.Library, Binder: variable))).ToList();
        var cases = symbols.Select(f => Instruction.Create(OpCodes.Ldstr, f.Library ?? spec.Lib)).ToArray();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Switch, cases);
        il.Emit(OpCodes.Ldstr, "id");
        var outOfRange = new MethodReference(".ctor", ts.Void, operands.Bcl("System", "ArgumentOutOfRangeException")) { HasThis = true };
        outOfRange.Parameters.Add(new ParameterDefinition(ts.String));
        il.Emit(OpCodes.Newobj, outOfRange);
        il.Emit(OpCodes.Throw);
        for (int i = 0; i < symbols.Count; i++)
        {
            il.Append(cases[i]);
            il.Emit(OpCodes.Ldstr, symbols[i].Name);
            il.Emit(OpCodes.Call, symbols[i].Binder);
            il.Emit(OpCodes.Dup);
            il.Emit(OpCodes.Stsfld, cells[i]);
            il.Emit(OpCodes.Ret);
        }
        return bind;
    }

    // static Native() { Capabilities = new CapabilityGate("Ns.Native", new[] { "fs", … }); }
    private static void DefineStaticConstructor(TypeDefinition native, FieldDefinition gate, List<string> names, CecilOperands operands)
    {
        var ts = native.Module.TypeSystem;
        var cctor = new MethodDefinition(".cctor", MethodAttributes.Private | MethodAttributes.Static | MethodAttributes.HideBySig
            | MethodAttributes.SpecialName | MethodAttributes.RTSpecialName, ts.Void);
        native.Methods.Add(cctor);
        var il = cctor.Body.GetILProcessor();
        il.Emit(OpCodes.Ldstr, native.FullName);
        il.Emit(OpCodes.Ldc_I4, names.Count);
        il.Emit(OpCodes.Newarr, ts.String);
        for (int i = 0; i < names.Count; i++)
        {
            il.Emit(OpCodes.Dup);
            il.Emit(OpCodes.Ldc_I4, i);
            il.Emit(OpCodes.Ldstr, names[i]);
            il.Emit(OpCodes.Stelem_Ref);
        }
        var ctor = new MethodReference(".ctor", ts.Void, gate.FieldType) { HasThis = true };
        ctor.Parameters.Add(new ParameterDefinition(ts.String));
        ctor.Parameters.Add(new ParameterDefinition(new Mono.Cecil.ArrayType(ts.String)));
        il.Emit(OpCodes.Newobj, ctor);
        il.Emit(OpCodes.Stsfld, gate);
        il.Emit(OpCodes.Ret);
    }
}
