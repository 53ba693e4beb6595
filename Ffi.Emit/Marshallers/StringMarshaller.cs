using System.Reflection.Emit;
using System.Reflection;
using Ffi.Il;
using Ffi.Interop;
using Ffi.Runtime;

namespace Ffi.Marshallers;

/// <summary>
/// A CLR <c>string</c> for a C string, in one of two encodings (the runtime halves are <see cref="Utf8Marshal"/> and
/// <see cref="Utf32Marshal"/>, which share their method shapes):
/// <list type="bullet">
/// <item><see cref="Utf8"/>, for <c>const char *</c>: copied to NUL-terminated UTF-8 for the call; a <c>char *</c>
/// from C is read as UTF-8.</item>
/// <item><see cref="Utf32"/>, for <c>const wchar_t *</c> (<c>wchar_t</c> is 4 bytes on Linux x86-64): copied to
/// NUL-terminated UTF-32; a <c>wchar_t *</c> from C (a result, a callback's argument) is read up to its NUL.</item>
/// </list>
/// The copy goes into a stack buffer when short, else into native memory released after the call; NULL reads as
/// null. Only for <c>const</c> pointees: C may not write into the temporary copy (the rule is in <c>MappingRules</c>).
/// </summary>
internal sealed class StringMarshaller : ArgumentMarshaller
{
    /// <summary>UTF-8, for <c>const char *</c>.</summary>
    public static readonly StringMarshaller Utf8 = new("UTF-8 string", typeof(Utf8Marshal), nameof(Utf8Marshal.Utf8), Utf8Marshal.ShortString);

    /// <summary>UTF-32, for <c>const wchar_t *</c>.</summary>
    public static readonly StringMarshaller Utf32 = new("UTF-32 string", typeof(Utf32Marshal), nameof(Utf32Marshal.Utf32), Utf32Marshal.ShortString);

    private readonly MethodInfo _copy;
    private readonly MethodInfo _read;
    private readonly MethodInfo _release;
    private readonly int _shortString;

    private StringMarshaller(string name, Type runtime, string copy, int shortString)
    {
        Name = name;
        _copy = runtime.GetMethod(copy)!;
        _read = runtime.GetMethod(nameof(Utf8Marshal.String))!;
        _release = runtime.GetMethod(nameof(Utf8Marshal.Release))!;
        _shortString = shortString;
    }

    /// <inheritdoc />
    public override string Name { get; }

    /// <inheritdoc />
    public override void Pin(DowncallStub stub, DowncallArgument a)
    {
        var il = stub.Il;
        var buffer = il.DeclareLocal(typeof(byte*));
        il.Emit(OpCodes.Ldc_I4, _shortString);
        il.Emit(OpCodes.Conv_U);
        il.Emit(OpCodes.Localloc);
        il.Emit(OpCodes.Stloc, buffer);
        var local = il.DeclareLocal(typeof(nint));
        il.Emit(OpCodes.Ldarg, a.IlArgument);
        il.Emit(OpCodes.Ldloc, buffer);
        il.Emit(OpCodes.Call, _copy);
        il.Emit(OpCodes.Stloc, local);
        a.Value = local;
        a.Kept = buffer;
    }

    /// <inheritdoc />
    public override void Unmarshal(DowncallStub stub, IlLocal? result)
    {
        stub.Il.Emit(OpCodes.Call, _read);
        stub.Il.Emit(OpCodes.Stloc, result!);
    }

    /// <inheritdoc />
    public override void Cleanup(DowncallStub stub, DowncallArgument a)
    {
        stub.Il.Emit(OpCodes.Ldloc, a.Value!);
        stub.Il.Emit(OpCodes.Ldloc, a.Kept!);
        stub.Il.Emit(OpCodes.Call, _release);
    }

    /// <inheritdoc />
    protected override void FromCarrier(UpcallFrame frame, int index) => frame.Il.Emit(OpCodes.Call, _read);
}
