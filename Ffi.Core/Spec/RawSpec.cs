namespace Ffi.Spec;

/// <summary>A spec as read from JSON or C: structurally valid, names not yet resolved.</summary>
internal sealed record RawSpec(
    string Lib,
    IReadOnlyList<TypeDeclarationSyntax> Types,
    IReadOnlyList<FunctionSyntax> Functions,
    IReadOnlyList<VariableSyntax> Variables,
    IReadOnlyList<(string Name, long Value)>? Constants = null);
