using Ffi.Marshallers;
using Ffi.Memory;
using Ffi.Types;

namespace Ffi.Binding;

/// <summary>
/// A delegate type whose signature maps to a function pointer type parameter by parameter, by the typed API's
/// rules read the other way: integers of the same width, float/double, bool, <c>nint</c>/<c>nuint</c>/<c>T*</c>,
/// <see cref="NativePointer"/>, <c>string</c> for a <c>char*</c> parameter, unmanaged structs of the same size for
/// by-value aggregates. Typed trampolines invoke such delegates directly, with conversions in IL.
/// </summary>
internal sealed class TypedCallback : IEquatable<TypedCallback>
{
    private TypedCallback(Type delegateType, Type[] parameters, ArgumentMarshaller[] mappings, Type returnType, ArgumentMarshaller returnMapping)
    {
        DelegateType = delegateType;
        Parameters = parameters;
        Mappings = mappings;
        ReturnType = returnType;
        ReturnMapping = returnMapping;
    }

    public Type DelegateType { get; }
    public Type[] Parameters { get; }
    public ArgumentMarshaller[] Mappings { get; }
    public Type ReturnType { get; }
    public ArgumentMarshaller ReturnMapping { get; }

    /// <summary>Equal when the trampolines' code is the same: the delegate type and every conversion.</summary>
    public bool Equals(TypedCallback? other) =>
        other is not null && DelegateType == other.DelegateType && ReturnMapping == other.ReturnMapping && Mappings.SequenceEqual(other.Mappings);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as TypedCallback);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(DelegateType, ReturnMapping, Mappings.Length);

    /// <summary>Whether a delegate type is one of the dynamic handler types (arguments as objects, no conversions to check).</summary>
    public static bool IsDynamicHandler(Type delegateType) => delegateType == typeof(FfiCallbackHandler) || delegateType == typeof(Func<object?[], object?>);

    /// <summary>The mapping, or null with one line per mismatch in <paramref name="errors"/>.</summary>
    public static TypedCallback? TryMap(Type delegateType, FuncPtrType type, List<string> errors)
    {
        var invoke = delegateType.GetMethod("Invoke")!;
        var ps = invoke.GetParameters().Select(p => p.ParameterType).ToArray();
        if (type.IsVariadic) errors.Add("a variadic function pointer cannot call a managed callback (its extra arguments have no types)");
        if (ps.Length != type.Parameters.Count)
        {
            errors.Add($"{delegateType.Name} has {ps.Length} parameter(s); {type.DisplayName} passes {type.Parameters.Count}");
            return null;
        }
        var mappings = new ArgumentMarshaller[ps.Length];
        for (int i = 0; i < ps.Length; i++)
        {
            var c = type.Parameters[i];
            var m = MappingRules.MapCallbackParameter(ps[i], c);
            if (m is null) errors.Add($"param[{i}]: {MappingRules.Name(ps[i])} does not take {c.DisplayName}{CallbackHint(c)}");
            else mappings[i] = m;
        }
        var ret = invoke.ReturnType;
        var rm = MappingRules.MapReturn(ret, type.Return);
        if (rm is StringMarshaller)
        {
            errors.Add($"return: a callback cannot return a string (nothing would own its memory); return nint or a NativePointer");
            rm = null;
        }
        else if (rm is null)
        {
            errors.Add($"return: {MappingRules.Name(ret)} does not map to {type.Return.DisplayName}{MappingRules.Hint(type.Return)}");
        }
        if (errors.Count > 0) return null;
        return new TypedCallback(delegateType, ps, mappings, ret, rm!);
    }

    private static string CallbackHint(CType c) => c switch
    {
        PointerType p when p.IsCharPointer || MappingRules.IsWideCharPointer(p) => " (use string, nint, a pointer or NativePointer)",
        PointerType or FuncPtrType => " (use nint, a pointer or NativePointer)",
        _ => MappingRules.Hint(c),
    };
}
