using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Ffi.Types;

namespace Ffi.Spec;

/// <summary>
/// Writes a resolved spec back as spec JSON (format "1") that <see cref="FfiSpec.Parse(string)"/> reads to the
/// same types: what <c>ffi import</c> prints for a user to commit and edit. Names are kept where the spec
/// has them (aliases stay aliases: <c>"uLong"</c>, not <c>"ulong"</c>); anonymous types are written inline.
/// </summary>
internal sealed class SpecJsonWriter
{
    private readonly FfiSpec _spec;
    private readonly Utf8JsonWriter _w;

    private SpecJsonWriter(FfiSpec spec, Utf8JsonWriter w)
    {
        _spec = spec;
        _w = w;
    }

    public static string Write(FfiSpec spec)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            new SpecJsonWriter(spec, w).Document();
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    private void Document()
    {
        _w.WriteStartObject();
        _w.WriteString("version", "1");
        _w.WriteString("lib", _spec.Lib);
        _w.WriteStartObject("types");
        foreach (var name in _spec.Types.Names)
        {
            var t = _spec.Types[name];
            _w.WritePropertyName(name);
            if (_spec.Types.IsAlias(name) && Named(t) is { } target && target != name) _w.WriteStringValue(target);
            else TypeObject(t, declared: true);
        }
        _w.WriteEndObject();
        _w.WriteStartArray("functions");
        foreach (var f in _spec.Functions) Function(f);
        _w.WriteEndArray();
        _w.WriteStartArray("variables");
        foreach (var v in _spec.Variables)
        {
            _w.WriteStartObject();
            _w.WriteString("name", v.Name);
            _w.WritePropertyName("type");
            Ref(v.Type, null);
            Options(v.Library, v.Doc, v.Capabilities);
            _w.WriteEndObject();
        }
        _w.WriteEndArray();
        if (_spec.Constants.Count > 0)
        {
            _w.WriteStartObject("constants");
            foreach (var (name, value) in _spec.Constants) _w.WriteNumber(name, value);
            _w.WriteEndObject();
        }
        _w.WriteEndObject();
    }

    private void Function(FunctionSpec f)
    {
        _w.WriteStartObject();
        _w.WriteString("name", f.Name);
        _w.WritePropertyName("ret");
        Ref(f.ReturnType, f.ReturnName);
        _w.WriteStartArray("params");
        for (int i = 0; i < f.ParameterTypes.Count; i++) Ref(f.ParameterTypes[i], f.ParameterNames[i]);
        _w.WriteEndArray();
        if (f.IsVariadic) _w.WriteBoolean("variadic", true);
        if (f.ReturnsString) _w.WriteBoolean("ret_as_str", true);
        if (f.CapturesErrno) _w.WriteBoolean("errno", true);
        if (f.IsTrivial) _w.WriteBoolean("trivial", true);
        Options(f.Library, f.Doc, f.Capabilities);
        _w.WriteEndObject();
    }

    private void Options(string? lib, string? doc, IReadOnlyList<string> caps)
    {
        if (lib is not null) _w.WriteString("lib", lib);
        if (doc is not null) _w.WriteString("doc", doc);
        if (caps.Count == 0) return;
        _w.WriteStartArray("caps");
        foreach (var c in caps) _w.WriteStringValue(c);
        _w.WriteEndArray();
    }

    // A name that means exactly this type in the spec (declared or builtin), or null.
    private string? Named(CType t, string? written = null)
    {
        if (written is not null && _spec.Types.TryGet(written, out var w) && ReferenceEquals(w, t)) return written;
        return t.Name is { } n && _spec.Types.TryGet(n, out var x) && ReferenceEquals(x, t) ? n : null;
    }

    private void Ref(CType t, string? written)
    {
        if (Named(t, written) is { } name) _w.WriteStringValue(name);
        else TypeObject(t, declared: false);
    }

