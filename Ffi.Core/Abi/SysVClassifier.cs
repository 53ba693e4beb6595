using Ffi.Types;

namespace Ffi.Abi;

/// <summary>
/// Classifies C values for the System V x86-64 calling convention (psABI §3.2.3), as gcc does:
/// scalars are INTEGER or SSE; an aggregate over 16 bytes, or with an unaligned member, is MEMORY;
/// otherwise each eightbyte merges the classes of the scalars (and bitfields) that overlap it —
/// union members and array elements included.
/// </summary>
/// <example>
/// <code>
/// struct { double d; int i; }   → [SSE, INTEGER]   (xmm + general register)
/// struct { float a, b, c; }     → [SSE, SSE]
/// struct { int i; float f; }    → [INTEGER]        (INTEGER wins a merge)
/// struct { long a, b, c; }      → MEMORY           (24 bytes)
/// </code>
/// </example>
public static class SysVClassifier
{
    /// <summary>The classes of a value's eightbytes; a single <see cref="EightbyteClass.Memory"/> when it goes in memory; empty for size 0.</summary>
    public static IReadOnlyList<EightbyteClass> Classify(CType type)
    {
        while (type is HandleType h) type = h.Rep; // a handle travels as its representation (chains of handles too)
        switch (type)
        {
            case FloatType:
                return [EightbyteClass.Sse];
            case IntType or EnumType or PointerType or FuncPtrType:
                return [EightbyteClass.Integer];
            case VoidType:
                return [];
        }
        if (type.Size == 0) return [];
        if (type.Size > 16) return [EightbyteClass.Memory];
        var classes = new EightbyteClass[(type.Size + 7) / 8];
        if (!Merge(type, 0, classes)) return [EightbyteClass.Memory];
        return classes;
    }

    // Merges the classes of every scalar of `type` placed at `bitOffset`; false when something is unaligned.
    // Only called inside a value of at most 16 bytes, so every array met here with a non-zero size has at most 16
    // elements: the work is linear in the spec, never in an array's length.
    private static bool Merge(CType type, long bitOffset, EightbyteClass[] classes)
    {
        while (type is HandleType h) type = h.Rep;
        switch (type)
        {
            case StructType or UnionType:
                foreach (var f in ((AggregateType)type).Fields)
                {
                    long at = bitOffset + f.BitOffset;
                    if (f.BitWidth is 0 && type is UnionType && type.Size > 0)
                    {
                        // gcc quirk: in a union (not a struct) a zero-width bitfield counts as a member of its declared
                        // type at its offset:  union { uint8_t :0; double d; } travels in rdi, not xmm0.
                        if (!Merge(f.Type, at, classes)) return false;
                    }
                    else if (f.BitWidth is int width)
                    {
                        // gcc lays out a bitfield of 16, 32 or 64 bits that starts at a multiple of its width inside
                        // its own struct or union as an ordinary integer of that width (not in a packed record), and an
                        // ordinary integer must be aligned where the value places it: misaligned there, the whole value
                        // goes in memory. packed { char c; union __attribute__((aligned(4))) { int f:32; } u; } is
                        // returned through rdi, while packed { char c; struct { int f:24; } t; } comes back in eax.
                        if (ActsAsInteger(f, (AggregateType)type, width) && at % width != 0) return false;
                        // A bitfield makes INTEGER every eightbyte it touches (zero-width ones touch none).
                        for (long eb = at / 64; width > 0 && eb <= (at + width - 1) / 64; eb++)
                            classes[eb] = Join(classes[eb], EightbyteClass.Integer);
                    }
                    else if (!Merge(f.Type, at, classes))
                    {
                        return false;
                    }
                }
                return true;
            case ArrayType { Size: 0 } empty:
                return MergeZeroSizeArray(empty, bitOffset, classes);
            case ArrayType a:
            {
                // T x[2][3] is six T in a row: walk down nested arrays without recursion (a chain of named array
                // types can be thousands deep). Every level has a non-zero size, so the innermost element does too.
                var element = a.Element;
                while (element is ArrayType inner) element = inner.Element;
                long stride = element.Size * 8, count = a.Size / element.Size;
                for (long i = 0; i < count; i++)
                    if (!Merge(element, bitOffset + i * stride, classes)) return false;
                return true;
            }
            default:
                // A scalar: it must sit at a multiple of its own alignment (packed structs can break this).
                if (bitOffset % (type.Align * 8L) != 0) return false;
                var c = Classify(type)[0];
                classes[bitOffset / 64] = Join(classes[bitOffset / 64], c);
                return true;
        }
    }

