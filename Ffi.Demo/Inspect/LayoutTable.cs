using System.Globalization;
using Ffi.Spec;
using Ffi.Types;

namespace Ffi.Demo.Inspect;

/// <summary>
/// Renders layouts as readable tables in the manner of <c>pahole</c>: each member with its offset and
/// size, and the holes and tail padding between them.
/// </summary>
/// <example>
/// <code>
/// struct tm                                   size 56, align 8
///   offset  size  type      name
///        0     4  int       tm_sec
///   …
///       36     4            (hole)
///       40     8  long      tm_gmtoff
/// </code>
/// </example>
public static class LayoutTable
{
    /// <summary>Writes a table for every named type of <paramref name="spec"/>.</summary>
    public static void Write(FfiSpec spec, TextWriter output)
    {
        bool first = true;
        foreach (var name in spec.Types.Names)
        {
            if (!first) output.WriteLine();
            first = false;
            Write(name, spec.Types[name], spec.Types.IsAlias(name), output);
        }
    }

    /// <summary>Writes the table of one type under <paramref name="name"/>.</summary>
    public static void Write(string name, CType type, bool isAlias, TextWriter output)
    {
        var kind = LayoutJson.KindName(type.Kind);
        var title = isAlias ? $"{name} = {type.DisplayName}" : type is AggregateType ? $"{kind} {name}" : name;
        var attrs = (type is AggregateType { IsPacked: true } ? ", packed" : "") + (type is AggregateType { Pack: int pack } ? F($", pack({pack})") : "");
        output.WriteLine(F($"{title,-40} {kind}, size {type.Size}, align {type.Align}{attrs}"));
        if (type is not AggregateType agg) return;
        if (type.Doc is not null) output.WriteLine($"  // {type.Doc}");
        if (agg.Fields.Count == 0) return;

        var rows = new List<(string Offset, string Size, string Type, string Name)>();
        long covered = 0; // bits of the aggregate accounted for so far
        foreach (var f in agg.Fields)
        {
            long sizeBits = f.BitWidth ?? f.Type.Size * 8;
            if (type is StructType && f.BitOffset > covered)
                AddGap(rows, covered, f.BitOffset, "(hole)");
            rows.Add((Position(f.BitOffset), f.BitWidth is null ? F($"{f.Type.Size}") : F($":{f.BitWidth}"), f.TypeName,
                f.IsUnnamed ? "(unnamed)" : f.Name));
            if (f is { IsUnnamed: true, IsBitfield: false, Type: AggregateType anonymous }) AddAnonymousMembers(rows, anonymous, f.BitOffset, "  ");
            covered = type is StructType ? Math.Max(covered, f.BitOffset + sizeBits) : Math.Max(covered, sizeBits);
        }
        if (type.Size * 8 > covered)
            AddGap(rows, covered, type.Size * 8, "(padding)");

        int typeWidth = Math.Max(4, rows.Max(r => r.Type.Length));
        output.WriteLine(F($"  {"offset",8}  {"size",5}  {"type".PadRight(typeWidth)}  name"));
        foreach (var r in rows)
            output.WriteLine(F($"  {r.Offset,8}  {r.Size,5}  {r.Type.PadRight(typeWidth)}  {r.Name}").TrimEnd());
    }

    // The members of a C11 anonymous struct or union, indented under it: C names them as the outer type's own (s.x).
    private static void AddAnonymousMembers(List<(string, string, string, string)> rows, AggregateType anonymous, long at, string indent)
    {
        foreach (var f in anonymous.Fields)
        {
            if (f.IsUnnamed && !(f is { IsBitfield: false, Type: AggregateType })) continue;
            rows.Add((Position(at + f.BitOffset), f.BitWidth is null ? F($"{f.Type.Size}") : F($":{f.BitWidth}"), f.TypeName,
                indent + (f.IsUnnamed ? "(unnamed)" : f.Name)));
            if (f is { IsUnnamed: true, IsBitfield: false, Type: AggregateType inner }) AddAnonymousMembers(rows, inner, at + f.BitOffset, indent + "  ");
        }
    }

    // A byte offset, or byte:bit for a position inside a byte ("4:3" is bit 3 of byte 4).
    private static string Position(long bits) => bits % 8 == 0 ? F($"{bits / 8}") : F($"{bits / 8}:{bits % 8}");

    // A gap from bit `from` to bit `to`: the bits up to the next byte boundary (":5"), whole bytes, then any bits left.
    private static void AddGap(List<(string, string, string, string)> rows, long from, long to, string label)
    {
        long boundary = Math.Min(to, (from + 7) / 8 * 8);
        long bytesEnd = boundary + (to - boundary) / 8 * 8;
        if (boundary > from) rows.Add((Position(from), F($":{boundary - from}"), "", label));
        if (bytesEnd > boundary) rows.Add((Position(boundary), F($"{(bytesEnd - boundary) / 8}"), "", label));
        if (to > bytesEnd) rows.Add((Position(bytesEnd), F($":{to - bytesEnd}"), "", label));
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
