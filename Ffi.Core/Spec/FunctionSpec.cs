using Ffi.Types;

namespace Ffi.Spec;

/// <summary>A C function as the spec declares it: its signature (types resolved) and its options.</summary>
public sealed class FunctionSpec
{
    /// <summary>
    /// The largest parameter or return value, in bytes, a function (or function pointer type) may pass by value.
    /// C copies such a value on the stack of the calling thread; a larger one is refused when the spec is read.
    /// </summary>
    public const long MaxByValueSize = 1 << 16;

    private readonly IReadOnlyList<string> _parameterNames;
    private readonly string _returnName;

    internal FunctionSpec(string name, CType returnType, string returnName, IReadOnlyList<CType> parameters, IReadOnlyList<string> parameterNames,
        bool variadic, string? library, string? doc, bool returnsString, bool capturesErrno, IReadOnlyList<string> capabilities, bool trivial)
    {
        Name = name;
        ReturnType = returnType;
        _returnName = returnName;
        ParameterTypes = parameters;
        _parameterNames = parameterNames;
        IsVariadic = variadic;
        Library = library;
        Doc = doc;
        ReturnsString = returnsString;
        CapturesErrno = capturesErrno;
        Capabilities = capabilities;
        IsTrivial = trivial;
    }

    /// <summary>The symbol name.</summary>
    public string Name { get; }

    /// <summary>The return type.</summary>
    public CType ReturnType { get; }

    /// <summary>The fixed parameter types, in order.</summary>
    public IReadOnlyList<CType> ParameterTypes { get; }

    /// <summary>Whether extra arguments follow the fixed ones (<c>"variadic": true</c>).</summary>
    public bool IsVariadic { get; }

    /// <summary>The library that overrides the spec's <c>lib</c> for this symbol, or <see langword="null"/>.</summary>
    public string? Library { get; }

    /// <summary>The <c>"doc"</c> text, if any.</summary>
    public string? Doc { get; }

    /// <summary>Whether the <c>char*</c> result is read as a string (<c>"ret_as_str": true</c>).</summary>
    public bool ReturnsString { get; }

    /// <summary>Whether errno is captured right after each call (<c>"errno": true</c>).</summary>
    public bool CapturesErrno { get; }

    /// <summary>The capabilities a caller must be granted (<c>"caps"</c>); empty when ungated.</summary>
    public IReadOnlyList<string> Capabilities { get; }

    /// <summary>Whether the function is declared short and non-blocking (<c>"trivial": true</c>).</summary>
    public bool IsTrivial { get; }

    /// <summary>A C-like signature with the type names the spec wrote, e.g. <c>ulong crc32(ulong, uint8*, uint)</c>.</summary>
    public string Signature
    {
        get
        {
            var ps = string.Join(", ", _parameterNames);
            if (IsVariadic) ps = ps.Length == 0 ? "..." : ps + ", ...";
            return $"{_returnName} {Name}({ps})";
        }
    }

    /// <summary>The parameter types as the spec named them (a rendering for inline types).</summary>
    internal IReadOnlyList<string> ParameterNames => _parameterNames;

    /// <summary>The return type as the spec named it (a rendering for an inline type).</summary>
    internal string ReturnName => _returnName;

    /// <inheritdoc />
    public override string ToString() => Signature;
}
