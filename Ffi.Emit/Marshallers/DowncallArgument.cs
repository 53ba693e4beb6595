using Ffi.Il;
using Ffi.Types;

namespace Ffi.Marshallers;

/// <summary>
/// One parameter of a typed delegate as a downcall stub marshals it: its index, CLR type, C type and marshaller.
/// The binding is fixed when the delegate is bound; <see cref="Value"/> and <see cref="Kept"/> are the locals one
/// emission leaves between stages, so every stub emission takes fresh ones (<see cref="ForEmission"/>).
/// </summary>
internal sealed class DowncallArgument(int index, Type clr, CType c, ArgumentMarshaller marshaller, int firstArgument = 1)
{
    /// <summary>The parameter's index.</summary>
    public int Index { get; } = index;

    /// <summary>
    /// The stub's IL argument that holds it: one more than <see cref="Index"/> in a run-time stub (argument 0 is the
    /// target), equal in a compiled static method (<see cref="StubTarget.FirstArgument"/>).
    /// </summary>
    public int IlArgument { get; } = index + firstArgument;

    /// <summary>The delegate's parameter type.</summary>
    public Type Clr { get; } = clr;

    /// <summary>The C type passed (a variadic extra's promoted type).</summary>
    public CType C { get; } = c;

    /// <summary>How <see cref="Clr"/> stands for <see cref="C"/>.</summary>
    public ArgumentMarshaller Marshaller { get; } = marshaller;

    /// <summary>The local the call loads the C value from (an address, a copy), or null: the stub's own argument.</summary>
    public IlLocal? Value { get; set; }

    /// <summary>A local a marshaller keeps from one stage to a later one (a string's buffer, a callback's pool or slot).</summary>
    public IlLocal? Kept { get; set; }

    /// <summary>The same binding with no locals yet, for a stub whose parameters start at IL argument <paramref name="firstArgument"/>.</summary>
    public DowncallArgument ForEmission(int firstArgument) => new(Index, Clr, C, Marshaller, firstArgument);
}
