namespace Ffi.Compile;

/// <summary>What <see cref="BindingCompiler"/> names the assembly it writes and the things in it.</summary>
/// <param name="Namespace">The namespace of every generated type (<c>--namespace</c>): dot-separated CLR identifiers.</param>
public sealed record BindingOptions(string Namespace)
{
    /// <summary>
    /// The static class (<c>--class</c>) that holds the library name, the spec's constants and one static method per
    /// function. Default <c>Native</c>.
    /// </summary>
    public string ClassName { get; init; } = "Native";

    /// <summary>The assembly's simple name (and file name without <c>.dll</c>); default <c><see cref="Namespace"/>.Bindings</c>.</summary>
    public string? AssemblyName { get; init; }

    /// <summary>
    /// The trampolines compiled per named function pointer type (<c>--callback-slots</c>), default 16: how many
    /// delegates of that type can be live at once (registered and not disposed, or passed to calls still running). No
    /// code is generated at run time, so the pool cannot grow; one more is an <see cref="FfiCallbackSlotsExhaustedException"/>.
    /// From 1 to <see cref="MaxCallbackSlots"/>.
    /// </summary>
    public int CallbackSlots { get; init; } = 16;

    /// <summary>The largest <see cref="CallbackSlots"/> taken.</summary>
    public const int MaxCallbackSlots = 4096;

    /// <summary>The assembly name in effect: <see cref="AssemblyName"/> or <c>Namespace.Bindings</c>.</summary>
    public string EffectiveAssemblyName => AssemblyName ?? Namespace + ".Bindings";
}
