using System.Globalization;
using Ffi.Types;

namespace Ffi.Memory;

/// <summary>
/// Resolves member paths against a type: names separated by dots, indexes in brackets —
/// <c>"hdr.items[3].len"</c>, <c>"m[1][2]"</c>, or <c>"[2].x"</c> (element 2 of an array of the type at the pointer).
/// </summary>
internal static class FieldPath
{
    /// <summary>Walks <paramref name="path"/> from <paramref name="root"/>; errors name <paramref name="where"/>.</summary>
    public static FieldLocation Locate(CType root, string path, string where)
    {
        ArgumentNullException.ThrowIfNull(path);
        CType type = root;
        long bits = 0;
        int? width = null;
        int i = 0;
        bool first = true;
        while (i < path.Length)
        {
            if (width is not null) throw new FfiArgumentException(where, $"bitfield \"{path[..i]}\" has no members");
            if (path[i] == '[')
            {
                int close = path.IndexOf(']', i);
                if (close < 0 || !long.TryParse(path.AsSpan(i + 1, close - i - 1), NumberStyles.None, CultureInfo.InvariantCulture, out long index))
                    throw new FfiArgumentException(where, $"bad index in path \"{path}\" at {i} (expected [N] with N >= 0)");
                if (type is ArrayType a)
                {
                    if (a.Length is long len && index >= len)
                        throw new FfiMemoryException($"{where}: index {index} is out of range for {a.DisplayName} (length {len})");
                    type = a.Element;
                }
                else if (!first)
                {
                    throw new FfiArgumentException(where, $"\"{path[..i]}\" is {type.DisplayName}, not an array");
                }
                // else: "[N]" first on a non-array type indexes an array of that type at the pointer.
                try { bits = checked(bits + index * type.Size * 8); }
                catch (OverflowException) { throw new FfiMemoryException($"{where}: index {index} is out of range (the offset overflows)"); }
                i = close + 1;
            }
            else
            {
                if (!first)
                {
                    if (path[i] != '.') throw new FfiArgumentException(where, $"bad path \"{path}\" at {i} (expected '.' or '[')");
                    i++;
                }
                int end = i;
                while (end < path.Length && path[end] != '.' && path[end] != '[') end++;
                var name = path[i..end];
                if (name.Length == 0) throw new FfiArgumentException(where, $"empty member name in path \"{path}\"");
                if (type is not AggregateType agg)
                    throw new FfiArgumentException(where, $"\"{(i == 0 ? "" : path[..(i - 1)])}\" is {type.DisplayName}, not a struct or union (no member \"{name}\")");
                if (!agg.TryGetField(name, out var field))
                {
                    var kind = agg is UnionType ? "union" : "struct";
                    var names = string.Join(", ", agg.FieldNames);
                    throw new FfiArgumentException(where, $"unknown {kind} field: {name} ({agg.DisplayName} has: {names})");
                }
                type = field.Type;
                bits += field.BitOffset;
                width = field.BitWidth;
                i = end;
            }
            first = false;
        }
        return new FieldLocation(type, bits, width);
    }
}
