#pragma warning disable CA1050 // in the global namespace on purpose: anonymous types live there

/// <summary>
/// The shape trimming leaves of a C# anonymous type with two members when nobody reads the second: no namespace, one
/// generic parameter per member, one public getter. Memory/TrimmedInitializerTests checks that it is refused.
/// </summary>
internal sealed class TrimmedAnonymousType<TFirst, TSecond>(TFirst x)
{
    public TFirst x { get; } = x;

    // What the compiler keeps for the second member once its getter is trimmed: the field, private.
    private readonly TSecond? _second = default;

    public override string ToString() => $"{{ x = {x}, second = {_second} }}";
}
