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
        switch (type)
        {
            case FloatType:
                return [EightbyteClass.Sse];
            case IntType or EnumType or PointerType or FuncPtrType:
                return [EightbyteClass.Integer];
            case HandleType h:
                return Classify(h.Rep);
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
    private static bool Merge(CType type, long bitOffset, EightbyteClass[] classes)
    {
        switch (type)
        {
            case StructType or UnionType:
                foreach (var f in ((AggregateType)type).Fields)
                {
                    long at = bitOffset + f.BitOffset;
                    if (f.BitWidth is int width)
                    {
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
            case ArrayType { Length: 0 } zero when bitOffset % 64 != 0:
            {
                // gcc quirk: a zero-length array that does not start an eightbyte is classified as its element
                // type, merged into the eightbyte it starts in (a misaligned element makes the whole value MEMORY):
                //   struct { float a; char z[0]; }   -> [INTEGER], returned in eax
                //   struct { float a; double z[0]; } -> [SSE] (z starts eightbyte 1: ignored)
                long inner = bitOffset % 64;
                var scratch = new EightbyteClass[(inner + zero.Element.Size * 8 + 63) / 64 + 1];
                if (!Merge(zero.Element, inner, scratch)) return false;
                classes[bitOffset / 64] = Join(classes[bitOffset / 64], scratch[0]);
                return true;
            }
            case ArrayType a:
                for (long i = 0; i < (a.Length ?? 0); i++)
                    if (!Merge(a.Element, bitOffset + i * a.Element.Size * 8, classes)) return false;
                return true;
            default:
                // A scalar: it must sit at a multiple of its own alignment (packed structs can break this).
                if (bitOffset % (type.Align * 8L) != 0) return false;
                var c = Classify(type)[0];
                classes[bitOffset / 64] = Join(classes[bitOffset / 64], c);
                return true;
        }
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
        ArrayType { Length: 0 or null } => true,
        ArrayType a => IsGccEmptyRecord(a.Element),
        _ => false,
    };

    /// <summary>The psABI's merge of two classes: equal stays, NO_CLASS yields, MEMORY and INTEGER win, else SSE.</summary>
    public static EightbyteClass Join(EightbyteClass a, EightbyteClass b) =>
        a == b ? a
        : a == EightbyteClass.NoClass ? b
        : b == EightbyteClass.NoClass ? a
        : a == EightbyteClass.Memory || b == EightbyteClass.Memory ? EightbyteClass.Memory
        : a == EightbyteClass.Integer || b == EightbyteClass.Integer ? EightbyteClass.Integer
        : EightbyteClass.Sse;
}
