using System.Runtime.InteropServices;
using Ffi.Spec;
using Ffi.Tests.Native;

namespace Ffi.Tests.Callbacks;

/// <summary>The spec of Native/callbacks.c and the CLR shapes of its structs.</summary>
internal static class CallbackSpec
{
    public static FfiSpec Parse() => FfiSpec.Parse(Json.Replace("LIB", Fixtures.CallbacksLibrary, StringComparison.Ordinal));

    internal const string Json = """
        { "version": "1", "lib": "LIB",
          "types": {
            "scalars_fn": { "kind": "funcptr", "ret": "double", "params": ["int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "float", "double", "bool", "pointer"] },
            "ret_i8": { "kind": "funcptr", "ret": "int8", "params": [] },
            "ret_u8": { "kind": "funcptr", "ret": "uint8", "params": [] },
            "ret_i16": { "kind": "funcptr", "ret": "int16", "params": [] },
            "ret_u16": { "kind": "funcptr", "ret": "uint16", "params": [] },
            "ret_i32": { "kind": "funcptr", "ret": "int32", "params": [] },
            "ret_u32": { "kind": "funcptr", "ret": "uint32", "params": [] },
            "ret_i64": { "kind": "funcptr", "ret": "int64", "params": [] },
            "ret_u64": { "kind": "funcptr", "ret": "uint64", "params": [] },
            "ret_f32": { "kind": "funcptr", "ret": "float", "params": [] },
            "ret_f64": { "kind": "funcptr", "ret": "double", "params": [] },
            "ret_bool": { "kind": "funcptr", "ret": "bool", "params": [] },
            "ret_ptr": { "kind": "funcptr", "ret": "pointer", "params": [] },
            "small": { "kind": "struct", "fields": [ { "name": "a", "type": "int32" }, { "name": "b", "type": "int32" } ] },
            "mixed": { "kind": "struct", "fields": [ { "name": "x", "type": "double" }, { "name": "n", "type": "int32" } ] },
            "flt": { "kind": "struct", "fields": [ { "name": "a", "type": "float" }, { "name": "b", "type": "float" }, { "name": "c", "type": "float" } ] },
            "big": { "kind": "struct", "fields": [ { "name": "a", "type": "int64" }, { "name": "b", "type": "int64" }, { "name": "c", "type": "int64" }, { "name": "d", "type": "double" } ] },
            "num": { "kind": "union", "fields": [ { "name": "i", "type": "int32" }, { "name": "f", "type": "float" } ] },
            "small_fn": { "kind": "funcptr", "ret": "small", "params": ["small", "small"] },
            "mixed_fn": { "kind": "funcptr", "ret": "mixed", "params": ["mixed", "int32"] },
            "flt_fn": { "kind": "funcptr", "ret": "flt", "params": ["flt"] },
            "big_fn": { "kind": "funcptr", "ret": "big", "params": ["big", "int32"] },
            "union_fn": { "kind": "funcptr", "ret": "num", "params": ["num"] },
            "many_fn": { "kind": "funcptr", "ret": "double", "params": ["int32", "double", "int64", "float", "int32", "double", "int64", "float",
                         "int32", "double", "int64", "float", "int32", "double", "small", "mixed", "big", "int32"] },
            "string_fn": { "kind": "funcptr", "ret": "int32", "params": ["string"] },
            "unary_fn": { "kind": "funcptr", "ret": "int32", "params": ["int32"] },
            "nested_fn": { "kind": "funcptr", "ret": "int32", "params": ["unary_fn", "int32"] },
            "thread_fn": { "kind": "funcptr", "ret": "int32", "params": ["int32", "int32"] },
            "printf_fn": { "kind": "funcptr", "ret": "int32", "params": ["string"], "variadic": true },
            "pad16": { "kind": "struct", "align": 16, "fields": [ { "name": "a", "type": "int64" } ] },
            "pad16_fn": { "kind": "funcptr", "ret": "pad16", "params": ["pad16", "int64"] },
            "color": { "kind": "enum", "base": "int32", "values": { "RED": 0, "GREEN": 1, "BLUE": 2 } },
            "session": { "kind": "handle", "tag": "session", "rep": "pointer" },
            "enum_handle_fn": { "kind": "funcptr", "ret": "int32", "params": ["color", "session"] }
          },
          "functions": [
            { "name": "cb_scalars", "ret": "double", "params": ["scalars_fn"] },
            { "name": "cb_returns", "ret": "int32", "params": ["ret_i8", "ret_u8", "ret_i16", "ret_u16", "ret_i32", "ret_u32", "ret_i64", "ret_u64", "ret_f32", "ret_f64", "ret_bool", "ret_ptr"] },
            { "name": "cb_small", "ret": "small", "params": ["small_fn"] },
            { "name": "cb_mixed", "ret": "mixed", "params": ["mixed_fn"] },
            { "name": "cb_flt", "ret": "flt", "params": ["flt_fn"] },
            { "name": "cb_big", "ret": "big", "params": ["big_fn"] },
            { "name": "cb_union", "ret": "int32", "params": ["union_fn"] },
            { "name": "cb_many", "ret": "double", "params": ["many_fn"] },
            { "name": "cb_string", "ret": "int32", "params": ["string_fn"] },
            { "name": "cb_nested", "ret": "int32", "params": ["nested_fn", "int32"] },
            { "name": "cb_threads", "ret": "int64", "params": ["thread_fn", "int32", "int32"] },
            { "name": "cb_reenter", "ret": "int32", "params": ["unary_fn", "int32"] },
            { "name": "cb_store", "ret": "void", "params": ["unary_fn"] },
            { "name": "cb_call_stored", "ret": "int32", "params": ["int32"] },
            { "name": "cb_call_stored_on_thread", "ret": "int32", "params": ["int32"] },
            { "name": "cb_repeat", "ret": "int32", "params": ["unary_fn", "int32"] },
            { "name": "pad16_down", "ret": "int64", "params": ["int32", "pad16", "int64"] },
            { "name": "cb_pad16", "ret": "int64", "params": ["pad16_fn"] },
            { "name": "cb_enum_handle", "ret": "int32", "params": ["enum_handle_fn"] },
            { "name": "c_triple", "ret": "int32", "params": ["int32"] }
          ] }
        """;
}

