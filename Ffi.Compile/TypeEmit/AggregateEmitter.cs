using Ffi.Types;
using Mono.Cecil;
using ArrayType = Ffi.Types.ArrayType;
using PointerType = Ffi.Types.PointerType;

namespace Ffi.Compile.TypeEmit;

/// <summary>
/// Fills a struct or union type: explicit layout of exactly the C size, each member a public field at its C offset,
/// bitfields as properties (<see cref="BitfieldProperty"/>), the members of an anonymous struct or union member
/// (C11) as fields of the holder at their offsets in it, as C names them:
/// <code>
/// struct s { char a; union { int i; float f; }; unsigned flags : 3; char tail[]; };
/// [StructLayout(Explicit, Size = 12)] struct s {
///     [FieldOffset(0)] sbyte a; [FieldOffset(4)] int i; [FieldOffset(4)] float f;
///     uint flags { get; set; }                   // bits 64..66, read and written byte by byte
///     [FieldOffset(1)] private byte &lt;byte&gt;1; … [FieldOffset(8)] private byte &lt;byte&gt;8; … }
/// </code>
/// Every byte no field covers (bitfields, padding) gets a private byte field of its own, so that a copy the JIT makes
/// field by field still carries it. A member of 0 bytes (a flexible or zero-length array, an empty struct) has no
/// field. The packing is natural when every field sits at a multiple of its alignment and the size is a multiple of
/// the largest, else 1, so that the runtime never rounds the size up.
/// </summary>
internal static class AggregateEmitter
{
    public static void Fill(GeneratedTypes g, TypeDefinition t, AggregateType c, string path)
    {
        if (c.Size > int.MaxValue) throw new FfiCompileException(path, $"{c.Size} bytes is more than a CLR value type holds");
        var covered = new bool[c.Size];
        Walk(g, t, c.Fields, 0, path, covered);
        for (int b = 0; b < covered.Length; b++)
            if (!covered[b]) t.Fields.Add(new FieldDefinition($"<byte>{b}", FieldAttributes.Private, g.Module.TypeSystem.Byte) { Offset = b });

        int natural = t.Fields.Select(f => g.AlignOf(f.FieldType)).Append(1).Max();
        bool aligned = c.Size % natural == 0 && t.Fields.All(f => f.Offset % g.AlignOf(f.FieldType) == 0);
        t.ClassSize = (int)c.Size;
        t.PackingSize = (short)(aligned ? 0 : 1);
        g.SetAlign(t, aligned ? natural : 1);
    }

    private static void Walk(GeneratedTypes g, TypeDefinition t, IReadOnlyList<CField> fields, long baseBits, string path, bool[] covered)
    {
        for (int i = 0; i < fields.Count; i++)
        {
            var f = fields[i];
            var fpath = $"{path}.fields[{i}]";
            long bit = baseBits + f.BitOffset;
            if (f.IsBitfield)
            {
                if (f.IsUnnamed || f.BitWidth == 0) continue;
                var prop = g.MembersOf(t).Claim(ClrNames.Member(f.Name, t.Name), $"{fpath} ({f.Name})");
                BitfieldProperty.Define(g, t, prop, f, bit, fpath);
                continue;
            }
            if (f.IsUnnamed)
            {
                // C11 anonymous struct or union: its members are the holder's own, at their offset inside it.
                if (f.Type is AggregateType inner) Walk(g, t, inner.Fields, bit, fpath, covered);
                continue;
            }
            if (f.Type.Size == 0) continue;
            var name = g.MembersOf(t).Claim(ClrNames.Member(f.Name, t.Name), $"{fpath} ({f.Name})");
            var type = g.ValueOf(f.Type, new Place(fpath, t, name));
            var offset = checked((int)(bit / 8));
            var field = new FieldDefinition(name, FieldAttributes.Public, type) { Offset = offset };
            t.Fields.Add(field);
            for (long b = offset; b < offset + f.Type.Size; b++) covered[b] = true;
            g.Docs.Field(field, $"C member <c>{GeneratedTypes.Xml(f.TypeName)} {GeneratedTypes.Xml(f.Name)}</c> at byte {offset} ({f.Type.Size} bytes).");
        }
    }
}
