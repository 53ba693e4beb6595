using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using Ffi.Binding;
using Ffi.Memory;
using Ffi.Types;

namespace Ffi.Callbacks;

/// <summary>
/// Calls a delegate whose signature is not one a typed trampoline takes (the dynamic API accepts any delegate):
/// each argument, read as the dynamic handler would see it, is converted to the delegate's parameter type.
/// </summary>
internal static class DelegateConversion
{
    /// <summary>Converts <paramref name="values"/> to <paramref name="target"/>'s parameter types and calls it.</summary>
    public static object? Invoke(Delegate target, FuncPtrType type, object?[] values)
    {
        var parameters = target.GetType().GetMethod("Invoke")!.GetParameters(); // not Method: a closed static has one more
        var converted = new object?[parameters.Length];
        for (int i = 0; i < parameters.Length; i++)
            converted[i] = Convert(values[i], parameters[i].ParameterType, $"{type.DisplayName}: param[{i}]");
        try
        {
            return target.DynamicInvoke(converted);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw; // unreachable
        }
    }

    /// <summary>
    /// Why a delegate cannot be called with this funcptr's arguments, or null: the same number of parameters, none by
    /// reference, each of a type the value C passes converts to (checked when the delegate is registered or first
    /// passed, not when C calls it), and a result C can take.
    /// </summary>
    public static string? Incompatibility(Type delegateType, FuncPtrType type)
    {
        var invoke = delegateType.GetMethod("Invoke")!;
        var ps = invoke.GetParameters();
        if (ps.Length != type.Parameters.Count)
            return $"{delegateType.Name} takes {ps.Length} parameter(s); {type.DisplayName} passes {type.Parameters.Count}";
        if (ps.FirstOrDefault(p => p.ParameterType.IsByRef || p.ParameterType.IsPointer) is { } bad)
            return $"{delegateType.Name}'s parameter {bad.Name} is {(bad.ParameterType.IsByRef ? "by reference" : "a pointer")}; a dynamically converted callback cannot take it (use nint)";
        if (invoke.ReturnType == typeof(string))
            return $"{delegateType.Name} returns String: a callback cannot return a string (nothing would own its memory); return nint or a NativePointer";
        if (invoke.ReturnType != typeof(void) && type.Return is VoidType)
            return $"{delegateType.Name} returns {invoke.ReturnType.Name}; {type.DisplayName} returns void";
        var why = new List<string>();
        for (int i = 0; i < ps.Length; i++)
        {
            if (!Converts(type.Parameters[i], ps[i].ParameterType))
                why.Add($"param[{i}] ({ps[i].Name}): {ps[i].ParameterType.Name} cannot take {type.Parameters[i].DisplayName} (use {Takes(type.Parameters[i])})");
        }
        if (invoke.ReturnType == typeof(void) && type.Return is not VoidType)
            why.Add($"return: {type.DisplayName} returns {type.Return.DisplayName}; a void delegate would leave the result undefined");
        return why.Count == 0 ? null : $"{delegateType.Name} does not fit {type.DisplayName}: " + string.Join("; ", why);
    }

    // Whether Convert below can turn the value a dynamic callback receives for C type `c` (CallbackRuntime: a boxed
    // integer, float or bool for a scalar; a NativePointer for a pointer or handle; a StructValue for an aggregate)
    // into `to`.
    private static bool Converts(CType c, Type to)
    {
        if (to == typeof(object)) return true;
        return c switch
        {
            IntType or EnumType or FloatType => to.IsEnum || to == typeof(decimal) || to.IsPrimitive && to != typeof(nint) && to != typeof(nuint),
            PointerType or FuncPtrType or HandleType => to == typeof(NativePointer) || to == typeof(string) || to == typeof(nint) || to == typeof(nuint),
            _ => to == typeof(StructValue) || Binding.MappingRules.IsUnmanagedStruct(to) && Marshal.SizeOf(to) == c.Size,
        };
    }

    private static string Takes(CType c) => c switch
    {
        IntType or EnumType or FloatType => "a number type, or object",
        PointerType or FuncPtrType or HandleType => "nint, NativePointer, string or object",
        _ => $"an unmanaged struct of {c.Size} bytes, StructValue or object",
    };

    private static object? Convert(object? value, Type to, string where)
    {
        if (to == typeof(object) || value is null && !to.IsValueType) return value;
        if (value is not null && to.IsInstanceOfType(value)) return value;
        switch (value)
        {
            case NativePointer p when to == typeof(string):
                return p.Address == 0 ? null : Marshal.PtrToStringUTF8(p.Address);
            case NativePointer p when to == typeof(nint):
                return p.Address;
            case NativePointer p when to == typeof(nuint):
                return (nuint)p.Address;
            case StructValue s when Binding.MappingRules.IsUnmanagedStruct(to) && Marshal.SizeOf(to) == s.Type.Size:
                return FromBytes(s, to);
            case IConvertible when to.IsEnum:
                return Enum.ToObject(to, System.Convert.ToInt64(value, CultureInfo.InvariantCulture));
            case IConvertible when to.IsPrimitive || to == typeof(decimal):
                return System.Convert.ChangeType(value, to, CultureInfo.InvariantCulture);
        }
        throw new FfiArgumentException(where, $"cannot give {(value is null ? "null" : value.GetType().Name)} to a parameter of type {to.Name}");
    }

    // A StructValue's bytes as the unmanaged struct `to` (a managed copy stays one: nothing is moved to storage).
    private static unsafe object? FromBytes(StructValue s, Type to)
    {
        var bytes = new byte[s.Type.Size];
        s.CopyTo(bytes);
        fixed (byte* p = bytes) return Marshal.PtrToStructure((nint)p, to);
    }
}
