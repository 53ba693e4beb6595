namespace Ffi.Spec;

/// <summary>
/// A spec as read from JSON or C: structurally valid, names not yet resolved. <paramref name="CSpellings"/>: read from C,
/// so its registry also knows C's spellings of the builtins (<c>int64_t</c>, <c>unsigned long</c>: <see cref="Types.TypeRegistry.TryGet"/>).
/// </summary>
internal sealed record RawSpec(
    string Lib,
    IReadOnlyList<TypeDeclarationSyntax> Types,
    IReadOnlyList<FunctionSyntax> Functions,
    IReadOnlyList<VariableSyntax> Variables,
    IReadOnlyList<(string Name, long Value)>? Constants = null,
    bool CSpellings = false);
