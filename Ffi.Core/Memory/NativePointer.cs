using System.Globalization;
using Ffi.Types;

namespace Ffi.Memory;

/// <summary>
/// A native address with what the engine knows about it: the type it points to, an optional tag (as the
/// original's tagged pointer handles — handle types and tagged pointers set one), and, for memory the engine
/// allocated, the block it lies in, so that every access through it is bounds-checked and refused after free.
/// </summary>
/// <remarks>
/// Two pointers are equal when their address and tag are equal. <see cref="ToString()"/> prints <c>0x…</c>
/// in lowercase hex. Pointers that come from C carry no block and are not bounds-checked.
/// </remarks>
public readonly struct NativePointer : IEquatable<NativePointer>
{
    internal NativePointer(nint address, CType? type, string? tag, NativeBlock? block)
    {
        Address = address;
        Type = type;
        Tag = tag;
        Block = block;
    }

    /// <summary>The null pointer (untagged <c>void*</c>).</summary>
    public static NativePointer Null => default;

    /// <summary>Wraps a raw address (not bounds-checked).</summary>
    /// <param name="address">The address.</param>
    /// <param name="type">What it points to, if known.</param>
    /// <param name="tag">A tag, if any.</param>
    public static NativePointer FromAddress(nint address, CType? type = null, string? tag = null) => new(address, type, tag, null);

    /// <summary>The address.</summary>
    public nint Address { get; }

    /// <summary>What the pointer points to (for a handle value: the handle type); <see langword="null"/> for <c>void*</c>.</summary>
    public CType? Type { get; }

    /// <summary>The tag, or <see langword="null"/> for an untagged pointer.</summary>
    public string? Tag { get; }

    /// <summary>The engine block the pointer lies in, or <see langword="null"/> for memory the engine did not allocate.</summary>
    public NativeBlock? Block { get; }

    /// <summary>Whether the address is 0.</summary>
    public bool IsNull => Address == 0;

    /// <summary>Bytes known to be valid from <see cref="Address"/> to the end of the block; <see langword="null"/> when unknown.</summary>
    public long? Extent => Block is { Size: >= 0 } b ? b.Base + b.Size - Address : null;

    /// <summary>The same address, seen as pointing to <paramref name="type"/> (same block, tag cleared unless given).</summary>
    public NativePointer As(CType? type, string? tag = null) => new(Address, type, tag, Block);

    /// <summary>A pointer <paramref name="bytes"/> further into the same block, pointing to <paramref name="type"/>.</summary>
    public NativePointer Offset(long bytes, CType? type) => new((nint)(Address + bytes), type, null, Block);

    /// <inheritdoc />
    public bool Equals(NativePointer other) => Address == other.Address && Tag == other.Tag;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is NativePointer p && Equals(p);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Address, Tag);

    /// <summary>Equality of address and tag.</summary>
    public static bool operator ==(NativePointer left, NativePointer right) => left.Equals(right);

    /// <summary>Inequality of address or tag.</summary>
    public static bool operator !=(NativePointer left, NativePointer right) => !left.Equals(right);

    /// <summary>The address as <c>0x…</c> in lowercase hex (<c>0x0</c> for null).</summary>
    public override string ToString() => "0x" + ((ulong)Address).ToString("x", CultureInfo.InvariantCulture);
}
