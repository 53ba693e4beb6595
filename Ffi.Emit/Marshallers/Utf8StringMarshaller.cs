using System.Reflection.Emit;
using Ffi.Il;
using Ffi.Runtime;

namespace Ffi.Marshallers;

/// <summary>
/// A CLR <c>string</c> for a C <c>const char *</c>: copied to NUL-terminated UTF-8 for the call (into a stack buffer
/// when short, <see cref="Utf8Marshal.ShortString"/> bytes, else native memory released after the call); a
/// <c>char *</c> from C is read as UTF-8 (null for NULL). Only for <c>const</c> pointees: C may not write into
/// the temporary copy (the rule is in <c>MappingRules</c>).
/// </summary>
internal sealed class Utf8StringMarshaller : ArgumentMarshaller
{
    /// <summary>The one instance.</summary>
    public static readonly Utf8StringMarshaller Instance = new();

    private Utf8StringMarshaller() { }

    /// <inheritdoc />
    public override string Name => "UTF-8 string";

    /// <inheritdoc />
    public override void Pin(DowncallStub stub, DowncallArgument a)
    {
        var il = stub.Il;
        var buffer = il.DeclareLocal(typeof(byte*));
        il.Emit(OpCodes.Ldc_I4, Utf8Marshal.ShortString);
        il.Emit(OpCodes.Conv_U);
        il.Emit(OpCodes.Localloc);
        il.Emit(OpCodes.Stloc, buffer);
        var local = il.DeclareLocal(typeof(nint));
        il.Emit(OpCodes.Ldarg, a.Index + 1);
        il.Emit(OpCodes.Ldloc, buffer);
        il.Emit(OpCodes.Call, typeof(Utf8Marshal).GetMethod(nameof(Utf8Marshal.Utf8))!);
        il.Emit(OpCodes.Stloc, local);
        a.Value = local;
        a.Kept = buffer;
    }

    /// <inheritdoc />
    public override void Unmarshal(DowncallStub stub, IlLocal? result)
    {
        stub.Il.Emit(OpCodes.Call, typeof(Utf8Marshal).GetMethod(nameof(Utf8Marshal.String))!);
        stub.Il.Emit(OpCodes.Stloc, result!);
    }

    /// <inheritdoc />
    public override void Cleanup(DowncallStub stub, DowncallArgument a)
    {
        stub.Il.Emit(OpCodes.Ldloc, a.Value!);
        stub.Il.Emit(OpCodes.Ldloc, a.Kept!);
        stub.Il.Emit(OpCodes.Call, typeof(Utf8Marshal).GetMethod(nameof(Utf8Marshal.Release))!);
    }

    /// <inheritdoc />
    protected override void FromCarrier(UpcallFrame frame, int index) =>
        frame.Il.Emit(OpCodes.Call, typeof(Utf8Marshal).GetMethod(nameof(Utf8Marshal.String))!);
}
