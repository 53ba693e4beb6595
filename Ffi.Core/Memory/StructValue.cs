using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Ffi.Types;

namespace Ffi.Memory;

/// <summary>
/// A struct, union or array value — what a C function returning an aggregate by value gives back through
/// <c>Invoke(object?[])</c>, and what a dynamic callback receives for a by-value aggregate. Members are read and written
/// by name or path; the value can be passed back to any function taking the same type (or one of the same size) by value.
/// </summary>
/// <remarks>
/// <para>
/// A result or callback argument is a <b>managed copy</b>: its bytes live in this object (inline up to 16 bytes, in a
/// managed array beyond), so it costs no native allocation and the garbage collector reclaims it — a loop of calls
/// stays flat with nothing to free. Reading and writing scalar members works on those bytes.
/// </para>
/// <para>
/// The original's semantics ("an aggregate returned by value becomes owned native storage of that type") are one step
/// away: the first use of <see cref="Pointer"/> (or of a member that is itself an aggregate, which is returned as an
/// interior pointer) copies the value into new storage owned by the module's memory, and from then on the value
/// <em>is</em> that storage: reads and writes go to it, C may keep the pointer, <c>module.Memory.Free(value.Pointer)</c>
/// releases it, and disposing the module releases it otherwise. <see cref="InStorage"/> says which form it is in.
/// A variable's aggregate value is a managed copy too.
/// </para>
/// <para>Like a C struct, a value is not safe for concurrent writes from several threads.</para>
/// </remarks>
/// <example>
/// <code>
/// var d = (StructValue)libc.Invoke("div", 17, 5)!;
/// int quot = (int)d["quot"]!;        // 3 (read from the managed copy)
/// d["rem"] = 0;                      // writes the copy
/// NativePointer p = d.Pointer;       // now native storage owned by the module (bounds-checked pointer)
/// </code>
/// </example>
public sealed class StructValue
{
    /// <summary>Values up to this size keep their bytes inside the object (one allocation per value).</summary>
    internal const int InlineBytes = 16;

    private readonly FfiMemory _memory;
    private readonly byte[]? _large;       // managed bytes of a value over InlineBytes
    private Inline16 _inline;              // managed bytes of a small value
    private NativePointer _storage;        // the storage, once the value lives there
    private volatile bool _inStorage;      // published after _storage

    // Moving into storage is rare (once per value, only when asked): one lock for all values is enough.
    private static readonly Lock MoveLock = new();

    [InlineArray(InlineBytes)]
    private struct Inline16
    {
        private byte _first;
    }

    /// <summary>A copy of the <paramref name="type"/> value at <paramref name="from"/> in new storage of <paramref name="memory"/>.</summary>
    internal static unsafe StructValue CopyOf(FfiMemory memory, CType type, nint from)
    {
        var storage = memory.New(type);
        Buffer.MemoryCopy((void*)from, (void*)storage.Address, type.Size, type.Size);
        return new StructValue(memory, storage);
    }

    /// <summary>
    /// A managed copy of the <paramref name="type"/> value at <paramref name="from"/> (no native allocation); a value
    /// larger than a managed array can hold goes to storage, as before.
    /// </summary>
    internal static unsafe StructValue Managed(FfiMemory memory, CType type, byte* from) => type.Size <= Array.MaxLength
        ? new(memory, type, new ReadOnlySpan<byte>(from, (int)type.Size))
        : CopyOf(memory, type, (nint)from);

    internal StructValue(FfiMemory memory, CType type, ReadOnlySpan<byte> bytes)
    {
        _memory = memory;
        Type = type;
        if (bytes.Length > InlineBytes) _large = bytes.ToArray();
        else bytes.CopyTo(_inline);
    }

    internal StructValue(FfiMemory memory, NativePointer pointer)
    {
        _memory = memory;
        _storage = pointer;
        _inStorage = true;
        Type = pointer.Type ?? throw new ArgumentException("a struct value needs a typed pointer", nameof(pointer));
    }

    /// <summary>The C type of the value.</summary>
    public CType Type { get; }

    /// <summary>
    /// Whether the value lives in native storage owned by the module's memory (after <see cref="Pointer"/> was used,
    /// or from the start for values read from variables); <see langword="false"/> for a managed copy.
    /// </summary>
    public bool InStorage => _inStorage;

    /// <summary>
    /// A typed, bounds-checked pointer to the value's native storage (valid until freed or the module is disposed).
    /// For a managed copy, the first use allocates that storage in the module's memory and moves the value there.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The value is a managed copy and the module was disposed.</exception>
    public NativePointer Pointer => _inStorage ? _storage : MoveToStorage();

