using System.Reflection.Emit;
using Ffi.Abi;
using Ffi.Il;

namespace Ffi.Marshallers;

/// <summary>
/// A CLR <c>bool</c> for a C <c>bool</c> (<c>_Bool</c>): passed as its byte; a byte from C is read as
/// <c>value != 0</c>, since only the low 8 bits of the register are defined (psABI §3.2.3).
/// </summary>
internal sealed class BoolMarshaller : ArgumentMarshaller
{
    /// <summary>The one instance.</summary>
    public static readonly BoolMarshaller Instance = new();

    private BoolMarshaller() { }

    /// <inheritdoc />
    public override string Name => "bool";

    /// <inheritdoc />
    public override void PushAddress(IlWriter il, DowncallArgument a) =>
        PushConvertedAddress(il, a, Carriers.Scalar(SysVCallPlanner.RepOf(a.C)));

    /// <inheritdoc />
    public override void Unmarshal(DowncallStub stub, IlLocal? result)
    {
        stub.Il.Emit(OpCodes.Ldc_I4_0);
        stub.Il.Emit(OpCodes.Cgt_Un);
        stub.Il.Emit(OpCodes.Stloc, result!);
    }

    /// <inheritdoc />
    protected override void FromCarrier(UpcallFrame frame, int index)
    {
        frame.Il.Emit(OpCodes.Ldc_I4_0);
        frame.Il.Emit(OpCodes.Cgt_Un);
    }
}
