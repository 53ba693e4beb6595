using Ffi.Types;

namespace Ffi.Spec;

// The types of a function's signature: resolved with the path the function gives them, and checked as C checks a
// parameter or a result.
internal sealed partial class TypeResolver
{
    /// <summary>
    /// Resolves the type at <paramref name="index"/> of a function's signature (-1: the return type). A shared name
    /// (<see cref="SpecPath.InSignature"/>) that is already resolved or builtin is found without its path; anything
    /// else goes the usual way, with the path the function gives it.
    /// </summary>
    public CType ResolveSignature(FunctionSyntax function, int index)
    {
        var syntax = function.TypeAt(index);
        if (syntax is NameRefSyntax n && ReferenceEquals(n.Path, SpecPath.InSignature))
        {
            // ResolveNamed's order: resolved, then (when the spec does not declare it) existing, then builtin.
            if (_resolved.TryGetValue(n.Name, out var done)) return done;
            if (!_named.ContainsKey(n.Name))
            {
                if (_existing is not null && _existing.TryGet(n.Name, out var known)) return known;
                if (BuiltinTypes.TryGet(n.Name, out var builtin)) return builtin;
            }
            var t = ResolveNamed(n.Name, function.PathOf(index));
            Drain();
            return t;
        }
        return Resolve(syntax);
    }

    /// <summary>Whether <see cref="RequireParameter"/> accepts <paramref name="type"/> (so that the path is made only for a message).</summary>
    public static bool IsParameter(CType type) =>
        type is not VoidType and not ArrayType { IsFlexible: true } && type.Size <= FunctionSpec.MaxByValueSize
        && !(type.Kind is CTypeKind.Int or CTypeKind.Float && type.Align > 8);

    /// <summary>Rejects a parameter type C does not allow (void, arrays by value).</summary>
    public static void RequireParameter(CType type, SpecPath path)
    {
        if (type is VoidType)
            throw new FfiSpecException(path, "void is not a parameter type (a function without parameters has \"params\": [])");
        RequireValue(type, path, "passed by value");
        RequireByValueSize(type, path);
        if (type.Kind is CTypeKind.Int or CTypeKind.Float && type.Align > 8)
            throw new FfiSpecException(path, $"{type.DisplayName} is aligned to {type.Align} bytes; a scalar aligned beyond 8 is not supported as a parameter (pass a pointer)");
    }

    /// <summary>
    /// Rejects a parameter or return type larger than <see cref="FunctionSpec.MaxByValueSize"/>: C would copy it onto
    /// the stack of the calling thread (a 1 TiB struct, or a few MB on a 1.5 MB thread stack, is a crash, not a call).
    /// </summary>
    public static void RequireByValueSize(CType type, SpecPath path)
    {
        if (type.Size > FunctionSpec.MaxByValueSize)
            throw new FfiSpecException(path, $"{type.DisplayName} is {type.Size} bytes; a value passed or returned by value may have at most {FunctionSpec.MaxByValueSize} (C copies it on the stack): pass a pointer");
    }
}
