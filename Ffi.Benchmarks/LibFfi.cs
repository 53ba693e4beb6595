using System.Runtime.InteropServices;

namespace Ffi.Benchmarks;

/// <summary>
/// libffi (libffi.so.8) through P/Invoke: the classic dynamic-FFI reference point. Layouts are those of
/// x86-64 Linux: <c>ffi_type { size_t size; unsigned short alignment; unsigned short type; ffi_type **elements; }</c>
/// (24 bytes) and <c>ffi_cif { int abi; unsigned nargs; ffi_type **arg_types; ffi_type *rtype; unsigned bytes;
/// unsigned flags; }</c> (32 bytes; 64 are allocated).
/// </summary>
internal static unsafe class LibFfi
{
    public const string Library = "libffi.so.8";

    /// <summary><c>FFI_DEFAULT_ABI</c> on x86-64 Linux (<c>FFI_UNIX64</c>).</summary>
    public const int DefaultAbi = 2;

    /// <summary><c>FFI_TYPE_STRUCT</c>.</summary>
    public const ushort TypeStruct = 13;

    /// <summary><c>FFI_OK</c>.</summary>
    public const int Ok = 0;

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern int ffi_prep_cif(void* cif, int abi, uint nargs, void* rtype, void** atypes);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern void ffi_call(void* cif, void* fn, void* rvalue, void** avalue);

    private static readonly nint Handle = NativeLibrary.Load(Library);

    /// <summary>The address of one of libffi's exported <c>ffi_type</c> globals, e.g. <c>ffi_type_sint32</c>.</summary>
    public static void* Type(string name) => (void*)NativeLibrary.GetExport(Handle, name);
}

/// <summary>
/// A prepared call interface: the <c>ffi_cif</c> and its argument-type array in native memory, prepared once with
/// <c>ffi_prep_cif</c>; <see cref="Call"/> is the per-call <c>ffi_call</c>. Also owns any struct <c>ffi_type</c>s
/// built for it.
/// </summary>
internal sealed unsafe class FfiCif : IDisposable
{
    private readonly List<nint> _owned = [];

    public FfiCif(void* fn, void* rtype, params nint[] argTypes)
    {
        Function = fn;
        Cif = Alloc(64);
        var atypes = (void**)Alloc(sizeof(void*) * Math.Max(1, argTypes.Length));
        for (int i = 0; i < argTypes.Length; i++) atypes[i] = (void*)argTypes[i];
        int status = LibFfi.ffi_prep_cif(Cif, LibFfi.DefaultAbi, (uint)argTypes.Length, rtype, atypes);
        if (status != LibFfi.Ok) throw new InvalidOperationException($"ffi_prep_cif failed with status {status}");
    }

    /// <summary>The prepared <c>ffi_cif</c>.</summary>
    public void* Cif { get; }

    /// <summary>The function called.</summary>
    public void* Function { get; }

    /// <summary>
    /// Builds an <c>ffi_type</c> of kind <c>FFI_TYPE_STRUCT</c> (size and alignment 0: <c>ffi_prep_cif</c> computes
    /// them) with the given members, owned by <paramref name="owner"/>'s list.
    /// </summary>
    public static nint StructType(List<nint> owner, params nint[] members)
    {
        var elements = (void**)Alloc(owner, sizeof(void*) * (members.Length + 1));
        for (int i = 0; i < members.Length; i++) elements[i] = (void*)members[i];
        elements[members.Length] = null;
        var t = (byte*)Alloc(owner, 24);
        *(nuint*)t = 0;                       // size
        *(ushort*)(t + 8) = 0;                // alignment
        *(ushort*)(t + 10) = LibFfi.TypeStruct;
        *(void***)(t + 16) = elements;
        return (nint)t;
    }

    /// <summary><c>ffi_call(cif, fn, rvalue, avalue)</c>.</summary>
    public void Call(void* rvalue, void** avalue) => LibFfi.ffi_call(Cif, Function, rvalue, avalue);

    private void* Alloc(int bytes) => Alloc(_owned, bytes);

    private static void* Alloc(List<nint> owner, int bytes)
    {
        var p = NativeMemory.AllocZeroed((nuint)bytes);
        owner.Add((nint)p);
        return p;
    }

    public void Dispose()
    {
        foreach (var p in _owned) NativeMemory.Free((void*)p);
        _owned.Clear();
    }
}
