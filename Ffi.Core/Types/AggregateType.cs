namespace Ffi.Types;

/// <summary>A struct or union: members with their computed placement, packing and requested alignment.</summary>
public abstract class AggregateType : CType
{
    private readonly Dictionary<string, CField> _byName;

    // The size, alignment and field offsets come from Layout/SysVLayout (the resolver calls it): Types needs no Layout.
    private protected AggregateType(IReadOnlyList<CField> fields, long size, int align, bool packed, int? requestedAlign, string? name, string? doc, int? pack)
        : base(name, doc)
    {
        Fields = fields;
        Size = size;
        Align = align;
        IsPacked = packed;
        RequestedAlign = requestedAlign;
        Pack = pack;
        _byName = new Dictionary<string, CField>(StringComparer.Ordinal);
        foreach (var f in fields)
        {
            if (!f.IsUnnamed)
            {
                _byName.TryAdd(f.Name, f);
            }
            else if (f is { IsBitfield: false, Type: AggregateType inner })
            {
                // C11 anonymous member: struct { int a; union { int b; float c; }; } names b and c as if they were
                // its own, at their offset inside the member (the inner table already holds deeper anonymous members).
                foreach (var (innerName, innerField) in inner._byName)
                    _byName.TryAdd(innerName, innerField.Shifted(f.BitOffset));
            }
        }
    }

    /// <summary>The members in declaration order, unnamed ones included.</summary>
    public IReadOnlyList<CField> Fields { get; }

    /// <summary>Whether the spec declared it <c>"packed": true</c> (GCC <c>__attribute__((packed))</c>).</summary>
    public bool IsPacked { get; }

    /// <summary>The spec's <c>"align"</c> (GCC <c>aligned(N)</c>), or <see langword="null"/>.</summary>
    public int? RequestedAlign { get; }

    /// <summary>The spec's <c>"pack"</c>: the <c>#pragma pack(N)</c> in effect where it was declared, or <see langword="null"/>.</summary>
    public int? Pack { get; }

    /// <summary>
    /// The names <see cref="TryGetField"/> finds: the named members, and the members of anonymous struct and union
    /// members (C11), which C code names as if they were the aggregate's own.
    /// </summary>
    public IEnumerable<string> FieldNames => _byName.Keys;

    /// <inheritdoc />
    public override long Size { get; }

    /// <inheritdoc />
    public override int Align { get; }

    /// <summary>Finds a named member, also inside an anonymous struct or union member (with its offset in this aggregate).</summary>
    /// <param name="name">The member name.</param>
    /// <param name="field">The member, when found.</param>
    /// <returns>Whether a member of that name exists.</returns>
    public bool TryGetField(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CField? field) =>
        _byName.TryGetValue(name, out field);

    /// <summary>Gets a named member.</summary>
    /// <param name="name">The member name.</param>
    /// <exception cref="FfiNameException">There is no member of that name; the message suggests or lists the members.</exception>
    public CField GetField(string name)
    {
        if (TryGetField(name, out var f)) return f;
        var hint = Suggest.DidYouMean(name, _byName.Keys);
        throw new FfiNameException("field", name, $"{DisplayName} has no field \"{name}\"{(hint.Length > 0 ? hint : $" (fields: {string.Join(", ", _byName.Keys)})")}");
    }
}
