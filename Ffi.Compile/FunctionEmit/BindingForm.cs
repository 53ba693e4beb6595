namespace Ffi.Compile.FunctionEmit;

/// <summary>Which overload a <see cref="BindingForm"/> is (<see cref="BindingForms"/>).</summary>
internal enum BindingFormKind
{
    /// <summary>The natural CLR signature.</summary>
    Natural,

    /// <summary>Byte buffers as spans, other data pointers by reference.</summary>
    Span,

    /// <summary>Every pointer-like value as a pointer.</summary>
    Raw,
}

/// <summary>One overload's CLR signature: its name, result, parameters, and which by-reference parameters are <c>in</c>.</summary>
internal sealed record BindingForm(BindingFormKind Kind, string Name, Type Return, IReadOnlyList<Type> Parameters, IReadOnlyList<bool> ReadOnly);
