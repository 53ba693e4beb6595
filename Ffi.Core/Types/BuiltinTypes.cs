namespace Ffi.Types;

/// <summary>
/// The type names every spec can use without declaring them: the original's <c>__void__</c>,
/// <c>__char__</c>, <c>__uchar__</c> and the C names (<c>int</c>, <c>size_t</c>, <c>double</c>,
/// <c>pointer</c> = <c>void*</c>, <c>string</c> = <c>const char*</c>, <c>wchar_t</c>, …) with their x86-64 LP64 meaning.
/// A spec's own declaration of one of these names wins inside that spec.
/// </summary>
public static class BuiltinTypes
{
    private static readonly Dictionary<string, CType> ByName = Create();

    /// <summary>Every builtin name with its type.</summary>
    public static IReadOnlyDictionary<string, CType> All => ByName;

    /// <summary>Looks up a builtin type by name.</summary>
    /// <param name="name">A builtin name such as <c>int</c> or <c>size_t</c>.</param>
    /// <param name="type">The type, when <paramref name="name"/> is a builtin.</param>
    /// <returns>Whether the name is a builtin.</returns>
    public static bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CType? type) =>
        ByName.TryGetValue(name, out type);

    private static Dictionary<string, CType> Create()
    {
        var d = new Dictionary<string, CType>(StringComparer.Ordinal);
        void Int(string name, int bits, bool signed) => d.Add(name, new IntType(bits, signed, false, name, null));

        d.Add("__void__", new VoidType("__void__", null));
        d.Add("void", new VoidType("void", null));
        d.Add("bool", new IntType(8, false, true, "bool", null));
        Int("__char__", 8, true);
        Int("__uchar__", 8, false);
        Int("char", 8, true); // char is signed on x86-64 System V
        Int("schar", 8, true);
        Int("uchar", 8, false);
        Int("short", 16, true);
        Int("ushort", 16, false);
        Int("int", 32, true);
        Int("uint", 32, false);
        Int("long", 64, true);
        Int("ulong", 64, false);
        Int("longlong", 64, true);
        Int("ulonglong", 64, false);
        foreach (var bits in new[] { 8, 16, 32, 64 })
        {
            Int("int" + bits, bits, true);
            Int("uint" + bits, bits, false);
        }
        Int("size_t", 64, false);
        Int("ssize_t", 64, true);
        Int("intptr_t", 64, true);
        Int("uintptr_t", 64, false);
        Int("wchar_t", 32, true); // glibc on x86-64: a 4-byte signed int holding one UTF-32 code point
        d.Add("float", new FloatType(32, "float", null));
        d.Add("double", new FloatType(64, "double", null));

        var voidPtr = new PointerType(null, "pointer", null);
        voidPtr.Bind(d["void"]);
        d.Add("pointer", voidPtr);
        var str = new PointerType(null, "string", null, pointeeConst: true);
        str.Bind(d["char"]);
        d.Add("string", str);
        return d;
    }
}
