
namespace Ffi.Memory;

// Field access on a StructValue the dynamic API returns (an FfiValue's: FfiValueMemory.Get, in Ffi.Values).
public sealed partial class FfiMemory
{
    /// <summary>Reads a member of a <see cref="StructValue"/>, as its indexer does.</summary>
    /// <inheritdoc cref="Get(NativePointer, string)"/>
    public object? Get(StructValue value, string path = "")
    {
        ArgumentNullException.ThrowIfNull(value);
        return value[path];
    }
}
