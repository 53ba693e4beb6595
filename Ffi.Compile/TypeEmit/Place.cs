using Mono.Cecil;

namespace Ffi.Compile.TypeEmit;

/// <summary>
/// Where a C type is being used: the spec path for error messages (<c>types.point.fields[1]</c>), and for a member
/// of an aggregate the generated type that holds it and the member's CLR name (an inline struct or union there
/// becomes a type nested in <paramref name="Enclosing"/>, named after the member).
/// </summary>
internal sealed record Place(string Path, TypeDefinition? Enclosing = null, string? MemberName = null)
{
    /// <summary>The same place one level down (a pointee, an array element).</summary>
    public Place Inner(string suffix) => this with { Path = Path + suffix };
}
