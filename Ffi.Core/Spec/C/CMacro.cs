namespace Ffi.Spec.C;

/// <summary>An object-like <c>#define NAME tokens</c>, in definition order.</summary>
internal sealed record CMacro(string Name, IReadOnlyList<CToken> Body, SourcePosition At, int Order);
