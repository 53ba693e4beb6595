namespace Ffi.Spec.C;

/// <summary>
/// The value of an integer constant expression with its C type, reduced to what matters for the arithmetic:
/// signed or unsigned, and <c>int</c>-sized (32 bits) or <c>long</c>-sized (64 bits). <c>~0u &gt;&gt; 28</c> is 15
/// because <c>~0u</c> is a 32-bit unsigned int.
/// </summary>
internal readonly record struct CInteger
{
    public CInteger(long value, bool unsigned, bool wide = true)
    {
        Unsigned = unsigned;
        Wide = wide;
        Value = wide ? value : unsigned ? (long)(uint)value : (int)value;
    }

    public long Value { get; }

    public bool Unsigned { get; }

    /// <summary>64 bits (<c>long</c>, <c>unsigned long</c>, <c>sizeof</c>) rather than 32 (<c>int</c>, <c>unsigned int</c>).</summary>
    public bool Wide { get; }

    public bool IsTrue => Value != 0;

    public static CInteger Bool(bool b) => new(b ? 1 : 0, false, false);

    /// <summary>An <c>int</c> when the value fits one, else a <c>long</c> (enum constants).</summary>
    public static CInteger Of(long value) => new(value, false, value is < int.MinValue or > int.MaxValue);

    /// <summary>An integer constant's type (C11 6.4.4.1): the first of int, unsigned int (hex and octal only), long, unsigned long that holds it.</summary>
    public static CInteger FromToken(CToken t)
    {
        bool longSuffix = t.Text.Contains('l') || t.Text.Contains('L');
        if (t.Text.StartsWith('\'')) return new(t.Value, false, false);
        bool wide = longSuffix || (t.IsUnsigned ? (ulong)t.Value > uint.MaxValue : t.Value is > int.MaxValue or < int.MinValue);
        return new(t.Value, t.IsUnsigned, wide);
    }

    /// <summary>The common type of a binary operation (C11 6.3.1.8): the wider; at equal width, unsigned wins.</summary>
    public static (bool Unsigned, bool Wide) Common(CInteger a, CInteger b)
    {
        if (a.Wide == b.Wide) return (a.Unsigned || b.Unsigned, a.Wide);
        var wider = a.Wide ? a : b;
        return (wider.Unsigned, true); // long holds every unsigned int, so the long's signedness stays
    }
}
