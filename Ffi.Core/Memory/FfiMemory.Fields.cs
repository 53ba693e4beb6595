using System.Diagnostics.CodeAnalysis;
using Ffi.Types;

namespace Ffi.Memory;

// Field access by name and path (the original's getf/setf), bitfields included.
public sealed partial class FfiMemory
{
    /// <summary>
    /// Reads the member at <paramref name="path"/> (<c>"avail_in"</c>, <c>"hdr.items[3].len"</c>; empty for the
    /// whole value) of the object <paramref name="p"/> points to: scalars by value (bitfields sign-extended for
    /// signed types), aggregates as an interior pointer.
    /// </summary>
    /// <exception cref="FfiArgumentException">The pointer has no type, or no such member.</exception>
    /// <exception cref="FfiMemoryException">Null, released, or out of bounds.</exception>
    public object? Get(NativePointer p, string path = "") => Get(TypeFor(p, "Get"), p, path);

    /// <summary>Reads a member of the object of type <paramref name="type"/> at <paramref name="p"/>.</summary>
    /// <inheritdoc cref="Get(NativePointer, string)"/>
    public object? Get(string type, NativePointer p, string path = "") => Get(TypeOf(type), p, path);

    /// <inheritdoc cref="Get(string, NativePointer, string)"/>
    public object? Get(CType type, NativePointer p, string path = "")
    {
        ArgumentNullException.ThrowIfNull(type);
        var where = $"Get({p}, \"{path}\")";
        var loc = FieldPath.Locate(type, path, where);
        if (loc.BitWidth is int width)
        {
            CheckAccess(p, loc.BitOffset / 8, BitAccess.BytesTouched(loc.BitOffset, width), where);
            return ReadBitfield(loc.Type, p.Address, loc.BitOffset, width);
        }
        CheckAccess(p, loc.Offset, Math.Max(loc.Type.Size, 0), where);
        if (ScalarMemory.IsScalar(loc.Type)) return ScalarMemory.Read(loc.Type, p.Address + (nint)loc.Offset);
        if (loc.Type is VoidType) throw new FfiArgumentException(where, "cannot read a void value");
        return p.Offset(loc.Offset, loc.Type);
    }

    /// <summary>
    /// Writes the member at <paramref name="path"/>: scalars converted with range checks, bitfields within their
    /// width, aggregates copied from storage (a <see cref="NativePointer"/>) or written from a managed value.
    /// </summary>
    /// <exception cref="FfiArgumentException">The pointer has no type, no such member, or the value does not fit.</exception>
    /// <exception cref="FfiMemoryException">Null, released, or out of bounds.</exception>
    public void Set(NativePointer p, string path, object? value) => Set(TypeFor(p, "Set"), p, path, value);

    /// <summary>Writes a member of the object of type <paramref name="type"/> at <paramref name="p"/>.</summary>
    /// <inheritdoc cref="Set(NativePointer, string, object?)"/>
    public void Set(string type, NativePointer p, string path, object? value) => Set(TypeOf(type), p, path, value);

    /// <summary>
    /// <see cref="Set(NativePointer, string, object?)"/> with a value of static type <typeparamref name="T"/> (C# picks
    /// this overload unless the value is typed <see cref="object"/>): an object written to an aggregate member has its
    /// public properties and fields read through <typeparamref name="T"/>, which keeps them under trimming (docs/aot.md).
    /// </summary>
    /// <inheritdoc cref="Set(NativePointer, string, object?)"/>
    public void Set<[DynamicallyAccessedMembers(InitializerMembers.Kept)] T>(NativePointer p, string path, T value) =>
        Set(TypeFor(p, "Set"), p, path, InitializerMembers.Typed(value));

    /// <inheritdoc cref="Set{T}(NativePointer, string, T)"/>
    public void Set<[DynamicallyAccessedMembers(InitializerMembers.Kept)] T>(string type, NativePointer p, string path, T value) =>
        Set(TypeOf(type), p, path, InitializerMembers.Typed(value));

    /// <inheritdoc cref="Set{T}(NativePointer, string, T)"/>
    public void Set<[DynamicallyAccessedMembers(InitializerMembers.Kept)] T>(CType type, NativePointer p, string path, T value) =>
        Set(type, p, path, InitializerMembers.Typed(value));

    /// <inheritdoc cref="Set(string, NativePointer, string, object?)"/>
    public unsafe void Set(CType type, NativePointer p, string path, object? value)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(path);
        var where = $"Set({p}, \"{path}\")";
        var loc = FieldPath.Locate(type, path, where);
        if (loc.BitWidth is int width)
        {
            CheckAccess(p, loc.BitOffset / 8, BitAccess.BytesTouched(loc.BitOffset, width), where);
            WriteBitfield(loc.Type, p.Address, loc.BitOffset, width, value is TypedInitializer typed ? typed.Value : value, where);
            return;
        }
        CheckAccess(p, loc.Offset, loc.Type.Size, where);
        if (loc.Type is VoidType) throw new FfiArgumentException(where, "cannot write a void value");
        ReplaceValue(loc.Type, p.Address + (nint)loc.Offset, value, where);
    }

    /// <summary>
    /// Writes <paramref name="value"/> over the whole <paramref name="type"/> at <paramref name="address"/>. A managed
    /// aggregate value replaces the whole aggregate (unmentioned members become 0) and is built aside first, so a value
    /// that does not fit (unknown field, range) leaves the memory as it was.
    /// </summary>
    internal static unsafe void ReplaceValue(CType type, nint address, object? value, string where)
    {
        if (!type.IsAggregate || value is NativePointer or null)
        {
            WriteValue(type, address, value, where);
            return;
        }
        // Built in native memory: an aggregate can be larger than a managed array may be (2 GiB).
        nint staging = NativeMemoryApi.Calloc((nuint)Math.Max(type.Size, 1), 1);
        if (staging == 0) throw new FfiMemoryException($"{where}: out of memory staging a {type.Size}-byte {type.DisplayName}");
        try
        {
            WriteValue(type, staging, value, where);
            Buffer.MemoryCopy((void*)staging, (void*)address, type.Size, type.Size);
        }
        finally
        {
            NativeMemoryApi.Free(staging);
        }
    }

    private static CType TypeFor(NativePointer p, string op) =>
        p.Type ?? throw new FfiArgumentException($"{op}({p})", "the pointer has no type (void*); name the type, e.g. Get(\"point\", p, path), or Cast it first");
}
