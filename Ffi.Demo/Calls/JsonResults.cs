using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Ffi.Memory;
using Ffi.Types;

namespace Ffi.Demo.Calls;

/// <summary>
/// Writes call results as the JSON of docs/cli.md: integers exact, floats as the shortest round-trip number (a float as a
/// float), pointers as <c>"0x…"</c> or null, strings for <c>ret_as_str</c>, structs as objects with every named
/// field (bitfields too), unions with every member read from offset 0, arrays as arrays, void as null.
/// </summary>
public static class JsonResults
{
    /// <summary>Writes <paramref name="value"/>, a result of type <paramref name="type"/>.</summary>
    public static void Write(Utf8JsonWriter w, object? value, CType type, FfiMemory memory)
    {
        switch (value)
        {
            case null:
                w.WriteNullValue();
                return;
            case string s:
                w.WriteStringValue(s);
                return;
            case StructValue sv:
                WriteCopy(w, sv, type, memory);
                return;
            case NativePointer p when type.IsAggregate:
                WriteAggregate(w, p, type, memory);
                return;
            case NativePointer p:
                if (p.IsNull) w.WriteNullValue();
                else w.WriteStringValue(p.ToString());
                return;
            case bool b:
                w.WriteNumberValue(b ? 1 : 0);
                return;
            case float f:
                WriteFloating(w, float.IsFinite(f), f.ToString("R", CultureInfo.InvariantCulture));
                return;
            case double d:
                WriteFloating(w, double.IsFinite(d), d.ToString("R", CultureInfo.InvariantCulture));
                return;
            case ulong u:
                w.WriteNumberValue(u);
                return;
            case IConvertible c:
                w.WriteNumberValue(c.ToInt64(CultureInfo.InvariantCulture));
                return;
            default:
                throw new InvalidOperationException($"no JSON form for {value.GetType().Name}");
        }
    }

    // The shortest text that reads back as the same float or double ("1E+20" is valid JSON); JSON has no NaN
    // or infinities, so those print as null.
    private static void WriteFloating(Utf8JsonWriter w, bool finite, string text)
    {
        if (finite) w.WriteRawValue(text);
        else w.WriteNullValue();
    }

    // A struct result is a managed copy: read from a pinned copy of its bytes, so printing it does not move it into module
    // storage (a batch of a million struct results stays flat).
    private static void WriteCopy(Utf8JsonWriter w, StructValue value, CType type, FfiMemory memory)
    {
        var bytes = new byte[Math.Max(value.Type.Size, 1)];
        value.CopyTo(bytes);
        var pin = GCHandle.Alloc(bytes, GCHandleType.Pinned);
        try
        {
            WriteAggregate(w, NativePointer.FromAddress(pin.AddrOfPinnedObject(), value.Type), type, memory);
        }
        finally
        {
            pin.Free();
        }
    }

    private static void WriteAggregate(Utf8JsonWriter w, NativePointer p, CType type, FfiMemory memory)
    {
        switch (type)
        {
            case AggregateType agg:
                w.WriteStartObject();
                foreach (var f in agg.Fields.Where(f => !f.IsUnnamed && f.BitWidth != 0))
                {
                    w.WritePropertyName(f.Name);
                    Write(w, memory.Get(type, p, f.Name), f.Type, memory);
                }
                w.WriteEndObject();
                break;
            case ArrayType a:
                w.WriteStartArray();
                for (long i = 0; i < (a.Length ?? 0); i++)
                    Write(w, memory.Get(type, p, $"[{i}]"), a.Element, memory);
                w.WriteEndArray();
                break;
        }
    }
}
