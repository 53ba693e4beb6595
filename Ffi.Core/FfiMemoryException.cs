namespace Ffi;

/// <summary>
/// A memory operation was refused because it would have gone wrong: an access past the end of storage
/// the engine allocated, a use after free, a double free, a null pointer, an allocation failure, or
/// invalid sizes and offsets. Nothing was read or written.
/// </summary>
public sealed class FfiMemoryException : FfiException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was refused and why, naming the operation.</param>
    public FfiMemoryException(string message) : base(message) { }
}
