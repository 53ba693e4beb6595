using Ffi.Memory;
using Ffi.Types;
using Ffi.Values;

namespace Ffi.Runtime;

/// <summary>The general dynamic path for <c>Invoke(ReadOnlySpan&lt;FfiValue&gt;)</c>.</summary>
internal delegate FfiValue ValueInvoker(ReadOnlySpan<FfiValue> args);

/// <summary>The general dynamic path for <c>Invoke(object?[])</c>.</summary>
internal delegate object? ObjectInvoker(object?[] args);

/// <summary>Reads a non-inline result (a pointer, a string) from the result buffer.</summary>
internal unsafe delegate FfiValue ValueResultReader(byte* ret);

/// <summary>The same for the object API.</summary>
internal unsafe delegate object? ObjectResultReader(byte* ret);

/// <summary>
/// The general path of one function: every case its emitted invoker hands over, including every error, and the
/// results it does not build inline. The function itself implements it (one object, not four delegates per function:
/// docs/benchmarks.md, cold start).
/// </summary>
internal interface IDynamicFallback
{
    /// <summary>Every case the emitted invoker hands over, including every error.</summary>
    FfiValue GeneralValues(ReadOnlySpan<FfiValue> args);

    /// <summary>The same for the object API.</summary>
    object? GeneralObjects(object?[] args);

    /// <summary>A result that is not built inline.</summary>
    unsafe FfiValue ValueResult(byte* ret);

    /// <summary>The same for the object API.</summary>
    unsafe object? ObjectResult(byte* ret);
}

/// <summary>
/// What one function's emitted dynamic invoker is bound to. The invoker's code is shared by every function of the
/// same call shape (<c>InvokerKey</c>); what differs per function is here: the address, the module's liveness, the
/// name for messages, and the general path that takes every case the invoker does not.
/// </summary>
internal sealed class DynamicTarget(nint address, ModuleLifetime lifetime, string name, IDynamicFallback fallback, CType resultType, FfiMemory memory)
{
    /// <summary>The function (or its variadic thunk).</summary>
    public readonly nint Address = address;

    /// <summary>The module's liveness, read inline.</summary>
    public readonly ModuleLifetime Lifetime = lifetime;

    /// <summary>The function's name (callback failures are reported under it).</summary>
    public readonly string Name = name;

    /// <summary>The C result type (an aggregate result is built from it inline).</summary>
    public readonly CType ResultType = resultType;

    /// <summary>The module's memory, which owns the storage an aggregate result is moved to on request.</summary>
    public readonly FfiMemory Memory = memory;

    /// <summary>What an aggregate result held inside an <see cref="FfiValue"/> refers to: its type and the module's memory.</summary>
    public readonly AggregateOrigin ResultOrigin = new(resultType, memory);

    /// <summary>Every case the emitted invoker hands over, including every error.</summary>
    public FfiValue GeneralValues(ReadOnlySpan<FfiValue> args) => fallback.GeneralValues(args);

    /// <summary>The same for the object API.</summary>
    public object? GeneralObjects(object?[] args) => fallback.GeneralObjects(args);

    /// <summary>A result that is not built inline.</summary>
    public unsafe FfiValue ValueResult(byte* ret) => fallback.ValueResult(ret);

    /// <summary>The same for the object API.</summary>
    public unsafe object? ObjectResult(byte* ret) => fallback.ObjectResult(ret);
}
