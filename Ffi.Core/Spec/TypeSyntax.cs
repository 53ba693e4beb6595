namespace Ffi.Spec;

// The spec's type references as written, before names are resolved. Every node carries the JSON path
// it came from (written out only for a message) so that resolution errors can name the place. A closed family consumed by TypeResolver.

/// <summary>A type reference as written in the spec.</summary>
internal abstract record TypeSyntax(SpecPath Path);

/// <summary><c>"int32"</c>: a reference by name.</summary>
internal sealed record NameRefSyntax(SpecPath Path, string Name) : TypeSyntax(Path);

/// <summary>An inline or declared type object (<c>{"kind": …}</c>).</summary>
internal abstract record TypeObjectSyntax(SpecPath Path, string? Name, string? Doc) : TypeSyntax(Path);

internal sealed record VoidSyntax(SpecPath Path, string? Name, string? Doc) : TypeObjectSyntax(Path, Name, Doc);

internal sealed record IntSyntax(SpecPath Path, string? Name, string? Doc, int Bits, bool Signed) : TypeObjectSyntax(Path, Name, Doc);

internal sealed record FloatSyntax(SpecPath Path, string? Name, string? Doc, int Bits) : TypeObjectSyntax(Path, Name, Doc);

/// <summary>A pointer; <paramref name="Const"/>: the pointee is <c>const</c> (<c>const char *</c>).</summary>
internal sealed record PointerSyntax(SpecPath Path, string? Name, string? Doc, TypeSyntax To, string? Tag, bool Const = false) : TypeObjectSyntax(Path, Name, Doc);

internal sealed record ArraySyntax(SpecPath Path, string? Name, string? Doc, TypeSyntax Of, long? Length) : TypeObjectSyntax(Path, Name, Doc);

internal sealed record FieldSyntax(SpecPath Path, string FieldName, TypeSyntax Type, int? Bits, int? Align = null, bool Packed = false);

/// <summary>A struct or union; <paramref name="Pack"/> is the <c>#pragma pack(N)</c> it was declared under.</summary>
internal sealed record AggregateSyntax(SpecPath Path, string? Name, string? Doc, bool IsUnion, IReadOnlyList<FieldSyntax> Fields, bool Packed, int? Align, int? Pack = null)
    : TypeObjectSyntax(Path, Name, Doc);

internal sealed record EnumSyntax(SpecPath Path, string? Name, string? Doc, NameRefSyntax Base, IReadOnlyList<(string Name, long Value, SpecPath Path)> Values)
    : TypeObjectSyntax(Path, Name, Doc);

internal sealed record FuncPtrSyntax(SpecPath Path, string? Name, string? Doc, TypeSyntax Ret, IReadOnlyList<TypeSyntax> Params, bool Variadic)
    : TypeObjectSyntax(Path, Name, Doc);

internal sealed record HandleSyntax(SpecPath Path, string? Name, string? Doc, string Tag, TypeSyntax Rep) : TypeObjectSyntax(Path, Name, Doc);

/// <summary>
/// An alias: <c>"size_t": "u64"</c> or <c>{"kind": "alias", "to": "u64"}</c>; with <paramref name="Align"/>, a typedef
/// that raises its scalar type's alignment (<c>typedef int aint __attribute__((aligned(8)));</c>).
/// </summary>
internal sealed record AliasSyntax(SpecPath Path, string? Name, string? Doc, NameRefSyntax To, int? Align = null) : TypeObjectSyntax(Path, Name, Doc);

/// <summary>A named type of the spec's <c>"types"</c> (or a C typedef or tag): its name and its definition.</summary>
internal sealed record TypeDeclarationSyntax(string Name, TypeObjectSyntax Syntax);

/// <summary>
/// A function. A type name written in its signature may be a <see cref="NameRefSyntax"/> shared by the whole document,
/// whose path is <see cref="SpecPath.InSignature"/>: its place is the function's (<see cref="PathOf"/>), written out only
/// for a message. A spec of 1,000 functions then makes no path and no name object per parameter (docs/benchmarks.md,
/// cold start).
/// </summary>
internal sealed record FunctionSyntax(
    SpecPath Path, string Name, TypeSyntax Ret, IReadOnlyList<TypeSyntax> Params, bool Variadic, string? Lib, string? Doc,
    bool RetAsStr, bool Errno, IReadOnlyList<string> Caps, bool Trivial)
{
    /// <summary>The type at <paramref name="index"/> of the signature: -1 is the return type, else a parameter.</summary>
    public TypeSyntax TypeAt(int index) => index < 0 ? Ret : Params[index];

    /// <summary>Where the type at <paramref name="index"/> (-1: the return type) is written: <c>functions[3] (f): param[1]</c>.</summary>
    public SpecPath PathOf(int index)
    {
        var own = TypeAt(index).Path;
        if (!ReferenceEquals(own, SpecPath.InSignature)) return own;
        return index < 0 ? Path.Key(": ", "ret") : Path.Item(": param", index);
    }
}

internal sealed record VariableSyntax(SpecPath Path, string Name, TypeSyntax Type, string? Lib, string? Doc, IReadOnlyList<string> Caps);
