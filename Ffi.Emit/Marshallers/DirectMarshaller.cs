using System.Reflection.Emit;
using Ffi.Abi;
using Ffi.Il;

namespace Ffi.Marshallers;

/// <summary>
/// A CLR scalar with the C scalar's bits (<c>int</c> for <c>int32_t</c>, <c>double</c> for <c>double</c>, an enum for a C
/// enum, <c>void</c> for <c>void</c>): passed as it is, widened only where C promotes a variadic extra.
/// </summary>
internal sealed class DirectMarshaller : ArgumentMarshaller
{
    /// <summary>The one instance.</summary>
    public static readonly DirectMarshaller Instance = new();

    private DirectMarshaller() { }

    /// <inheritdoc />
    public override string Name => "direct";

    /// <inheritdoc />
    public override void Unmarshal(DowncallStub stub, IlLocal? result)
    {
        var il = stub.Il;
        if (stub.Lowered.Return is MemoryReturn)
        {
            il.Emit(OpCodes.Ldloc, stub.ReturnStorage!);
            il.Emit(OpCodes.Ldobj, stub.ReturnType);
            il.Emit(OpCodes.Stloc, result!);
        }
        else if (Carriers.Of(stub.Lowered.Return) == typeof(void))
        {
            // void, or an empty C result for a CLR value: the default value.
            if (result is null) return;
            il.Emit(OpCodes.Ldloca, result);
            il.Emit(OpCodes.Initobj, stub.ReturnType);
        }
        else if (result is not null)
        {
            il.Emit(OpCodes.Stloc, result);
        }
    }
}
