namespace Ffi.Spec.C;

/// <summary>
/// The C spellings of the builtin types: keyword combinations (<c>unsigned long long int</c>) and the
/// typedef names of <c>&lt;stdint.h&gt;</c>, <c>&lt;stddef.h&gt;</c> and <c>&lt;sys/types.h&gt;</c> that need no
/// declaration, each mapped to the spec's builtin of the same x86-64 LP64 meaning.
/// </summary>
internal static class CTypeNames
{
    /// <summary>Typedef names known without a declaration (a declaration in the text wins).</summary>
    public static readonly IReadOnlyDictionary<string, string> KnownTypedefs = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["int8_t"] = "int8", ["uint8_t"] = "uint8", ["int16_t"] = "int16", ["uint16_t"] = "uint16",
        ["int32_t"] = "int32", ["uint32_t"] = "uint32", ["int64_t"] = "int64", ["uint64_t"] = "uint64",
        ["int_least8_t"] = "int8", ["uint_least8_t"] = "uint8", ["int_least16_t"] = "int16", ["uint_least16_t"] = "uint16",
        ["int_least32_t"] = "int32", ["uint_least32_t"] = "uint32", ["int_least64_t"] = "int64", ["uint_least64_t"] = "uint64",
        // glibc on x86-64: int_fast8_t is signed char, the wider fast types are long.
        ["int_fast8_t"] = "int8", ["uint_fast8_t"] = "uint8", ["int_fast16_t"] = "long", ["uint_fast16_t"] = "ulong",
        ["int_fast32_t"] = "long", ["uint_fast32_t"] = "ulong", ["int_fast64_t"] = "long", ["uint_fast64_t"] = "ulong",
        ["intmax_t"] = "long", ["uintmax_t"] = "ulong",
        ["intptr_t"] = "intptr_t", ["uintptr_t"] = "uintptr_t", ["size_t"] = "size_t", ["ssize_t"] = "ssize_t",
        ["ptrdiff_t"] = "long", ["off_t"] = "long", ["off64_t"] = "long", ["wchar_t"] = "wchar_t", ["wint_t"] = "uint",
        ["char16_t"] = "uint16", ["char32_t"] = "uint32",
        ["pid_t"] = "int", ["uid_t"] = "uint", ["gid_t"] = "uint", ["mode_t"] = "uint", ["time_t"] = "long",
        ["clock_t"] = "long", ["suseconds_t"] = "long", ["socklen_t"] = "uint", ["bool"] = "bool",
    };

    /// <summary>Builtin type keywords and names the engine cannot lay out or call with; a declaration using one is skipped with a note.</summary>
    public static readonly IReadOnlySet<string> Unsupported = new HashSet<string>(StringComparer.Ordinal)
    {
        "_Float16", "_Float32", "_Float64", "_Float128", "_Float32x", "_Float64x", "_Float128x", "__float128", "__float80",
        "__ibm128", "__bf16", "_Complex", "__complex__", "_Imaginary", "__int128", "__int128_t", "__uint128_t",
        "_Decimal32", "_Decimal64", "_Decimal128", "__builtin_va_list", "__gnuc_va_list", "va_list", "typeof", "__typeof__",
        "__typeof", "_Atomic", "__auto_type",
    };

    /// <summary>
    /// The builtin a C spelling of a type names without any declaration: a typedef of <see cref="KnownTypedefs"/>
    /// (<c>int64_t</c>) or a combination of type keywords (<c>unsigned long</c>, <c>long long int</c>, <c>signed char</c>).
    /// </summary>
    public static bool TryBuiltin(string spelling, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? builtin)
    {
        if (KnownTypedefs.TryGetValue(spelling, out builtin)) return true;
        string? basic = null, sign = null;
        int longs = 0;
        bool isShort = false;
        foreach (var word in spelling.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            switch (word)
            {
                case "long": longs++; break;
                case "short" when !isShort: isShort = true; break;
                case "signed" or "unsigned" when sign is null: sign = word; break;
                case "int" or "char" or "double" or "float" or "void" or "_Bool" when basic is null: basic = word; break;
                default: builtin = null; return false;
            }
        }
        builtin = basic is null && sign is null && !isShort && longs == 0 ? null : Combine(basic, longs, isShort, sign, out _);
        return builtin is not null;
    }

    /// <summary>
    /// The builtin named by a combination of type keywords, or an error text. <paramref name="longs"/> counts
    /// <c>long</c>; <paramref name="sign"/> is "signed", "unsigned" or null.
    /// </summary>
    public static string? Combine(string? basic, int longs, bool isShort, string? sign, out string? error)
    {
        error = null;
        if (isShort && longs > 0) { error = "'short' and 'long' cannot be combined"; return null; }
        if (longs > 2) { error = "'long long long' is too long for C"; return null; }
        switch (basic)
        {
            case "void" or "_Bool" or "float" when sign is null && !isShort && longs == 0:
                return basic == "_Bool" ? "bool" : basic;
            case "double" when sign is null && !isShort && longs == 0:
                return "double";
            case "double" when sign is null && longs == 1:
                error = "long double (the 80-bit x87 type) is not supported";
                return null;
            case "char" when !isShort && longs == 0:
                return sign switch { "signed" => "schar", "unsigned" => "uchar", _ => "char" };
            case "int" or null when isShort:
                return sign == "unsigned" ? "ushort" : "short";
            case "int" or null when longs == 1:
                return sign == "unsigned" ? "ulong" : "long";
            case "int" or null when longs == 2:
                return sign == "unsigned" ? "ulonglong" : "longlong";
            case "int" or null when sign is not null || basic is not null:
                return sign == "unsigned" ? "uint" : "int";
        }
        error = $"'{string.Join(" ", new[] { sign, isShort ? "short" : null, longs > 0 ? string.Join(" ", Enumerable.Repeat("long", longs)) : null, basic }.Where(s => s is not null))}' is not a C type";
        return null;
    }
}
