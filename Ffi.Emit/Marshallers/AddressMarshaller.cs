using System.Reflection.Emit;
using Ffi.Il;

namespace Ffi.Marshallers;

/// <summary>
/// A raw address (<c>nint</c>, <c>nuint</c> or a CLR pointer <c>T*</c>) for a C pointer, function pointer or
/// pointer-represented handle: the same 8 bytes both ways, no tag and no check.
/// </summary>
internal sealed class AddressMarshaller : ArgumentMarshaller
{
    /// <summary>The one instance.</summary>
    public static readonly AddressMarshaller Instance = new();

    private AddressMarshaller() { }

    /// <inheritdoc />
    public override string Name => "address";

    /// <inheritdoc />
    public override void Unmarshal(DowncallStub stub, IlLocal? result)
    {
        if (result is not null) stub.Il.Emit(OpCodes.Stloc, result);
    }
}
