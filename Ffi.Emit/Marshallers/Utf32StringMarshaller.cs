using System.Reflection.Emit;
using Ffi.Il;
using Ffi.Runtime;

namespace Ffi.Marshallers;

/// <summary>
/// A CLR <c>string</c> for a C <c>const wchar_t *</c>: <c>wchar_t</c> is 4 bytes on Linux x86-64, so the string is
/// copied to NUL-terminated UTF-32 for the call (a stack buffer of <see cref="Utf32Marshal.ShortString"/> bytes when
/// short, else native memory released after the call); a <c>wchar_t *</c> from C (a result, a callback's argument)
/// is read as UTF-32 up to its NUL (null for NULL). Only for <c>const</c> pointees, as for UTF-8 strings.
/// </summary>
internal sealed class Utf32StringMarshaller : ArgumentMarshaller
{
    /// <summary>The one instance.</summary>
    public static readonly Utf32StringMarshaller Instance = new();

    private Utf32StringMarshaller() { }

    /// <inheritdoc />
    public override string Name => "UTF-32 string";

    /// <inheritdoc />
    public override void Pin(DowncallStub stub, DowncallArgument a)
    {
        var il = stub.Il;
        var buffer = il.DeclareLocal(typeof(byte*));
        il.Emit(OpCodes.Ldc_I4, Utf32Marshal.ShortString);
        il.Emit(OpCodes.Conv_U);
        il.Emit(OpCodes.Localloc);
        il.Emit(OpCodes.Stloc, buffer);
        var local = il.DeclareLocal(typeof(nint));
        il.Emit(OpCodes.Ldarg, a.Index + 1);
        il.Emit(OpCodes.Ldloc, buffer);
        il.Emit(OpCodes.Call, typeof(Utf32Marshal).GetMethod(nameof(Utf32Marshal.Utf32))!);
        il.Emit(OpCodes.Stloc, local);
        a.Value = local;
        a.Kept = buffer;
    }

    /// <inheritdoc />
    public override void Unmarshal(DowncallStub stub, IlLocal? result)
    {
        stub.Il.Emit(OpCodes.Call, typeof(Utf32Marshal).GetMethod(nameof(Utf32Marshal.String))!);
        stub.Il.Emit(OpCodes.Stloc, result!);
    }

    /// <inheritdoc />
    public override void Cleanup(DowncallStub stub, DowncallArgument a)
    {
        stub.Il.Emit(OpCodes.Ldloc, a.Value!);
        stub.Il.Emit(OpCodes.Ldloc, a.Kept!);
        stub.Il.Emit(OpCodes.Call, typeof(Utf32Marshal).GetMethod(nameof(Utf32Marshal.Release))!);
    }

    /// <inheritdoc />
    protected override void FromCarrier(UpcallFrame frame, int index) =>
        frame.Il.Emit(OpCodes.Call, typeof(Utf32Marshal).GetMethod(nameof(Utf32Marshal.String))!);
}
