using Ffi.Memory;
using Ffi.Spec;
using Ffi.Types;

namespace Ffi;

// Callables for function pointers a library hands out (returned, stored in memory, passed to a callback).
public sealed partial class NativeModule
{
    /// <summary>
    /// A callable for a C function pointer of a <c>funcptr</c> type — one a library returned or passed to a callback.
    /// The pointer's <see cref="NativePointer.Type"/> must be a function pointer type (as values read from memory or
    /// received by callbacks are); it is not checked that the address really is such a function.
    /// </summary>
    /// <exception cref="FfiArgumentException">The pointer is null or not typed as a function pointer.</exception>
    /// <exception cref="ObjectDisposedException">The module was disposed.</exception>
    public NativeFunction FunctionAt(NativePointer pointer)
    {
        ThrowIfDisposed();
        if (pointer.Address == 0) throw new FfiArgumentException("FunctionAt(0x0)", "a null function pointer cannot be called");
        if (pointer.Type is not FuncPtrType type)
            throw new FfiArgumentException($"FunctionAt({pointer})", $"the pointer is typed {pointer.Type?.DisplayName ?? "void"}, not as a function pointer; use FunctionAt(address, \"funcptr type\")");
        return FunctionAt(pointer.Address, type);
    }

    /// <summary>A callable for the C function at <paramref name="address"/>, of the spec's function pointer type <paramref name="funcptrType"/>.</summary>
    /// <exception cref="FfiArgumentException">The address is null or the type is not a function pointer type.</exception>
    /// <exception cref="FfiNameException">The spec declares no such type.</exception>
    /// <exception cref="ObjectDisposedException">The module was disposed.</exception>
    public NativeFunction FunctionAt(nint address, string funcptrType)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(funcptrType);
        if (address == 0) throw new FfiArgumentException("FunctionAt(0x0)", "a null function pointer cannot be called");
        if (Types[funcptrType] is not FuncPtrType type) // an unknown name is an FfiNameException with a did-you-mean
            throw new FfiArgumentException($"FunctionAt(0x{address:x}, \"{funcptrType}\")", $"{Types[funcptrType].DisplayName} is not a function pointer type");
        return FunctionAt(address, type);
    }

    private NativeFunction FunctionAt(nint address, FuncPtrType type)
    {
        var spec = new FunctionSpec($"(*{type.DisplayName})@0x{address:x}", type.Return, type.Return.DisplayName, type.Parameters,
            type.Parameters.Select(p => p.DisplayName).ToArray(), type.IsVariadic, null, null, false, false, [], false);
        return new NativeFunction(this, spec, address, Options.CaptureErrnoForAll);
    }
}
