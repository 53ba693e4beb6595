namespace Ffi.Abi;

/// <summary>How a scalar travels: the machine representation a stub must produce or consume.</summary>
public enum ScalarRep
{
    /// <summary>8-bit signed.</summary>
    Int8,
    /// <summary>8-bit unsigned.</summary>
    UInt8,
    /// <summary>C <c>_Bool</c>: 8-bit, 0 or 1.</summary>
    Bool,
    /// <summary>16-bit signed.</summary>
    Int16,
    /// <summary>16-bit unsigned.</summary>
    UInt16,
    /// <summary>32-bit signed.</summary>
    Int32,
    /// <summary>32-bit unsigned.</summary>
    UInt32,
    /// <summary>64-bit signed.</summary>
    Int64,
    /// <summary>64-bit unsigned.</summary>
    UInt64,
    /// <summary>32-bit IEEE float.</summary>
    Float,
    /// <summary>64-bit IEEE double.</summary>
    Double,
    /// <summary>A 64-bit address (pointers, function pointers, pointer-represented handles).</summary>
    Pointer,
}
