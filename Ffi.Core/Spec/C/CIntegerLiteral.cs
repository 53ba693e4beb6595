namespace Ffi.Spec.C;

/// <summary>
/// An integer constant as C spells it — <c>42</c>, <c>0x1F</c>, <c>017</c>, <c>0b101</c>, with <c>u</c>/<c>l</c>/<c>ll</c>
/// suffixes — and whether its type is unsigned (C11 6.4.4.1: a hex or octal constant that does not fit
/// <c>int</c> but fits <c>unsigned int</c> is unsigned; so is one with a <c>u</c>).
/// </summary>
internal static class CIntegerLiteral
{
    public static CToken Parse(string text, SourcePosition at, CSource source)
    {
        int radix = 10, start = 0;
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) { radix = 16; start = 2; }
        else if (text.StartsWith("0b", StringComparison.OrdinalIgnoreCase)) { radix = 2; start = 2; }
        else if (text.Length > 1 && text[0] == '0' && char.IsAsciiDigit(text[1])) { radix = 8; start = 1; }
        int end = start;
        while (end < text.Length && (radix == 16 ? char.IsAsciiHexDigit(text[end]) : char.IsAsciiDigit(text[end]))) end++;
        var suffix = text[end..].ToLowerInvariant();
        if (suffix is not ("" or "u" or "l" or "ul" or "lu" or "ll" or "ull" or "llu"))
            throw source.Error(at, $"invalid suffix \"{text[end..]}\" on integer constant {text}");
        var digits = text[start..end];
        if (digits.Length == 0) throw source.Error(at, $"invalid integer constant {text}");
        ulong value = 0;
        foreach (char c in digits)
        {
            int d = char.IsAsciiDigit(c) ? c - '0' : char.IsAsciiHexDigit(c) ? char.ToLowerInvariant(c) - 'a' + 10 : 99;
            if (d >= radix) throw source.Error(at, $"invalid digit '{c}' in {RadixName(radix)} constant {text}");
            ulong next = unchecked(value * (ulong)radix + (ulong)d);
            if ((next - (ulong)d) / (ulong)radix != value) throw source.Error(at, $"integer constant {text} is larger than 64 bits");
            value = next;
        }
        bool unsigned = suffix.Contains('u')
            || value > long.MaxValue
            || (radix != 10 && !suffix.Contains('l') && value > int.MaxValue && value <= uint.MaxValue);
        return new CToken(CTokenKind.Integer, text, unchecked((long)value), unsigned, at);
    }

    private static string RadixName(int radix) => radix switch
    {
        16 => "hexadecimal",
        8 => "octal",
        2 => "binary",
        _ => "decimal",
    };
}
