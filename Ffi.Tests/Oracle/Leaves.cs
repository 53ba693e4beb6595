using System.Globalization;
using Ffi.Memory;
using Ffi.Types;

namespace Ffi.Tests.Oracle;

/// <summary>A scalar or bitfield reachable by a member path from a type, with its C spelling.</summary>
internal sealed record LeafPath(string Path, CType Type, int? BitWidth)
{
    /// <summary>The C expression for the leaf of <paramref name="root"/> (e.g. <c>x-&gt;a.b[3]</c>); the root itself when the path is empty.</summary>
    public string C(string root) => Path.Length == 0 ? root : Path[0] == '[' ? root + Path : $"{root}.{Path}";
}

/// <summary>
/// Enumerates the leaves of a type that C can name and that do not overlap: struct members, the first member
/// of unions, the last element of fixed arrays (at most <c>max</c>, depth-limited).
/// </summary>
internal static class Leaves
{
    public static List<LeafPath> Of(CType type, int max = 40)
    {
        var leaves = new List<LeafPath>();
        void Walk(CType t, string path, int depth)
        {
            if (leaves.Count >= max || depth > 5) return;
            switch (t)
            {
                case StructType s:
                    foreach (var f in s.Fields.Where(f => !f.IsUnnamed && f.BitWidth != 0)) Member(f, path, depth);
                    break;
                case UnionType u when u.Fields.FirstOrDefault(f => !f.IsUnnamed && f.BitWidth != 0) is { } first:
                    Member(first, path, depth);
                    break;
                case ArrayType { Length: > 0 } a:
                    Walk(a.Element, $"{path}[{a.Length - 1}]", depth + 1);
                    break;
                case IntType or EnumType or FloatType or PointerType:
                    leaves.Add(new LeafPath(path, t, null));
                    break;
            }
        }
        void Member(CField f, string path, int depth)
        {
            var p = path.Length == 0 ? f.Name : $"{path}.{f.Name}";
            if (f.BitWidth is int w) leaves.Add(new LeafPath(p, f.Type, w));
            else Walk(f.Type, p, depth + 1);
        }
        Walk(type, "", 0);
        return leaves;
    }
}

/// <summary>Leaf values made comparable across CLR types: integers as Int128, floats as double, pointers as addresses.</summary>
internal static class LeafValues
{
    public static object Normalize(object? v) => v switch
    {
        bool b => (Int128)(b ? 1 : 0),
        float f => (double)f,
        double d => d,
        NativePointer p => (Int128)(ulong)p.Address,
        nint n => (Int128)(ulong)n,
        ulong u => (Int128)u,
        IConvertible i => (Int128)i.ToInt64(CultureInfo.InvariantCulture),
        _ => v ?? "null",
    };
}
