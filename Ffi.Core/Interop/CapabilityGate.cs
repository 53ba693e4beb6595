using System.ComponentModel;

namespace Ffi.Interop;

/// <summary>
/// The capabilities granted to compiled bindings (the spec's <c>"caps"</c>): a gated function checks its bits before
/// anything is marshalled and throws <see cref="FfiCapabilityDeniedException"/> when one is missing, as a run-time
/// module opened without the grant does. Nothing is granted at first. Thread-safe.
/// </summary>
/// <example>
/// <code>
/// Zlib.Native.Capabilities.Grant("fs");   // gated functions needing only "fs" may now be called
/// </code>
/// </example>
public sealed class CapabilityGate
{
    private readonly string[] _names;
    private readonly string _owner;
    private long _granted;

    /// <summary>Creates the gate (generated code makes one per bindings class).</summary>
    /// <param name="owner">The bindings class, named in refusals (<c>Zlib.Native</c>).</param>
    /// <param name="names">Every capability the spec names; capability i is bit i.</param>
    /// <exception cref="ArgumentException">More than 64 names.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public CapabilityGate(string owner, string[] names)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(names);
        if (names.Length > 64) throw new ArgumentException($"{names.Length} capabilities; a gate holds at most 64", nameof(names));
        _owner = owner;
        _names = (string[])names.Clone();
    }

    /// <summary>The capabilities the spec names.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>Grants capabilities.</summary>
    /// <param name="capabilities">Names the spec uses in <c>"caps"</c>.</param>
    /// <exception cref="ArgumentException">A name the spec does not use (the message lists those it does).</exception>
    public void Grant(params string[] capabilities) => Interlocked.Or(ref _granted, Bits(capabilities));

    /// <summary>Withdraws capabilities granted before.</summary>
    /// <param name="capabilities">Names the spec uses in <c>"caps"</c>.</param>
    /// <exception cref="ArgumentException">A name the spec does not use.</exception>
    public void Revoke(params string[] capabilities) => Interlocked.And(ref _granted, ~Bits(capabilities));

    /// <summary>Whether <paramref name="capability"/> is granted.</summary>
    /// <param name="capability">A capability name.</param>
    public bool IsGranted(string capability)
    {
        int i = Array.IndexOf(_names, capability);
        return i >= 0 && (Volatile.Read(ref _granted) & (1L << i)) != 0;
    }

    /// <summary>Throws unless every capability in <paramref name="required"/> is granted (called by generated stubs).</summary>
    /// <param name="required">The function's capabilities as bits.</param>
    /// <param name="symbol">The function, for the message.</param>
    /// <exception cref="FfiCapabilityDeniedException">A capability is missing (the first one is named).</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void Demand(long required, string symbol)
    {
        long missing = required & ~Volatile.Read(ref _granted);
        if (missing != 0) Refuse(missing, symbol);
    }

    private void Refuse(long missing, string symbol) =>
        throw new FfiCapabilityDeniedException(symbol, _names[System.Numerics.BitOperations.TrailingZeroCount(missing)],
            $"grant it with {_owner}.Capabilities.Grant");

    private long Bits(string[] capabilities)
    {
        ArgumentNullException.ThrowIfNull(capabilities);
        long bits = 0;
        foreach (var c in capabilities)
        {
            int i = Array.IndexOf(_names, c);
            if (i < 0)
                throw new ArgumentException($"\"{c}\" is not a capability of {_owner} (its spec names: {(_names.Length == 0 ? "none" : string.Join(", ", _names))})", nameof(capabilities));
            bits |= 1L << i;
        }
        return bits;
    }
}
