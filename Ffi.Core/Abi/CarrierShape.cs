namespace Ffi.Abi;

/// <summary>
/// The register carrier of an aggregate passed or returned in registers: its used eightbytes' classes, in order
/// (<c>I</c> = INTEGER, <c>S</c> = SSE). Trailing padding-only eightbytes are not part of the carrier: a 16-byte
/// struct aligned to 16 whose second eightbyte is padding travels as <see cref="I"/>.
/// </summary>
public enum CarrierShape
{
    /// <summary>One general register.</summary>
    I,
    /// <summary>One vector register.</summary>
    S,
    /// <summary>Two general registers.</summary>
    II,
    /// <summary>A general register, then a vector register.</summary>
    IS,
    /// <summary>A vector register, then a general register.</summary>
    SI,
    /// <summary>Two vector registers.</summary>
    SS,
}

/// <summary>Facts about <see cref="CarrierShape"/>s.</summary>
public static class CarrierShapes
{
    /// <summary>The carrier's size in bytes: 8 for one eightbyte, 16 for two.</summary>
    public static int Size(this CarrierShape shape) => shape is CarrierShape.I or CarrierShape.S ? 8 : 16;
}
