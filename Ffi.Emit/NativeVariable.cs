using Ffi.Memory;
using Ffi.Spec;
using Ffi.Values;

namespace Ffi;

/// <summary>
/// A global variable of a bound library: read and write it with the original's conversion rules, or take its
/// address. Reading an aggregate gives a garbage-collected copy (moved into the module's storage on request); writing
/// one copies from a <see cref="NativePointer"/> to storage of its type, a <see cref="StructValue"/>, or a managed value
/// (dictionary, anonymous object, list).
/// </summary>
/// <example>
/// <code>
/// var optind = libc.Variable("optind");
/// int i = (int)optind.Get()!;
/// optind.Set(1);
/// </code>
/// </example>
public sealed class NativeVariable
{
    private readonly NativeModule _module;

    internal NativeVariable(NativeModule module, VariableSpec spec, nint address)
    {
        _module = module;
        Spec = spec;
        RawAddress = address;
    }

    /// <summary>The variable as the spec declares it.</summary>
    public VariableSpec Spec { get; }

    private nint RawAddress { get; }

    /// <summary>The variable's address, typed as the variable (not bounds-checked: the library owns the storage).</summary>
    /// <exception cref="FfiCapabilityDeniedException">The variable needs a capability the module was not granted.</exception>
    /// <exception cref="ObjectDisposedException">The module was disposed.</exception>
    public NativePointer Address
    {
        get
        {
            _module.CheckCallable(Spec.Name, Spec.Capabilities);
            return NativePointer.FromAddress(RawAddress, Spec.Type);
        }
    }

    /// <summary>
    /// Reads the variable: scalars by value, aggregates as a garbage-collected <see cref="StructValue"/> copy (no native
    /// allocation; its <see cref="StructValue.Pointer"/> moves it into module storage when storage is wanted).
    /// </summary>
    /// <exception cref="FfiCapabilityDeniedException">The variable needs a capability the module was not granted.</exception>
    /// <exception cref="ObjectDisposedException">The module was disposed.</exception>
    public unsafe object? Get()
    {
        _module.CheckCallable(Spec.Name, Spec.Capabilities);
        var t = Spec.Type;
        if (ScalarMemory.IsScalar(t))
        {
            var value = ScalarMemory.Read(t, RawAddress);
            GC.KeepAlive(_module); // the library stays loaded until the read is done (a Dispose may be racing)
            return value;
        }
        if (t.Size == 0) throw new FfiMemoryException($"{Spec.Name}: get of a variable without a size ({t.DisplayName}); use Address");
        var copy = StructValue.Managed(_module.Memory, t, (byte*)RawAddress);
        GC.KeepAlive(_module);
        return copy;
    }

    /// <summary>Writes the variable.</summary>
    /// <exception cref="FfiArgumentException">The value does not convert to the variable's type.</exception>
    /// <exception cref="FfiCapabilityDeniedException">The variable needs a capability the module was not granted.</exception>
    /// <exception cref="ObjectDisposedException">The module was disposed.</exception>
    public void Set(object? value)
    {
        _module.CheckCallable(Spec.Name, Spec.Capabilities);
        var t = Spec.Type;
        if (t.IsAggregate && t.Size == 0) throw new FfiMemoryException($"{Spec.Name}: set of a variable without a size ({t.DisplayName}); use Address");
        FfiMemory.ReplaceValue(t, RawAddress, value, $"{Spec.Name} ({t.DisplayName})");
        GC.KeepAlive(_module);
    }
}