#pragma warning disable CS0649 // fields are written by C

[StructLayout(LayoutKind.Sequential)]
internal struct Small
{
    public int A, B;
}

[StructLayout(LayoutKind.Sequential)]
internal struct Mixed
{
    public double X;
    public int N;
}

[StructLayout(LayoutKind.Sequential)]
internal struct Flt
{
    public float A, B, C;
}

[StructLayout(LayoutKind.Sequential)]
internal struct Big
{
    public long A, B, C;
    public double D;
}

[StructLayout(LayoutKind.Sequential, Size = 16)]
internal struct Pad16
{
    public long A;
}

[StructLayout(LayoutKind.Explicit)]
internal struct Num
{
    [FieldOffset(0)] public int I;
    [FieldOffset(0)] public float F;
}

internal enum Color
{
    Red,
    Green,
    Blue,
}

internal delegate double ScalarsFn(sbyte a, byte b, short c, ushort d, int e, uint f, long g, ulong h, float i, double j, bool k, nint l);

internal delegate double ManyFn(int a0, double a1, long a2, float a3, int a4, double a5, long a6, float a7, int a8, double a9,
    long a10, float a11, int a12, double a13, Small s, Mixed m, Big b, int last);

internal delegate int ReturnsFn(Func<sbyte> a, Func<byte> b, Func<short> c, Func<ushort> d, Func<int> e, Func<uint> f,
    Func<long> g, Func<ulong> h, Func<float> i, Func<double> j, Func<bool> k, Func<nint> l);
