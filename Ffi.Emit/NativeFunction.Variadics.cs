using System.Collections;
using Ffi.Binding;
using Ffi.Memory;
using Ffi.Types;
using Ffi.Values;

namespace Ffi;

// The promoted C types of a variadic call's extras (VariadicPromotion), given as FfiValues or as objects.
public sealed partial class NativeFunction
{
    // An explicitly typed extra, promoted (VariadicPromotion.OfType).
    private CType DefaultPromotion(CType type, int index) => VariadicPromotion.OfType(type)
        ?? throw new FfiArgumentException($"{Spec.Name}: vararg[{index}]", $"a variadic extra must be a scalar, not {type.DisplayName}");

    // The promoted C type of a variadic extra given as an FfiValue (VariadicPromotion).
    private CType Promote(in FfiValue v, int index)
    {
        if (v.ExtraType is { } typed) return DefaultPromotion(typed, index);
        return VariadicPromotion.ForValue(v) ?? throw new FfiArgumentException($"{Spec.Name}: vararg[{index}]",
            $"cannot pass {ValueConverter.Describe(v.ToObject())} as a variadic argument (integers, floats, strings, pointers and null can be)");
    }

    // The promoted C types of the extras of a variadic call given as objects (VariadicPromotion), and their values; also
    // what `ffi batch --compiled` promotes with, so that both paths pass and refuse the same extras.
    internal (CType[] Types, object?[] Values) Promote(object? extras)
    {
        if (extras is not IList list || extras is string)
            throw new FfiArgumentException(Spec.Name, $"a variadic function takes its extra arguments as one final array, not {ValueConverter.Describe(extras)}");
        var types = new CType[list.Count];
        var values = new object?[list.Count];
        for (int i = 0; i < list.Count; i++)
        {
            var v = list[i];
            values[i] = v;
            if (v is VarArg typed)
            {
                values[i] = typed.Value;
                types[i] = DefaultPromotion(typed.Type, i);
                continue;
            }
            types[i] = VariadicPromotion.ForObject(v) ?? throw new FfiArgumentException($"{Spec.Name}: vararg[{i}]",
                $"cannot pass {ValueConverter.Describe(v)} as a variadic argument (integers, floats, strings, pointers and null can be)");
            if (v is bool b) values[i] = b ? 1 : 0;
            if (v is char c) values[i] = (int)c;
        }
        return (types, values);
    }
}
