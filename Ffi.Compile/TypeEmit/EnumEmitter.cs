using Ffi.Types;
using Mono.Cecil;
using ArrayType = Ffi.Types.ArrayType;
using PointerType = Ffi.Types.PointerType;

namespace Ffi.Compile.TypeEmit;

/// <summary>
/// A C enum as a .NET enum of the same underlying integer, with its constants in spec order:
/// <c>{"kind":"enum","base":"uint16","values":{"RED":0,"BLUE":65535}}</c> → <c>enum color : ushort { RED = 0, BLUE = 65535 }</c>.
/// </summary>
internal static class EnumEmitter
{
    public static TypeDefinition Define(GeneratedTypes g, EnumType e, string clrName, string path)
    {
        var t = g.DefineTop(clrName, path, TypeAttributes.Public | TypeAttributes.Sealed, g.Bcl.Enum);
        var underlying = g.Integer(e.Base);
        g.SetAlign(t, g.AlignOf(underlying));
        if (e.Base.IsBool) throw new FfiCompileException(path, "an enum over bool has no .NET enum (the underlying type must be an integer)");
        t.Fields.Add(new FieldDefinition("value__", FieldAttributes.Public | FieldAttributes.SpecialName | FieldAttributes.RTSpecialName, underlying));
        var scope = g.MembersOf(t);
        scope.Claim("value__", path + " (the enum's value field)");
        for (int i = 0; i < e.Values.Count; i++)
        {
            var (name, value) = e.Values[i];
            var clr = scope.Claim(ClrNames.Member(name, clrName), $"{path}.values.{name}");
            var field = new FieldDefinition(clr, FieldAttributes.Public | FieldAttributes.Static | FieldAttributes.Literal | FieldAttributes.HasDefault, t)
            {
                Constant = Constant(e.Base, value),
            };
            t.Fields.Add(field);
            g.Docs.Field(field, $"C constant <c>{GeneratedTypes.Xml(name)}</c> = {value}.");
        }
        g.Docs.Type(t, DocFile.Summary(e.Doc, $"C enum <c>{GeneratedTypes.Xml(e.DisplayName)}</c>, stored as <c>{GeneratedTypes.Xml(e.Base.DisplayName)}</c>."));
        return t;
    }

    // The constant as a value of the underlying type (the spec reader has checked it fits; unchecked keeps the bits).
    private static object Constant(IntType b, long v) => (b.Bits, b.IsSigned) switch
    {
        (8, true) => (object)unchecked((sbyte)v), (8, false) => unchecked((byte)v),
        (16, true) => unchecked((short)v), (16, false) => unchecked((ushort)v),
        (32, true) => unchecked((int)v), (32, false) => unchecked((uint)v),
        (64, true) => v, _ => unchecked((ulong)v),
    };
}
