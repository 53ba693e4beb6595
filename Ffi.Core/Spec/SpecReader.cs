using System.Text;
using System.Text.Unicode;
using Ffi.Layout;

namespace Ffi.Spec;

/// <summary>
/// Reads spec JSON (format version "1", docs/spec-format.md) into syntax. Checks everything that needs no name
/// resolution: JSON kinds, required keys, kinds and widths, duplicate names. Any failure is an
/// <see cref="FfiSpecException"/> whose message starts with the JSON path.
/// </summary>
internal static class SpecReader
{
    public static RawSpec Read(ReadOnlyMemory<byte> utf8)
    {
        // A UTF-8 byte order mark (editors on some systems write one) is not part of the JSON.
        if (utf8.Span.StartsWith("\uFEFF"u8)) utf8 = utf8[3..];
        // The text must be valid UTF-8: both readers decode strings leniently (System.Text.Json checks only when a
        // string is decoded, and then throws InvalidOperationException). A document the fast reader read without
        // meeting a byte that is not ASCII is valid already, so the usual spec is not scanned a second time.
        var root = SpecJsonFastReader.TryParse(utf8.Span, SpecJsonFullReader.MaxDepth, out bool ascii);
        if (root is null || !ascii)
        {
            if (!Utf8.IsValid(utf8.Span))
                throw new FfiSpecException("$", $"invalid text: the spec is not valid UTF-8 (at byte offset {FirstInvalidUtf8(utf8.Span)})");
            root ??= SpecJsonFullReader.Parse(utf8.Span);
        }
        return ReadRoot(root);
    }

    public static RawSpec Read(string json) => Read(Utf8Of(json));

