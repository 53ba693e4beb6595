namespace Ffi.Layout;

/// <summary>
/// The result of laying out a struct or union: its size and alignment in bytes and, per member in
/// declaration order, the offset of its first bit from the start of the aggregate.
/// </summary>
/// <param name="Size">Size in bytes, tail padding included.</param>
/// <param name="Align">Alignment in bytes.</param>
/// <param name="BitOffsets">Per member, bits from the start (LSB first); a multiple of 8 for ordinary members.</param>
public sealed record AggregateLayout(long Size, int Align, IReadOnlyList<long> BitOffsets);
