using Ffi.Types;
using Mono.Cecil;
using ArrayType = Ffi.Types.ArrayType;
using PointerType = Ffi.Types.PointerType;
using Mono.Cecil.Cil;

namespace Ffi.Compile.TypeEmit;

/// <summary>
/// A bitfield as a property that reads and writes exactly its bits, byte by byte, so that it never touches a byte
/// outside the struct (a packed struct's bitfield may straddle any bytes, up to nine for a 64-bit one). Bits count
/// from the least significant bit of the first byte, as gcc stores them on x86-64. A signed bitfield sign-extends
/// as gcc's does (<c>int x : 3</c> holding 0b111 reads -1); a plain <c>int</c> bitfield is signed, as in gcc.
/// <code>
/// struct { char c; unsigned v : 12; }   // v: bits 8..19 → byte 1 and the low half of byte 2
/// get: ((ulong)b[1] | (ulong)b[2] &lt;&lt; 8) &lt;&lt; 52 &gt;&gt; 52            (&gt;&gt; arithmetic when signed)
/// set: b[1] = (byte)value;  b[2] = (byte)(b[2] &amp; 0xF0 | (value &gt;&gt; 8) &amp; 0x0F)
/// </code>
/// </summary>
internal static class BitfieldProperty
{
    public static void Define(GeneratedTypes g, TypeDefinition t, string name, CField f, long bitOffset, string path)
    {
        var (type, baseInt) = f.Type switch
        {
            IntType i => (g.Integer(i), i),
            EnumType e => (g.ValueOf(e, new Place(path)), e.Base),
            _ => throw new FfiCompileException(path, $"a bitfield of type {f.Type.DisplayName} has no CLR property type"),
        };
        int start = checked((int)(bitOffset / 8)), shift = (int)(bitOffset % 8), width = f.BitWidth!.Value;
        var ts = g.Module.TypeSystem;
        const MethodAttributes Accessor = MethodAttributes.Public | MethodAttributes.HideBySig | MethodAttributes.SpecialName;

        var get = new MethodDefinition("get_" + name, Accessor, type);
        get.CustomAttributes.Add(new CustomAttribute(g.Bcl.IsReadOnlyAttributeCtor));
        EmitGet(get.Body.GetILProcessor(), start, shift, width, baseInt);
        var set = new MethodDefinition("set_" + name, Accessor, ts.Void);
        set.Parameters.Add(new ParameterDefinition("value", ParameterAttributes.None, type));
        EmitSet(set.Body.GetILProcessor(), start, shift, width);
        t.Methods.Add(get);
        t.Methods.Add(set);
        var prop = new PropertyDefinition(name, PropertyAttributes.None, type) { GetMethod = get, SetMethod = set };
        t.Properties.Add(prop);
        g.Docs.Property(prop, $"C bitfield <c>{GeneratedTypes.Xml(f.TypeName)} {GeneratedTypes.Xml(f.Name)} : {width}</c>: bits {shift}..{shift + width - 1} from byte {start} ({(baseInt.IsSigned && !baseInt.IsBool ? "signed" : "unsigned")}).");
    }

    // The bits' bytes gathered into one ulong (a ninth byte joins after the shift), then moved to the top and back
    // down, which drops the bits above the field and sign-extends it when signed.
    private static void EmitGet(ILProcessor il, int start, int shift, int width, IntType baseInt)
    {
        int bytes = (shift + width + 7) / 8;
        for (int j = 0; j < Math.Min(bytes, 8); j++)
        {
            LoadByte(il, start + j);
            if (j == 0) continue;
            il.Emit(OpCodes.Ldc_I4, 8 * j);
            il.Emit(OpCodes.Shl);
            il.Emit(OpCodes.Or);
        }
        if (shift > 0)
        {
            il.Emit(OpCodes.Ldc_I4, shift);
            il.Emit(OpCodes.Shr_Un);
        }
        if (bytes == 9)
        {
            LoadByte(il, start + 8);
            il.Emit(OpCodes.Ldc_I4, 64 - shift);
            il.Emit(OpCodes.Shl);
            il.Emit(OpCodes.Or);
        }
        if (width < 64)
        {
            il.Emit(OpCodes.Ldc_I4, 64 - width);
            il.Emit(OpCodes.Shl);
            il.Emit(OpCodes.Ldc_I4, 64 - width);
            il.Emit(baseInt.IsSigned ? OpCodes.Shr : OpCodes.Shr_Un);
        }
        var narrow = (baseInt.Bits, baseInt.IsSigned) switch
        {
            (8, true) => OpCodes.Conv_I1, (8, false) => OpCodes.Conv_U1,
            (16, true) => OpCodes.Conv_I2, (16, false) => OpCodes.Conv_U2,
            (32, true) => OpCodes.Conv_I4, (32, false) => OpCodes.Conv_U4,
            _ => OpCodes.Nop,
        };
        if (narrow != OpCodes.Nop) il.Emit(narrow);
        il.Emit(OpCodes.Ret);
    }

    // Each byte the field touches: its other bits kept, the field's bits taken from the value at their place.
    private static void EmitSet(ILProcessor il, int start, int shift, int width)
    {
        int bytes = (shift + width + 7) / 8;
        var mask = ((UInt128.One << width) - 1) << shift;
        for (int j = 0; j < bytes; j++)
        {
            int byteMask = (int)((mask >> (8 * j)) & 0xFF);
            Address(il, start + j);
            if (byteMask != 0xFF)
            {
                LoadByte(il, start + j, widen: false);
                il.Emit(OpCodes.Ldc_I4, ~byteMask & 0xFF);
                il.Emit(OpCodes.And);
            }
            il.Emit(OpCodes.Ldarg_1);
            il.Emit(OpCodes.Conv_U8);
            int down = 8 * j - shift;
            if (down != 0)
            {
                il.Emit(OpCodes.Ldc_I4, Math.Abs(down));
                il.Emit(down > 0 ? OpCodes.Shr_Un : OpCodes.Shl);
            }
            il.Emit(OpCodes.Conv_U4);
            il.Emit(OpCodes.Ldc_I4, byteMask);
            il.Emit(OpCodes.And);
            if (byteMask != 0xFF) il.Emit(OpCodes.Or);
            il.Emit(OpCodes.Stind_I1);
        }
        il.Emit(OpCodes.Ret);
    }

    // this + offset: `this` of a struct's method is a managed pointer to it.
    private static void Address(ILProcessor il, int offset)
    {
        il.Emit(OpCodes.Ldarg_0);
        if (offset == 0) return;
        il.Emit(OpCodes.Ldc_I4, offset);
        il.Emit(OpCodes.Add);
    }

    private static void LoadByte(ILProcessor il, int offset, bool widen = true)
    {
        Address(il, offset);
        il.Emit(OpCodes.Ldind_U1);
        if (widen) il.Emit(OpCodes.Conv_U8);
    }
}