    /// <summary>
    /// A member by name or path (<c>"quot"</c>, <c>"hdr.items[3].len"</c>): scalars by value; a nested aggregate as an
    /// interior pointer (which moves a managed copy into storage, see <see cref="Pointer"/>).
    /// </summary>
    /// <exception cref="FfiArgumentException">No such member, or a value that does not convert.</exception>
    /// <exception cref="FfiMemoryException">The storage was freed.</exception>
    public unsafe object? this[string path]
    {
        get
        {
            if (_inStorage || NeedsAddress(path)) return _memory.Get(Type, Pointer, path);
            fixed (byte* p = &Bytes) return _memory.Get(Type, NativePointer.FromAddress((nint)p, Type), path);
        }
        set
        {
            if (_inStorage)
            {
                _memory.Set(Type, _storage, path, value);
                return;
            }
            fixed (byte* p = &Bytes) _memory.Set(Type, NativePointer.FromAddress((nint)p, Type), path, value);
        }
    }

    /// <summary>Copies the value's bytes (<see cref="CType.Size"/> of its type) to <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than the value.</exception>
    /// <exception cref="FfiMemoryException">The storage was freed.</exception>
    public unsafe void CopyTo(Span<byte> destination)
    {
        if (destination.Length < Type.Size) throw new ArgumentException($"{Type.DisplayName} needs {Type.Size} bytes, the span has {destination.Length}", nameof(destination));
        fixed (byte* to = destination) WriteTo(Type, (nint)to, $"{Type.DisplayName}.CopyTo");
    }

    /// <summary>
    /// Writes the value over the <paramref name="type"/> at <paramref name="address"/> (a by-value argument, a member,
    /// a callback's result): storage of the same size is required, and storage must be live.
    /// </summary>
    internal unsafe void WriteTo(CType type, nint address, string where)
    {
        if (_inStorage)
        {
            FfiMemory.CopyAggregate(type, address, _storage, where);
            return;
        }
        if (Type != type && Type.Size != type.Size)
            throw new FfiArgumentException(where, $"aggregate requires a value of a compatible type ({type.DisplayName}, {type.Size} bytes), not {Type.DisplayName} ({Type.Size} bytes)");
        fixed (byte* p = &Bytes) Buffer.MemoryCopy(p, (void*)address, type.Size, type.Size);
    }

    /// <summary>The fast paths' form of <see cref="WriteTo"/>: false (nothing written) where it would throw.</summary>
    internal unsafe bool TryWriteTo(long size, byte* into)
    {
        if (Type.Size != size) return false;
        if (_inStorage)
        {
            if (!FfiMemory.CanAccess(_storage, size)) return false;
            Buffer.MemoryCopy((void*)_storage.Address, into, size, size);
            return true;
        }
        fixed (byte* p = &Bytes) Buffer.MemoryCopy(p, into, size, size);
        return true;
    }

    /// <summary>The pointer to the value's storage (see <see cref="Pointer"/>).</summary>
    public static implicit operator NativePointer(StructValue value) => (value ?? throw new ArgumentNullException(nameof(value))).Pointer;

    /// <summary>The type and address, e.g. <c>div_t at 0x55d0c0a1b2c0</c>, or <c>div_t (managed copy)</c>.</summary>
    public override string ToString() => _inStorage ? $"{Type.DisplayName} at {_storage}" : $"{Type.DisplayName} (managed copy)";

    // The first managed byte (the inline bytes, or the large array's first element; a zero-size value has none, and
    // then the inline buffer stands in).
    private ref byte Bytes => ref (_large is { Length: > 0 } large ? ref MemoryMarshal.GetArrayDataReference(large) : ref _inline[0]);

    // A path whose member is an aggregate is read as an interior pointer, which needs storage.
    private bool NeedsAddress(string path)
    {
        var loc = FieldPath.Locate(Type, path, $"Get({this}, \"{path}\")");
        return loc.BitWidth is null && !ScalarMemory.IsScalar(loc.Type) && loc.Type is not VoidType;
    }

    private unsafe NativePointer MoveToStorage()
    {
        lock (MoveLock)
        {
            if (_inStorage) return _storage;
            var storage = _memory.New(Type);
            fixed (byte* p = &Bytes) Buffer.MemoryCopy(p, (void*)storage.Address, Type.Size, Type.Size);
            _storage = storage;
            _inStorage = true;
            return storage;
        }
    }
}
