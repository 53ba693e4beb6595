namespace Ffi;

/// <summary>A function or variable needs a capability (its spec <c>"caps"</c>) the module was not granted.</summary>
public sealed class FfiCapabilityDeniedException : FfiException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="symbol">The function or variable.</param>
    /// <param name="capability">The missing capability.</param>
    public FfiCapabilityDeniedException(string symbol, string capability)
        : this(symbol, capability, "grant it with FfiOptions.Grants")
    {
    }

    /// <summary>Creates the exception with the way to grant the capability (compiled bindings grant differently).</summary>
    /// <param name="symbol">The function or variable.</param>
    /// <param name="capability">The missing capability.</param>
    /// <param name="howToGrant">What the message suggests, e.g. <c>grant it with Zlib.Native.Capabilities.Grant</c>.</param>
    public FfiCapabilityDeniedException(string symbol, string capability, string howToGrant)
        : base($"{symbol}: capability \"{capability}\" was not granted ({howToGrant})")
    {
        Symbol = symbol;
        Capability = capability;
    }

    /// <summary>The function or variable that was refused.</summary>
    public string Symbol { get; }

    /// <summary>The capability it needs and the module lacks.</summary>
    public string Capability { get; }
}
