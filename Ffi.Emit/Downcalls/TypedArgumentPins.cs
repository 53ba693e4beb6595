using System.Reflection.Emit;
using Ffi.Binding;
using Ffi.Il;
using Ffi.Runtime;

namespace Ffi.Downcalls;

/// <summary>
/// The setup stage of a typed stub for the arguments that need one: a <c>string</c> copied to UTF-8 (in a stack
/// buffer when short), an array pinned by a pinned local (element 0's address; 0 for null or empty), a span pinned
/// through its <c>GetPinnableReference</c>. Each leaves the address in a local the call loads.
/// </summary>
internal static class TypedArgumentPins
{
    /// <summary>Emits the setup of every parameter of <paramref name="ps"/> that needs one; returns the string copies to release after the call.</summary>
    public static List<(IlLocal Pointer, IlLocal Buffer)> Emit(IlWriter il, List<TypedParam> ps, TypedArgumentSource source)
    {
        var strings = new List<(IlLocal Pointer, IlLocal Buffer)>();
    foreach (var p in ps)
    {
        switch (p.How)
        {
            case Mapping.String:
            {
                var buffer = il.DeclareLocal(typeof(byte*));
                il.Emit(OpCodes.Ldc_I4, Utf8Marshal.ShortString);
                il.Emit(OpCodes.Conv_U);
                il.Emit(OpCodes.Localloc);
                il.Emit(OpCodes.Stloc, buffer);
                var local = il.DeclareLocal(typeof(nint));
                il.Emit(OpCodes.Ldarg, p.Index + 1);
                il.Emit(OpCodes.Ldloc, buffer);
                il.Emit(OpCodes.Call, typeof(Utf8Marshal).GetMethod(nameof(Utf8Marshal.Utf8))!);
                il.Emit(OpCodes.Stloc, local);
                source.Locals[p.Index] = local;
                strings.Add((local, buffer));
                break;
            }
            case Mapping.Array:
            {
                // A pinned array local pins the array; the address of element 0 (0 for null or empty).
                var element = p.Clr.GetElementType()!;
                var pinned = il.DeclareLocal(p.Clr, pinned: true);
                var local = il.DeclareLocal(typeof(nint));
                var empty = il.DefineLabel();
                var done = il.DefineLabel();
                il.Emit(OpCodes.Ldarg, p.Index + 1);
                il.Emit(OpCodes.Dup);
                il.Emit(OpCodes.Stloc, pinned);
                il.Emit(OpCodes.Brfalse, empty);
                il.Emit(OpCodes.Ldloc, pinned);
                il.Emit(OpCodes.Ldlen);
                il.Emit(OpCodes.Brfalse, empty);
                il.Emit(OpCodes.Ldloc, pinned);
                il.Emit(OpCodes.Ldc_I4_0);
                il.Emit(OpCodes.Ldelema, element);
                il.Emit(OpCodes.Conv_U);
                il.Emit(OpCodes.Stloc, local);
                il.Emit(OpCodes.Br, done);
                il.MarkLabel(empty);
                il.Emit(OpCodes.Ldc_I4_0);
                il.Emit(OpCodes.Conv_U);
                il.Emit(OpCodes.Stloc, local);
                il.MarkLabel(done);
                source.Locals[p.Index] = local;
                break;
            }
            case Mapping.Span:
            {
                var element = p.Clr.GetGenericArguments()[0];
                var pinned = il.DeclareLocal(element.MakeByRefType(), pinned: true);
                var local = il.DeclareLocal(typeof(nint));
                il.Emit(OpCodes.Ldarga, p.Index + 1);
                il.Emit(OpCodes.Call, p.Clr.GetMethod("GetPinnableReference")!);
                il.Emit(OpCodes.Stloc, pinned);
                il.Emit(OpCodes.Ldloc, pinned);
                il.Emit(OpCodes.Conv_U);
                il.Emit(OpCodes.Stloc, local);
                source.Locals[p.Index] = local;
                break;
            }
            case Mapping.Bool:
                source.Locals[p.Index] = null; // loaded as its byte
                break;
        }
    }
        return strings;
    }
}
