namespace Ffi.Abi;

/// <summary>Where an argument's C bytes are in a <see cref="LoweredCall"/>'s unmanaged signature.</summary>
public enum ArgumentHomeKind
{
    /// <summary>The argument takes no register and no stack space (an empty aggregate).</summary>
    Omitted,
    /// <summary>A parameter of the signature of its own: a scalar or an eightbytes carrier.</summary>
    Slot,
    /// <summary>Inside the stack image (the signature's last parameter).</summary>
    StackImage,
}

/// <summary>
/// Where argument <c>i</c> is: which parameter of the unmanaged signature (<paramref name="Slot"/>), at which byte
/// offset inside it (non-zero only in the stack image), how many of its C bytes are there, and for a scalar its
/// representation. A downcall stub writes the argument there; a trampoline reads it from there.
/// </summary>
public readonly record struct ArgumentHome(ArgumentHomeKind Kind, int Slot, long Offset, long Bytes, ScalarRep? Rep)
{
    /// <summary>An argument that is not passed.</summary>
    public static ArgumentHome Omitted => new(ArgumentHomeKind.Omitted, -1, 0, 0, null);
}
