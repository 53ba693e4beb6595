using Ffi.Types;
using Mono.Cecil;
using ArrayType = Ffi.Types.ArrayType;
using PointerType = Ffi.Types.PointerType;
using Mono.Cecil.Cil;

namespace Ffi.Compile.TypeEmit;

/// <summary>
/// A handle as a readonly struct of its own wrapping the representation (the address for a pointer handle), with
/// value equality and no conversion to or from anything else, so that passing a <c>sqlite3_stmt</c> where a
/// <c>sqlite3</c> is expected does not compile:
/// <code>
/// readonly struct sqlite3 : IEquatable&lt;sqlite3&gt; {
///     public readonly nint Value;  public sqlite3(nint value);
///     Equals(sqlite3), Equals(object), GetHashCode(), ==, != }
/// </code>
/// </summary>
internal static class HandleEmitter
{
    private const MethodAttributes Public = MethodAttributes.Public | MethodAttributes.HideBySig;

    public static TypeDefinition Define(GeneratedTypes g, HandleType h, string clrName, string path)
    {
        var ts = g.Module.TypeSystem;
        var t = g.DefineTop(clrName, path, TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.BeforeFieldInit
            | TypeAttributes.SequentialLayout, g.Bcl.ValueType);
        t.CustomAttributes.Add(new CustomAttribute(g.Bcl.IsReadOnlyAttributeCtor));
        t.Interfaces.Add(new InterfaceImplementation(g.Bcl.EquatableOf(t)));
        var rep = Representation(g, h.Rep);
        g.SetAlign(t, g.AlignOf(rep));
        var value = new FieldDefinition("Value", FieldAttributes.Public | FieldAttributes.InitOnly, rep);
        t.Fields.Add(value);
        g.Docs.Field(value, h.Rep is PointerType or FuncPtrType ? "The address the handle wraps." : "The value the handle wraps.");

        var ctor = new MethodDefinition(".ctor", Public | MethodAttributes.SpecialName | MethodAttributes.RTSpecialName, ts.Void);
        ctor.Parameters.Add(new ParameterDefinition("value", ParameterAttributes.None, rep));
        Emit(ctor, OpCodes.Ldarg_0, OpCodes.Ldarg_1, (OpCodes.Stfld, value), OpCodes.Ret);
        t.Methods.Add(ctor);
        g.Docs.Method(ctor, $"Wraps a <c>{GeneratedTypes.Xml(h.Rep.DisplayName)}</c> as a <c>{GeneratedTypes.Xml(h.Tag)}</c> handle.");

        // bool Equals(H other) => Value == other.Value;   (an integer or address: ceq)
        var equals = new MethodDefinition("Equals", Public | MethodAttributes.Virtual | MethodAttributes.NewSlot | MethodAttributes.Final, ts.Boolean);
        var other = new ParameterDefinition("other", ParameterAttributes.None, t);
        equals.Parameters.Add(other);
        Emit(equals, OpCodes.Ldarg_0, (OpCodes.Ldfld, value), (OpCodes.Ldarga_S, other), (OpCodes.Ldfld, value), OpCodes.Ceq, OpCodes.Ret);
        t.Methods.Add(equals);
        g.Docs.Method(equals, "Whether both handles wrap the same value.");

        // override bool Equals(object obj) => obj is H h && Equals(h);
        var equalsObject = new MethodDefinition("Equals", Public | MethodAttributes.Virtual, ts.Boolean);
        equalsObject.Parameters.Add(new ParameterDefinition("obj", ParameterAttributes.None, ts.Object));
        var il = equalsObject.Body.GetILProcessor();
        var no = il.Create(OpCodes.Ldc_I4_0);
        il.Emit(OpCodes.Ldarg_1);
        il.Emit(OpCodes.Isinst, t);
        il.Emit(OpCodes.Brfalse_S, no);
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldarg_1);
        il.Emit(OpCodes.Unbox_Any, t);
        il.Emit(OpCodes.Call, equals);
        il.Emit(OpCodes.Ret);
        il.Append(no);
        il.Emit(OpCodes.Ret);
        t.Methods.Add(equalsObject);
        g.Docs.Method(equalsObject, "Whether <paramref name=\"obj\"/> is a handle of this type wrapping the same value.");

        var hash = new MethodDefinition("GetHashCode", Public | MethodAttributes.Virtual, ts.Int32);
        il = hash.Body.GetILProcessor();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldflda, value);
        il.Emit(OpCodes.Constrained, rep);
        il.Emit(OpCodes.Callvirt, g.Bcl.ObjectGetHashCode);
        il.Emit(OpCodes.Ret);
        t.Methods.Add(hash);
        g.Docs.Method(hash, "The hash code of the wrapped value.");

        Operator(g, t, "op_Equality", equals, negate: false, "Whether both handles wrap the same value.");
        Operator(g, t, "op_Inequality", equals, negate: true, "Whether the handles wrap different values.");
        g.Docs.Type(t, DocFile.Summary(h.Doc, $"Handle <c>{GeneratedTypes.Xml(h.Tag)}</c> over <c>{GeneratedTypes.Xml(h.Rep.DisplayName)}</c>: a type of its own, so that handles of different types do not mix."));
        return t;
    }

    // The primitive a handle carries: a pointer's address as nint, an integer or enum as its integer; a handle over a
    // handle carries the inner one's.
    private static TypeReference Representation(GeneratedTypes g, CType rep) => rep switch
    {
        HandleType inner => Representation(g, inner.Rep),
        IntType i => g.Integer(i),
        EnumType e => g.Integer(e.Base),
        _ => g.Module.TypeSystem.IntPtr,
    };

    private static void Operator(GeneratedTypes g, TypeDefinition t, string name, MethodDefinition equals, bool negate, string doc)
    {
        var op = new MethodDefinition(name, Public | MethodAttributes.Static | MethodAttributes.SpecialName, g.Module.TypeSystem.Boolean);
        var left = new ParameterDefinition("left", ParameterAttributes.None, t);
        op.Parameters.Add(left);
        op.Parameters.Add(new ParameterDefinition("right", ParameterAttributes.None, t));
        var il = op.Body.GetILProcessor();
        il.Emit(OpCodes.Ldarga_S, left);
        il.Emit(OpCodes.Ldarg_1);
        il.Emit(OpCodes.Call, equals);
        if (negate)
        {
            il.Emit(OpCodes.Ldc_I4_0);
            il.Emit(OpCodes.Ceq);
        }
        il.Emit(OpCodes.Ret);
        t.Methods.Add(op);
        g.Docs.Method(op, doc);
    }

    private static void Emit(MethodDefinition m, params object[] code)
    {
        var il = m.Body.GetILProcessor();
        foreach (var c in code)
        {
            switch (c)
            {
                case OpCode op: il.Emit(op); break;
                case (OpCode op, FieldReference f): il.Emit(op, f); break;
                case (OpCode op, ParameterDefinition p): il.Emit(op, p); break;
                default: throw new ArgumentException($"not an instruction: {c}", nameof(code));
            }
        }
    }
}
