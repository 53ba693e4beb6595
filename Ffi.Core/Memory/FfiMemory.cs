using Ffi.Types;
using Ffi.Spec;

namespace Ffi.Memory;

/// <summary>
/// The memory toolbox (the original's <c>__mem</c>, made safe): type queries, raw allocation, typed
/// boxes, field access by name and path, bit access, finalizers and arenas — over the types of a
/// <see cref="TypeRegistry"/>. Memory it allocates is owned by it (or by an <see cref="Arena"/>) and
/// released by <see cref="BlockOwner.Dispose()"/> unless freed before or given to the GC with
/// <see cref="Gc"/>. Access through pointers to such memory is bounds-checked; after release it is
/// refused. Thread-safe.
/// </summary>
/// <example>
/// <code>
/// using var mem = new FfiMemory(spec.Types);
/// var s = mem.Box("z_stream", new { avail_in = 5u });
/// mem.Set(s, "avail_out", 100);
/// uint availIn = (uint)mem.Get(s, "avail_in")!;
/// </code>
/// </example>
public sealed partial class FfiMemory : BlockOwner
{
    /// <summary>Creates a toolbox over <paramref name="types"/>.</summary>
    /// <param name="types">The types names refer to (a spec's <see cref="Spec.FfiSpec.Types"/>, or <see cref="TypeRegistry.BuiltinsOnly"/>).</param>
    /// <param name="defaultLibrary">The library <see cref="Finalizer.Function"/> finalizers default to.</param>
    public FfiMemory(TypeRegistry types, string? defaultLibrary = null)
    {
        ArgumentNullException.ThrowIfNull(types);
        Types = types;
        DefaultLibrary = defaultLibrary;
    }

    /// <summary>The types names refer to.</summary>
    public TypeRegistry Types { get; }

    /// <summary>The library symbol finalizers default to.</summary>
    public string? DefaultLibrary { get; }

    /// <summary>Checks that <paramref name="length"/> bytes at <paramref name="offset"/> from <paramref name="p"/> may be touched.</summary>
    /// <exception cref="FfiMemoryException">Null, released, or outside the block the engine allocated.</exception>
    internal static void CheckAccess(NativePointer p, long offset, long length, string where)
    {
        if (p.IsNull) throw new FfiMemoryException($"{where}: null pointer");
        var b = p.Block;
        if (b is null) return;
        if (!b.IsLive) throw new FfiMemoryException($"{where}: use after free: the block at {p} was released");
        if (b.Size < 0) return;
        long start = p.Address - b.Base + offset;
        if (length < 0 || start < 0 || start > b.Size - length)
            throw new FfiMemoryException($"{where}: {length} byte(s) at offset {start} are outside the {b.Size}-byte allocation at 0x{(ulong)b.Base:x}");
    }

    /// <summary>Whether <see cref="CheckAccess"/> would accept <paramref name="length"/> bytes at <paramref name="p"/> (no exception).</summary>
    internal static bool CanAccess(NativePointer p, long length)
    {
        if (p.IsNull) return false;
        if (p.Block is not { } b) return true;
        if (!b.IsLive) return false;
        long start = p.Address - b.Base;
        return b.Size < 0 || (start >= 0 && start <= b.Size - length);
    }

    /// <summary>The type a name or inline JSON type object stands for.</summary>
    /// <param name="nameOrJson">A type name (<c>"z_stream"</c>, <c>"int"</c>) or an inline type object (<c>{"kind":"array","of":"int","len":4}</c>).</param>
    /// <exception cref="FfiNameException">Unknown name (the message suggests the nearest).</exception>
    /// <exception cref="FfiSpecException">Malformed inline type object (path <c>$…</c>).</exception>
    public CType TypeOf(string nameOrJson)
    {
        ArgumentNullException.ThrowIfNull(nameOrJson);
        if (nameOrJson.TrimStart().StartsWith('{')) return Types.ParseType(nameOrJson);
        return Types[nameOrJson];
    }

    /// <summary>The size in bytes of a type (<c>sizeof</c>).</summary>
    public long SizeOf(string type) => TypeOf(type).Size;

    /// <summary>The size in bytes of a type (<c>sizeof</c>).</summary>
    public long SizeOf(CType type) => NotNull(type).Size;

    /// <summary>The alignment in bytes of a type (<c>_Alignof</c>).</summary>
    public int AlignOf(string type) => TypeOf(type).Align;

    /// <summary>The alignment in bytes of a type (<c>_Alignof</c>).</summary>
    public int AlignOf(CType type) => NotNull(type).Align;

    /// <summary>The byte offset of a member path (<c>offsetof</c>; for a bitfield, the byte of its first bit).</summary>
    /// <exception cref="FfiArgumentException">No such member.</exception>
    public long OffsetOf(string type, string path) => Locate(TypeOf(type), path).Offset;

    /// <summary>The byte offset of a member path (<c>offsetof</c>; for a bitfield, the byte of its first bit).</summary>
    /// <exception cref="FfiArgumentException">No such member.</exception>
    public long OffsetOf(CType type, string path) => Locate(type, path).Offset;

    /// <summary>Where a member path lands: type, bit offset and, for bitfields, width.</summary>
    /// <exception cref="FfiArgumentException">No such member.</exception>
    public FieldLocation Locate(string type, string path) => Locate(TypeOf(type), path);

    /// <summary>Where a member path lands: type, bit offset and, for bitfields, width.</summary>
    /// <exception cref="FfiArgumentException">No such member.</exception>
    public FieldLocation Locate(CType type, string path) => FieldPath.Locate(NotNull(type), path, $"OffsetOf({type.DisplayName}, \"{path}\")");

    private static CType NotNull(CType type) => type ?? throw new ArgumentNullException(nameof(type));
}
