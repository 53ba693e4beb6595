using System.Diagnostics.CodeAnalysis;
using Ffi.Memory;
using Ffi.Types;
using Ffi.Values;

namespace Ffi;

// Results into storage the caller provides.
public sealed partial class NativeFunction
{
    /// <summary>
    /// Calls the function like <see cref="Invoke(ReadOnlySpan{FfiValue})"/> and writes its result into
    /// <paramref name="result"/>, storage of the result type (or of its size) that the caller owns and reuses: no
    /// allocation per call for results of any size, and the original's "the result is native storage of that type"
    /// with the storage's lifetime in the caller's hands.
    /// </summary>
    /// <example>
    /// <code>
    /// var big = module.Memory.New("big");                 // once
    /// for (int i = 0; i &lt; n; i++)
    /// {
    ///     module.Function("big_make").InvokeInto([i], big);
    ///     sum += (int)module.Memory.Get(big, "v[9]")!;
    /// }
    /// </code>
    /// </example>
    /// <exception cref="FfiArgumentException">
    /// The function returns void or a string (<c>ret_as_str</c>); <paramref name="result"/> points to a type of another
    /// size; wrong number of arguments, or a value that does not convert.
    /// </exception>
    /// <exception cref="FfiMemoryException"><paramref name="result"/> is null, released, or too small (checked before the call).</exception>
    /// <exception cref="FfiCapabilityDeniedException">The function needs a capability the module was not granted.</exception>
    /// <exception cref="ObjectDisposedException">The module was disposed.</exception>
    [RequiresDynamicCode(DynamicCode.Message)]
    public void InvokeInto(ReadOnlySpan<FfiValue> args, NativePointer result)
    {
        var type = Spec.ReturnType;
        var where = $"{Spec.Name}: InvokeInto({result})";
        if (type is VoidType || Spec.ReturnsString)
            throw new FfiArgumentException(where, $"the function returns {(Spec.ReturnsString ? "a string" : "void")}, which is not written to storage; call Invoke");
        if (result.Type is not null && result.Type != type && result.Type.Size != type.Size)
            throw new FfiArgumentException(where, $"the result needs storage of {type.DisplayName} ({type.Size} bytes), not of {result.Type.DisplayName} ({result.Type.Size} bytes)");
        FfiMemory.CheckAccess(result, 0, type.Size, where);
        Call(args, result.Address);
    }
}
