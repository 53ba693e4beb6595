using Ffi.Memory;
using Ffi.Spec;
using Ffi.Types;
using Ffi.Values;

namespace Ffi.Runtime;

/// <summary>What a typed stub is bound to: its module (checked for disposal on every call), its function, and the C types it converts to.</summary>
internal sealed class TypedTarget(ModuleContext module, FunctionSpec function, nint address, CType[] parameterTypes)
{
    internal readonly nint Address = address;
    internal readonly ModuleLifetime Lifetime = module.Lifetime;
    internal readonly string Name = function.Name;
    // The parameters' names for messages, made when first needed: binding a thousand functions formats none of them.
    private string[]? _where;

    private string Where(int index) => (_where ??= Names())[index];

    private string[] Names()
    {
        var names = new string[parameterTypes.Length];
        for (int i = 0; i < names.Length; i++) names[i] = $"{function.Name}: param[{i}] ({parameterTypes[i]?.DisplayName})";
        return names;
    }

    /// <summary>Throws when the module was disposed, or, for gated functions, when a capability is missing.</summary>
    public void Check()
    {
        module.CheckCallable(function.Name, function.Capabilities);
    }

    /// <summary>Throws when the module was disposed (the whole check of an ungated function).</summary>
    public void CheckNotDisposed() => module.ThrowIfDisposed();

    /// <summary>The address a <see cref="NativePointer"/> argument stands for, tag-checked for parameter <paramref name="index"/>.</summary>
    public nint AddressOf(NativePointer p, int index) =>
        ScalarMemory.TagChecked(p, ScalarMemory.ExpectedTag(parameterTypes[index]), parameterTypes[index].DisplayName, Where(index));

    /// <summary>The trampoline pool for a delegate argument of parameter <paramref name="index"/> (null for null).</summary>
    public SlotPool? CallbackPool(int index, Delegate? callback) =>
        callback is null ? null : module.Callbacks.PoolFor((FuncPtrType)parameterTypes[index], callback, Where(index));

    /// <summary>A transient callback for this call (null for a null delegate).</summary>
    public CallbackSlot? Lease(int index, SlotPool? pool, Delegate? callback, CallbackFrame frame) =>
        pool?.Acquire(callback!, (FuncPtrType)parameterTypes[index], module.Callbacks, frame);

    /// <summary>A leased callback's function pointer (0 for none).</summary>
    public static nint CallbackAddress(CallbackSlot? slot) => slot?.Address ?? 0;

    /// <summary>The returned address as a typed, tagged <see cref="NativePointer"/>.</summary>
    public NativePointer MakePointer(nint address) => function.ReturnType switch
    {
        PointerType p => NativePointer.FromAddress(address, p.Pointee is VoidType ? null : p.Pointee, p.Tag),
        HandleType h => NativePointer.FromAddress(address, h, h.Tag),
        var t => NativePointer.FromAddress(address, t),
    };
}
