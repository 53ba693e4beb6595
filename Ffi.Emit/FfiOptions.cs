namespace Ffi;

/// <summary>How <see cref="NativeModule.Open(Spec.FfiSpec, FfiOptions?)"/> binds a spec.</summary>
public sealed record FfiOptions
{
    /// <summary>
    /// The capabilities granted to the module (names such as <c>fs</c>, <c>net</c>, <c>proc</c>). A function or
    /// variable whose spec lists <c>"caps"</c> not all granted here throws <see cref="FfiCapabilityDeniedException"/>
    /// before anything is marshalled. Ungated symbols are unaffected.
    /// </summary>
    public IReadOnlySet<string> Grants { get; init; } = new HashSet<string>();

    /// <summary>Capture errno after every call, not only for functions declared <c>"errno": true</c>.</summary>
    public bool CaptureErrnoForAll { get; init; }
}
