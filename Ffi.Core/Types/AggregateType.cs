using Ffi.Layout;

namespace Ffi.Types;

/// <summary>A struct or union: members with their computed placement, packing and requested alignment.</summary>
public abstract class AggregateType : CType
{
    private readonly Dictionary<string, CField> _byName;

    private protected AggregateType(IReadOnlyList<CField> fields, AggregateLayout layout, bool packed, int? requestedAlign, string? name, string? doc)
        : base(name, doc)
    {
        Fields = fields;
        Size = layout.Size;
        Align = layout.Align;
        IsPacked = packed;
        RequestedAlign = requestedAlign;
        _byName = new Dictionary<string, CField>(StringComparer.Ordinal);
        foreach (var f in fields)
            if (!f.IsUnnamed) _byName.TryAdd(f.Name, f);
    }

    /// <summary>The members in declaration order, unnamed ones included.</summary>
    public IReadOnlyList<CField> Fields { get; }

    /// <summary>Whether the spec declared it <c>"packed": true</c> (GCC <c>__attribute__((packed))</c>).</summary>
    public bool IsPacked { get; }

    /// <summary>The spec's <c>"align"</c> (GCC <c>aligned(N)</c>), or <see langword="null"/>.</summary>
    public int? RequestedAlign { get; }

    /// <inheritdoc />
    public override long Size { get; }

    /// <inheritdoc />
    public override int Align { get; }

    /// <summary>Finds a named member.</summary>
    /// <param name="name">The member name.</param>
    /// <param name="field">The member, when found.</param>
    /// <returns>Whether a member of that name exists.</returns>
    public bool TryGetField(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CField? field) =>
        _byName.TryGetValue(name, out field);

    /// <summary>Gets a named member.</summary>
    /// <param name="name">The member name.</param>
    /// <exception cref="KeyNotFoundException">There is no member of that name; the message lists the members.</exception>
    public CField GetField(string name) =>
        TryGetField(name, out var f) ? f
            : throw new KeyNotFoundException($"{DisplayName} has no field \"{name}\" (fields: {string.Join(", ", _byName.Keys)})");
}
