using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
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

    /// <summary>Whether a delegate can be called with this funcptr's arguments: the same number of parameters, none by reference.</summary>
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
        return null;
    }

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