    private void AlignedAlias(string builtin, int align)
    {
        _w.WriteString("kind", "alias");
        _w.WriteString("to", builtin);
        _w.WriteNumber("align", align);
    }

    private void TypeObject(CType t, bool declared)
    {
        _w.WriteStartObject();
        switch (t)
        {
            case VoidType:
                _w.WriteString("kind", "void");
                break;
            case IntType i when i.Align > i.Size:
                // typedef int aint __attribute__((aligned(8))): an alias that raises the alignment of a builtin.
                AlignedAlias(i.IsBool ? "bool" : $"{(i.IsSigned ? "" : "u")}int{i.Bits}", i.Align);
                break;
            case FloatType f when f.Align > f.Size:
                AlignedAlias(f.Bits == 32 ? "float" : "double", f.Align);
                break;
            case IntType i:
                _w.WriteString("kind", "int");
                _w.WriteNumber("bits", i.Bits);
                _w.WriteBoolean("signed", i.IsSigned);
                break;
            case FloatType f:
                _w.WriteString("kind", "float");
                _w.WriteNumber("bits", f.Bits);
                break;
            case PointerType p:
                _w.WriteString("kind", "pointer");
                _w.WritePropertyName("to");
                Ref(p.Pointee, p.WrittenPointeeName);
                if (p.Tag is not null) _w.WriteString("tag", p.Tag);
                if (p.IsPointeeConst) _w.WriteBoolean("const", true);
                break;
            case ArrayType a:
                _w.WriteString("kind", "array");
                _w.WritePropertyName("of");
                Ref(a.Element, a.WrittenElementName);
                if (a.Length is long len) _w.WriteNumber("len", len);
                break;
            case AggregateType g:
                _w.WriteString("kind", g is UnionType ? "union" : "struct");
                if (g.IsPacked) _w.WriteBoolean("packed", true);
                if (g.RequestedAlign is int al) _w.WriteNumber("align", al);
                if (g.Pack is int pack) _w.WriteNumber("pack", pack);
                _w.WriteStartArray("fields");
                foreach (var f in g.Fields)
                {
                    _w.WriteStartObject();
                    _w.WriteString("name", f.Name);
                    _w.WritePropertyName("type");
                    Ref(f.Type, f.TypeName);
                    if (f.BitWidth is int bits) _w.WriteNumber("bits", bits);
                    if (f.RequestedAlign is int fa) _w.WriteNumber("align", fa);
                    if (f.IsPacked) _w.WriteBoolean("packed", true);
                    _w.WriteEndObject();
                }
                _w.WriteEndArray();
                break;
            case EnumType e:
                _w.WriteString("kind", "enum");
                _w.WriteString("base", Named(e.Base) ?? $"{(e.Base.IsSigned ? "" : "u")}int{e.Base.Bits}");
                _w.WriteStartObject("values");
                foreach (var (name, value) in e.Values) _w.WriteNumber(name, value);
                _w.WriteEndObject();
                break;
            case FuncPtrType fp:
                _w.WriteString("kind", "funcptr");
                _w.WritePropertyName("ret");
                var names = fp.WrittenNames;
                Ref(fp.Return, names.Count > 0 ? names[0] : null);
                _w.WriteStartArray("params");
                for (int i = 0; i < fp.Parameters.Count; i++) Ref(fp.Parameters[i], names.Count > i + 1 ? names[i + 1] : null);
                _w.WriteEndArray();
                if (fp.IsVariadic) _w.WriteBoolean("variadic", true);
                break;
            case HandleType h:
                _w.WriteString("kind", "handle");
                _w.WriteString("tag", h.Tag);
                _w.WritePropertyName("rep");
                Ref(h.Rep, null);
                break;
            default:
                throw new InvalidOperationException($"unexpected type {t.GetType().Name}");
        }
        if (!declared && t.Name is not null) _w.WriteString("name", t.Name);
        if (t.Doc is not null) _w.WriteString("doc", t.Doc);
        _w.WriteEndObject();
    }
}
