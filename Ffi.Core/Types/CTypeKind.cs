namespace Ffi.Types;

/// <summary>The kinds of C type a spec can describe (the spec's <c>"kind"</c> values, aliases resolved).</summary>
public enum CTypeKind
{
    /// <summary><c>void</c>: only as a return type or a pointee.</summary>
    Void,
    /// <summary>An integer of 8, 16, 32 or 64 bits, signed or unsigned (also <c>bool</c> and <c>char</c>).</summary>
    Int,
    /// <summary><c>float</c> (32 bits) or <c>double</c> (64 bits).</summary>
    Float,
    /// <summary>A data pointer, optionally tagged.</summary>
    Pointer,
    /// <summary>A fixed-length or flexible array.</summary>
    Array,
    /// <summary>A struct, possibly packed, aligned or with bitfields.</summary>
    Struct,
    /// <summary>A union: every member at offset 0.</summary>
    Union,
    /// <summary>An enumeration laid out as its integer base.</summary>
    Enum,
    /// <summary>A pointer to a function with a known signature.</summary>
    FuncPtr,
    /// <summary>An opaque tagged value laid out as its representation type.</summary>
    Handle,
}
