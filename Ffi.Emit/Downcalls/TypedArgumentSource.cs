using System.Reflection.Emit;
using Ffi.Abi;
using Ffi.Il;
using Ffi.Marshallers;

namespace Ffi.Downcalls;

/// <summary>The push stage of a typed stub: the call asks each argument's marshaller for its carrier.</summary>
internal sealed class TypedArgumentSource(DowncallStub stub, IReadOnlyList<DowncallArgument> arguments) : ArgumentSource
{
    private readonly Dictionary<int, DowncallArgument> _byIndex = arguments.ToDictionary(a => a.Index);

    public override void PushValue(IlWriter g, int index, Type carrier, int bytes) => _byIndex[index].Marshaller.PushValue(g, _byIndex[index], carrier, bytes);

    public override void PushAddress(IlWriter g, int index) => _byIndex[index].Marshaller.PushAddress(g, _byIndex[index]);

    public override void PushReturnPointer(IlWriter g) => g.Emit(OpCodes.Ldloc, stub.ReturnStorage!);

    // The image is one argument's bytes from offset 0 to its end (a lone MEMORY-class struct): its marshaller may push
    // the argument itself.
    public override Type? TryPushWholeImage(IlWriter g, StackImageSlot image) =>
        image.Copies is [{ Offset: 0 } copy] && copy.Bytes == image.Size
            ? _byIndex[copy.Argument].Marshaller.TryPushWhole(g, _byIndex[copy.Argument], image.Size)
            : null;
}
