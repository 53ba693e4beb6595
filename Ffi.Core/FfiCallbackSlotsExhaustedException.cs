namespace Ffi;

/// <summary>
/// Compiled bindings have a fixed number of trampolines per function pointer type (no code is generated at run time),
/// and every one is in use: by registered callbacks not yet disposed, or by delegates passed to calls still in
/// progress. The message names the type, the count and how to raise it.
/// </summary>
public sealed class FfiCallbackSlotsExhaustedException : FfiException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="callback">The function pointer type.</param>
    /// <param name="slots">How many trampolines it has.</param>
    public FfiCallbackSlotsExhaustedException(string callback, int slots)
        : base($"{callback}: all {slots} callback slots of the compiled bindings are in use (registered callbacks not disposed, or delegates "
            + "passed to calls still running); dispose registrations you no longer need, or compile with more: ffi compile --callback-slots N, "
            + "BindingOptions.CallbackSlots, or CallbackSlots=\"N\" on the FfiBinding item")
    {
        Callback = callback;
        Slots = slots;
    }

    /// <summary>The function pointer type, as the spec names it.</summary>
    public string Callback { get; }

    /// <summary>How many trampolines the type has.</summary>
    public int Slots { get; }
}