    // A bitfield gcc's layout turns into an ordinary integer field (stor-layout's layout_decl): its width is that of an
    // integer mode (8 is always aligned, so 16, 32, 64), its offset in its record a multiple of that width, and it is
    // not packed (a packed field keeps its bitfield unless the mode is a byte).
    private static bool ActsAsInteger(CField f, AggregateType owner, int width) =>
        width is 16 or 32 or 64 && f.BitOffset % width == 0 && !(f.IsPacked || owner.IsPacked);

    // A zero-size array: `char z[0]`, `struct empty z[1000]`, `int z[4][0]`. gcc ignores it when it starts an
    // eightbyte (or is a flexible array member). Otherwise (a gcc quirk) it classifies the array's element at that
    // offset and merges the element's first class into the eightbyte the array starts in:
    //   struct { float a; char z[0]; }   -> [INTEGER], returned in eax
    //   struct { float a; double z[0]; } -> [SSE] (z starts eightbyte 1: ignored)
    // The element is classified as gcc classifies any aggregate: MEMORY when it is over 64 bytes, or when it spans
    // more than two eightbytes from that offset (only vector types could pass so, and a spec has none); either way
    // the whole value goes in memory:
    //   struct { float a; struct { int i[4]; } z[0]; }   -> MEMORY (16 bytes from bit 32 span three eightbytes)
    private static bool MergeZeroSizeArray(ArrayType array, long bitOffset, EightbyteClass[] classes)
    {
        if (array.IsFlexible || bitOffset % 64 == 0) return true;
        long inner = bitOffset % 64;
        CType element = array.Element;
        // Zero-size arrays of zero-size arrays (int z[4][0][2]) classify their innermost element the same way.
        while (true)
        {
            while (element is HandleType h) element = h.Rep;
            if (element.IsAggregate && (element.Size > 64 || (inner + element.Size * 8 + 63) / 64 > 2)) return false;
            if (element is ArrayType { Size: 0, IsFlexible: false } nested) element = nested.Element;
            else break;
        }
        var scratch = new EightbyteClass[2];
        if (!Merge(element, inner, scratch)) return false;
        classes[bitOffset / 64] = Join(classes[bitOffset / 64], scratch[0]);
        return true;
    }

    /// <summary>
    /// Whether gcc treats the type as an empty record: a struct or union whose members are all padding
    /// (unnamed bitfields, zero-width or not) or of empty types, or an array of length 0, flexible, or of an
    /// empty element type. gcc passes such a value in registers when its classes ask for free ones, but gives
    /// it no stack space at all:
    /// <code>
    /// struct V { int :15; };
    /// long gv(struct V v, long s1);              // v takes rdi, s1 is in rsi
    /// long fv(long a1, …, long a6, struct V v, long s1);   // s1 is at stack+0: v takes no stack
    /// </code>
    /// </summary>
    public static bool IsGccEmptyRecord(CType type) => type switch
    {
        AggregateType a => a.Fields.All(f => (f.IsBitfield && (f.IsUnnamed || f.BitWidth == 0)) || (f.Type.IsAggregate && IsGccEmptyRecord(f.Type))),
        ArrayType a => IsGccEmptyArray(a),
        _ => false,
    };

    // An array of length 0, flexible, or of an empty element type; nested arrays walked without recursion.
    private static bool IsGccEmptyArray(ArrayType a)
    {
        CType t = a;
        while (t is ArrayType array)
        {
            if (array.Length is 0 or null) return true;
            t = array.Element;
        }
        return t is AggregateType && IsGccEmptyRecord(t);
    }

    /// <summary>The psABI's merge of two classes: equal stays, NO_CLASS yields, MEMORY and INTEGER win, else SSE.</summary>
    public static EightbyteClass Join(EightbyteClass a, EightbyteClass b) =>
        a == b ? a
        : a == EightbyteClass.NoClass ? b
        : b == EightbyteClass.NoClass ? a
        : a == EightbyteClass.Memory || b == EightbyteClass.Memory ? EightbyteClass.Memory
        : a == EightbyteClass.Integer || b == EightbyteClass.Integer ? EightbyteClass.Integer
        : EightbyteClass.Sse;
}
