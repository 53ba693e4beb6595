using Ffi.Spec;
using Ffi.Tests.Native;

namespace Ffi.Tests.Downcalls;

/// <summary>The spec of Native/api.c, for the typed and FfiValue API tests.</summary>
internal static class ApiSpec
{
    public static FfiSpec Parse() => FfiSpec.Parse(Json(Fixtures.ApiLibrary));

    public static string Json(string library) => $$$"""
        { "version": "1", "lib": "{{{library}}}",
          "types": {
            "pair": { "kind": "struct", "fields": [ {"name":"a","type":"long"}, {"name":"b","type":"long"} ] },
            "pair2": { "kind": "struct", "fields": [ {"name":"first","type":"int64"}, {"name":"second","type":"int64"} ] },
            "vec2": { "kind": "struct", "fields": [ {"name":"x","type":"double"}, {"name":"y","type":"double"} ] },
            "vec3": { "kind": "struct", "fields": [ {"name":"x","type":"float"}, {"name":"y","type":"float"}, {"name":"z","type":"float"} ] },
            "big": { "kind": "struct", "fields": [ {"name":"v","type":{"kind":"array","of":"int32","len":10}} ] },
            "color": { "kind": "enum", "base": "int", "values": { "RED": 1, "GREEN": 2, "BLUE": 4 } },
            "counter_h": { "kind": "handle", "tag": "counter", "rep": "pointer" },
            "other_h": { "kind": "handle", "tag": "other", "rep": "pointer" }
          },
          "functions": [
            { "name": "add_int", "ret": "int", "params": ["int", "int"] },
            { "name": "add_double", "ret": "double", "params": ["double", "double"] },
            { "name": "scale_float", "ret": "float", "params": ["float", "int"] },
            { "name": "sum6", "ret": "long", "params": ["long", "long", "long", "long", "long", "long"] },
            { "name": "u8_next", "ret": "uint8", "params": ["uint8"] },
            { "name": "i16_neg", "ret": "int16", "params": ["int16"] },
            { "name": "negate", "ret": "bool", "params": ["bool"] },
            { "name": "u64_id", "ret": "uint64", "params": ["uint64"] },
            { "name": "i64_id", "ret": "int64", "params": ["int64"] },
            { "name": "u32_id", "ret": "uint32", "params": ["uint32"] },
            { "name": "pair_sum", "ret": "long", "params": ["pair"] },
            { "name": "pair_swap", "ret": "pair", "params": ["pair"] },
            { "name": "pair2_sum", "ret": "long", "params": ["pair2"], "lib": "{{{library}}}" },
            { "name": "vec2_scale", "ret": "vec2", "params": ["vec2", "double"] },
            { "name": "vec3_add", "ret": "vec3", "params": ["vec3", "vec3"] },
            { "name": "big_make", "ret": "big", "params": ["int32"] },
            { "name": "big_sum", "ret": "long", "params": ["big"] },
            { "name": "late_pair", "ret": "long", "params": ["long", "long", "long", "long", "long", "pair", "long"] },
            { "name": "count_bytes", "ret": "size_t", "params": ["string"] },
            { "name": "sum_array", "ret": "long", "params": [{"kind":"pointer","to":"int32"}, "int"] },
            { "name": "fill_array", "ret": "void", "params": [{"kind":"pointer","to":"int32"}, "int", "int32"] },
            { "name": "sum_doubles_array", "ret": "double", "params": [{"kind":"pointer","to":"double"}, "int"] },
            { "name": "greet", "ret": "string", "params": [], "ret_as_str": true },
            { "name": "greet_raw", "ret": "string", "params": [] },
            { "name": "next_color", "ret": "color", "params": ["color"] },
            { "name": "counter_new", "ret": "counter_h", "params": ["long"] },
            { "name": "counter_bump", "ret": "long", "params": ["counter_h"] },
            { "name": "counter_free", "ret": "void", "params": ["counter_h"] },
            { "name": "vsum", "ret": "longlong", "params": ["int"], "variadic": true },
            { "name": "vmix", "ret": "double", "params": ["int"], "variadic": true },
            { "name": "fail_with", "ret": "int", "params": ["int"], "errno": true },
            { "name": "gated_add", "ret": "int", "params": ["int", "int"], "caps": ["math"] },
            { "name": "spin_trivial", "ret": "void", "params": ["int"], "trivial": true },
            { "name": "spin_normal", "ret": "void", "params": ["int"] },
            { "name": "add_int_trivial", "ret": "int", "params": ["int", "int"], "trivial": true },
            { "name": "many", "ret": "double", "params": ["int", "double", "int", "double", "int", "double", "int", "double", "int", "double",
                                                       "int", "double", "int", "double", "int", "double", "int", "double"] }
          ] }
        """;
}
