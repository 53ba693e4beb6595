using System.Reflection.Emit;
using Ffi.Abi;
using Ffi.Binding;
using Ffi.Types;

using Ffi.Il;

namespace Ffi.Downcalls;

/// <summary>One mapped parameter of a typed delegate: its index, CLR type, C type and how one stands for the other.</summary>
internal sealed record TypedParam(int Index, Type Clr, CType C, Mapping How);

/// <summary>A typed stub's CLR arguments (arg 0 is the target), or the locals its conversions left them in.</summary>
internal sealed class TypedArgumentSource : ArgumentSource
{
    public readonly Dictionary<int, IlLocal?> Locals = [];
    public readonly Dictionary<int, TypedParam> Params = [];
    public IlLocal? ReturnStorage;

    public override void PushValue(IlWriter g, int index, Type carrier, int bytes)
    {
        var p = Params[index];
        if (Locals.TryGetValue(index, out var local) && local is not null)
        {
            g.Emit(OpCodes.Ldloc, local);
            return;
        }
        if (p.How == Mapping.Aggregate)
        {
            CallEmitter.EmitCarrierFrom(g, g2 => g2.Emit(OpCodes.Ldarga, index + 1), carrier, bytes);
            return;
        }
        g.Emit(OpCodes.Ldarg, index + 1);
        Convert(g, p.Clr, carrier);
    }

    public override void PushAddress(IlWriter g, int index)
    {
        var p = Params[index];
        if (Locals.TryGetValue(index, out var local) && local is not null)
        {
            g.Emit(OpCodes.Ldloca, local);
            return;
        }
        if (p.How == Mapping.Aggregate || Carriers.Scalar(SysVCallPlanner.RepOf(p.C)) == p.Clr || MappingRules.SizeOf(p.Clr) == p.C.Size && p.How != Mapping.Bool)
        {
            g.Emit(OpCodes.Ldarga, index + 1);
            return;
        }
        // A promoted variadic extra (float → double, short → int): convert into a local of the C type.
        var carrier = Carriers.Scalar(SysVCallPlanner.RepOf(p.C));
        var converted = g.DeclareLocal(carrier);
        g.Emit(OpCodes.Ldarg, index + 1);
        Convert(g, p.Clr, carrier);
        g.Emit(OpCodes.Stloc, converted);
        g.Emit(OpCodes.Ldloca, converted);
    }

    public override void PushReturnPointer(IlWriter g) => g.Emit(OpCodes.Ldloc, ReturnStorage!);

    private static void Convert(IlWriter g, Type from, Type to)
    {
        if (from == to || MappingRules.SizeOf(from) == MappingRules.SizeOf(to) && MappingRules.IsFloat(from) == MappingRules.IsFloat(to)) return;
        if (to == typeof(double)) g.Emit(OpCodes.Conv_R8);
        else if (to == typeof(int)) g.Emit(OpCodes.Conv_I4);
        else if (to == typeof(long)) g.Emit(IsUnsigned(from) ? OpCodes.Conv_U8 : OpCodes.Conv_I8);
    }

    private static bool IsUnsigned(Type t) => t == typeof(byte) || t == typeof(ushort) || t == typeof(uint) || t == typeof(char) || t == typeof(bool);
}