    private static byte[] Utf8Of(string json)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetBytes(json);
        }
        catch (EncoderFallbackException ex)
        {
            throw new FfiSpecException("$", "invalid text: the spec contains an unpaired UTF-16 surrogate", ex);
        }
    }

    /// <summary>Reads one type reference (a JSON string name or type object) standing alone; paths start at <c>$</c>.</summary>
    public static TypeSyntax ReadStandaloneType(string json)
    {
        var utf8 = Utf8Of(json);
        return ReadTypeRef(SpecJsonFastReader.TryParse(utf8, SpecJsonFullReader.MaxDepth) ?? SpecJsonFullReader.Parse(utf8, position: false), SpecPath.Root);
    }

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> utf8)
    {
        int at = 0;
        while (at < utf8.Length && Rune.DecodeFromUtf8(utf8[at..], out _, out int used) == System.Buffers.OperationStatus.Done) at += used;
        return at;
    }

    private static RawSpec ReadRoot(SpecJson root)
    {
        var r = JsonObjectReader.Open(root, SpecPath.Root, "the spec", separator: "");
        r.RejectUnknownKeys("the spec", SpecKeys.Document);
        var version = r.Required("version", "the string \"1\"");
        if (version.ValueKind != SpecJsonKind.String || JsonObjectReader.Text(version, "version") != "1")
            throw new FfiSpecException("version", "unsupported version (expected \"1\")");
        var lib = r.RequiredString("lib");
        if (lib.Length == 0) throw new FfiSpecException("lib", "must name a library (a soname, file name or path), not be empty");

        var types = new List<TypeDeclarationSyntax>();
        if (r.TryGet("types", out var typesEl) && typesEl.ValueKind != SpecJsonKind.Null)
        {
            if (typesEl.ValueKind != SpecJsonKind.Object) throw r.WrongKind("types", typesEl, "an object of named types");
            var tr = JsonObjectReader.Open(typesEl, SpecPath.Of("types"), "types", duplicateNoun: "type name");
            foreach (var name in tr.Keys)
            {
                var path = tr.ChildPath(name);
                if (name.Length == 0) throw new FfiSpecException(path, "a type name must not be empty");
                var value = tr.Get(name);
                TypeObjectSyntax syntax = value.ValueKind switch
                {
                    SpecJsonKind.String => new AliasSyntax(path, null, null, NameRef(value, path)),
                    SpecJsonKind.Object => ReadTypeObject(value, path),
                    _ => throw new FfiSpecException(path, $"must be a type object, or a string naming the aliased type, not {JsonObjectReader.Describe(value)}"),
                };
                types.Add(new TypeDeclarationSyntax(name, syntax));
            }
        }

        var functions = new List<FunctionSyntax>();
        if (r.TryGet("functions", out var fnsEl) && fnsEl.ValueKind != SpecJsonKind.Null)
        {
            if (fnsEl.ValueKind != SpecJsonKind.Array) throw r.WrongKind("functions", fnsEl, "an array of functions");
            functions.Capacity = fnsEl.Items.Length;
            var seen = new Dictionary<string, int>(fnsEl.Items.Length, StringComparer.Ordinal); // sized once: no rehash
            int i = 0;
            var names = new SignatureNames();
            foreach (var fe in fnsEl.Items)
            {
                var fn = ReadFunction(fe, i, names);
                if (seen.TryGetValue(fn.Name, out int first))
                    throw new FfiSpecException(fn.Path, $"duplicate function name \"{fn.Name}\" (first declared at functions[{first}])");
                seen.Add(fn.Name, i);
                functions.Add(fn);
                i++;
            }
        }

        var variables = new List<VariableSyntax>();
        if (r.TryGet("variables", out var varsEl) && varsEl.ValueKind != SpecJsonKind.Null)
        {
            if (varsEl.ValueKind != SpecJsonKind.Array) throw r.WrongKind("variables", varsEl, "an array of variables");
            var seen = new Dictionary<string, int>(StringComparer.Ordinal);
            int i = 0;
            foreach (var ve in varsEl.Items)
            {
                var v = ReadVariable(ve, i);
                if (seen.TryGetValue(v.Name, out int first))
                    throw new FfiSpecException(v.Path, $"duplicate variable name \"{v.Name}\" (first declared at variables[{first}])");
                seen.Add(v.Name, i);
                variables.Add(v);
                i++;
            }
        }
        List<(string, long)>? constants = null; // made only when there are constants: a list of tuples is code the JIT compiles
        if (r.TryGet("constants", out var constsEl) && constsEl.ValueKind != SpecJsonKind.Null)
        {
            constants = [];
            // (ext) "constants": {"Z_OK": 0, …} — the enum constants and integer #defines ffi import keeps.
            var cr = JsonObjectReader.Open(constsEl, SpecPath.Of("constants"), "constants", duplicateNoun: "constant");
            foreach (var k in cr.Keys)
            {
                var v = cr.Get(k);
                constants.Add((k, JsonObjectReader.Integer(v, cr.ChildPath(k), long.MinValue, long.MaxValue)));
            }
        }
        return new RawSpec(lib, types, functions, variables, constants);
    }

    private static readonly SpecPath Functions = SpecPath.Of("functions");
    private static readonly SpecPath Variables = SpecPath.Of("variables");

    private static FunctionSyntax ReadFunction(SpecJson e, int index, SignatureNames names)
    {
        var r = JsonObjectReader.Open(e, Functions.Item("", index), "a function");
        var name = SymbolName(r);
        var path = r.Path.Named(name);
        r.Rename(path, ": ");
        r.RejectUnknownKeys("a function", SpecKeys.Function);
        var retEl = r.Required("ret", "the return type");
        var ret = names.TryGet(retEl, out var sharedRet) ? sharedRet : ReadTypeRef(retEl, r.ChildPath("ret"));
        var items = r.RequiredArray("params").Items;
        if (!names.TryReuse(items, out var ps))
        {
            ps = new TypeSyntax[items.Length];
            for (int i = 0; i < ps.Length; i++)
                ps[i] = names.TryGet(items[i], out var shared) ? shared : ReadTypeRef(items[i], path.Item(": param", i));
            names.Remember(ps);
        }
        var lib = r.OptionalString("lib");
        if (lib is { Length: 0 }) throw new FfiSpecException(r.ChildPath("lib"), "must name a library, not be empty");
        return new FunctionSyntax(path, name, ret, ps, r.OptionalBool("variadic"), lib, r.OptionalString("doc"),
            r.OptionalBool("ret_as_str"), r.OptionalBool("errno"), r.OptionalStringArray("caps"), r.OptionalBool("trivial"));
    }

    private static VariableSyntax ReadVariable(SpecJson e, int index)
    {
        var r = JsonObjectReader.Open(e, Variables.Item("", index), "a variable");
        var name = SymbolName(r);
        var path = r.Path.Named(name);
        r.Rename(path, ": ");
        r.RejectUnknownKeys("a variable", SpecKeys.Variable);
        var type = ReadTypeRef(r.Required("type", "the variable's type"), r.ChildPath("type"));
        var lib = r.OptionalString("lib");
        if (lib is { Length: 0 }) throw new FfiSpecException(r.ChildPath("lib"), "must name a library, not be empty");
        return new VariableSyntax(path, name, type, lib, r.OptionalString("doc"), r.OptionalStringArray("caps"));
    }

    private static string SymbolName(in JsonObjectReader r)
    {
        var name = r.RequiredString("name");
        if (name.Length == 0) throw new FfiSpecException(r.ChildPath("name"), "a symbol name must not be empty");
        if (name.Contains('\0')) throw new FfiSpecException(r.ChildPath("name"), "a symbol name must not contain NUL");
        return name;
    }

    /// <summary>A type reference: a name (string) or an inline type object.</summary>
    private static TypeSyntax ReadTypeRef(SpecJson e, SpecPath path) => e.ValueKind switch
    {
        SpecJsonKind.String => NameRef(e, path),
        SpecJsonKind.Object => ReadTypeObject(e, path),
        _ => throw new FfiSpecException(path, $"a type must be a type name (string) or a type object, not {JsonObjectReader.Describe(e)}"),
    };

    private static NameRefSyntax NameRef(SpecJson e, SpecPath path)
    {
        var name = JsonObjectReader.Text(e, path);
        return name.Length == 0 ? throw new FfiSpecException(path, "a type name must not be empty") : new NameRefSyntax(path, name);
    }

    private static TypeObjectSyntax ReadTypeObject(SpecJson e, SpecPath path)
    {
        var r = JsonObjectReader.Open(e, path, "a type");
        var kind = r.RequiredString("kind");
        if (SpecKeys.OfKind(kind) is { } keys) r.RejectUnknownKeys($"a{(kind is "int" or "array" or "enum" or "alias" ? "n" : "")} {kind} type", keys);
        var name = r.OptionalString("name");
        var doc = r.OptionalString("doc");
        switch (kind)
        {
            case "void":
                return new VoidSyntax(path, name, doc);
            case "int":
            {
                var bits = Width(r, [8, 16, 32, 64]);
                return new IntSyntax(path, name, doc, bits, r.RequiredBool("signed"));
            }
            case "float":
                return new FloatSyntax(path, name, doc, Width(r, [32, 64]));
            case "pointer":
                return new PointerSyntax(path, name, doc, ReadTypeRef(r.Required("to", "the pointee type"), r.ChildPath("to")), r.OptionalString("tag"), r.OptionalBool("const"));
            case "array":
                return new ArraySyntax(path, name, doc, ReadTypeRef(r.Required("of", "the element type"), r.ChildPath("of")),
                    r.OptionalInteger("len", 0, SysVLayout.MaxSize));
            case "struct":
            case "union":
                return ReadAggregate(r, path, name, doc, kind == "union");
            case "enum":
            {
                var baseEl = r.Required("base", "the name of an integer type");
                if (baseEl.ValueKind != SpecJsonKind.String) throw r.WrongKind("base", baseEl, "the name of an integer type");
                var values = new List<(string, long, SpecPath)>();
                if (r.TryGet("values", out var vs) && vs.ValueKind != SpecJsonKind.Null)
                {
                    var vr = JsonObjectReader.Open(vs, r.ChildPath("values"), "enum values", duplicateNoun: "enum constant");
                    foreach (var k in vr.Keys)
                    {
                        var v = vr.Get(k);
                        values.Add((k, JsonObjectReader.Integer(v, vr.ChildPath(k), long.MinValue, long.MaxValue), vr.ChildPath(k)));
                    }
                }
                return new EnumSyntax(path, name, doc, NameRef(baseEl, r.ChildPath("base")), values);
            }
            case "funcptr":
            {
                var ret = ReadTypeRef(r.Required("ret", "the return type"), r.ChildPath("ret"));
                var ps = new List<TypeSyntax>();
                int i = 0;
                foreach (var p in r.RequiredArray("params").Items)
                    ps.Add(ReadTypeRef(p, r.ChildPath("params").Item("", i++)));
                return new FuncPtrSyntax(path, name, doc, ret, ps, r.OptionalBool("variadic"));
            }
            case "alias":
            {
                var to = r.Required("to", "the name of the aliased type");
                if (to.ValueKind != SpecJsonKind.String) throw r.WrongKind("to", to, "the name of the aliased type");
                // (ext) "align": N raises the alignment of an integer, floating or enum type, as a typedef with aligned(N).
                return new AliasSyntax(path, name, doc, NameRef(to, r.ChildPath("to")), PowerOfTwo(r, "align", SysVLayout.MaxAlign));
            }
            case "handle":
            {
                var tag = r.RequiredString("tag");
                if (tag.Length == 0) throw new FfiSpecException(r.ChildPath("tag"), "a handle tag must not be empty");
                return new HandleSyntax(path, name, doc, tag, ReadTypeRef(r.Required("rep", "the representation type"), r.ChildPath("rep")));
            }
            default:
                throw new FfiSpecException(r.ChildPath("kind"),
                    $"unknown kind \"{kind}\" (expected void, int, float, pointer, array, struct, union, enum, funcptr, alias or handle)");
        }
    }

    private static int Width(in JsonObjectReader r, int[] allowed)
    {
        var v = r.Required("bits", "the width in bits");
        var text = string.Join(", ", allowed[..^1]) + " or " + allowed[^1];
        if (v.ValueKind != SpecJsonKind.Number || !v.TryGetInt32(out int bits) || Array.IndexOf(allowed, bits) < 0)
            throw new FfiSpecException(r.ChildPath("bits"), $"must be {text}, not {JsonObjectReader.Describe(v)}");
        return bits;
    }

    private static AggregateSyntax ReadAggregate(in JsonObjectReader r, SpecPath path, string? name, string? doc, bool isUnion)
    {
        var fields = new List<FieldSyntax>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        int i = 0;
        foreach (var fe in r.RequiredArray("fields").Items)
        {
            var fpath = r.ChildPath("fields").Item("", i);
            var fr = JsonObjectReader.Open(fe, fpath, "a field");
            fr.RejectUnknownKeys("a field", SpecKeys.Field);
            var fname = fr.RequiredString("name");
            if (fname.Length > 0 && !seen.TryAdd(fname, i))
                throw new FfiSpecException(fr.ChildPath("name"), $"duplicate field name \"{fname}\" (also fields[{seen[fname]}])");
            var type = ReadTypeRef(fr.Required("type", "the field's type"), fr.ChildPath("type"));
            var bits = fr.OptionalInteger("bits", 0, 64);
            int? fieldAlign = null;
            if (fr.OptionalInteger("align", 1, SysVLayout.MaxAlign) is long fa)
            {
                // (ext) a member's own alignment, as C's _Alignas(N) on a member.
                if ((fa & (fa - 1)) != 0) throw new FfiSpecException(fr.ChildPath("align"), $"must be a power of two, not {fa}");
                if (bits is not null) throw new FfiSpecException(fr.ChildPath("align"), "a bitfield cannot have its own alignment");
                fieldAlign = (int)fa;
            }
            // (ext) "packed": true on a field is C's int x __attribute__((packed)): this member alone is byte-aligned.
            fields.Add(new FieldSyntax(fpath, fname, type, (int?)bits, fieldAlign, fr.OptionalBool("packed")));
            i++;
        }
        // (ext) "pack": N is the #pragma pack(N) the aggregate was declared under.
        return new AggregateSyntax(path, name, doc, isUnion, fields, r.OptionalBool("packed"), PowerOfTwo(r, "align", SysVLayout.MaxAlign),
            PowerOfTwo(r, "pack", SysVLayout.MaxPack));
    }

    private static int? PowerOfTwo(in JsonObjectReader r, string key, int max)
    {
        if (r.OptionalInteger(key, 1, max) is not long a) return null;
        if ((a & (a - 1)) != 0) throw new FfiSpecException(r.ChildPath(key), $"must be a power of two, not {a}");
        return (int)a;
    }
}
