namespace Ffi.Tests.Oracle;

/// <summary>
/// One named type described twice: as a spec type object (JSON) and as the C declaration gcc compiles.
/// <paramref name="CDecl"/> must define a typedef named <paramref name="Name"/>; <paramref name="Members"/>
/// lists the member designators to check (<c>"a"</c>, <c>"in.b"</c>), each with whether it is a bitfield.
/// </summary>
internal sealed record LayoutCase(string Name, string SpecJson, string CDecl, IReadOnlyList<(string Path, bool IsBitfield)> Members);
