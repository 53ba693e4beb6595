using System.Reflection;
using System.Runtime.CompilerServices;
using Ffi.Compile;
using Ffi.Spec;
using Ffi.Tests.Oracle;

namespace Ffi.Tests.Compile;

/// <summary>
/// The forms of a compiled function (Ffi.Compile/FunctionEmit/BindingForms.cs): the natural one, the span form (byte
/// buffers as spans, other data pointers as <c>ref</c>/<c>in</c>) and the raw form (strings as <c>byte*</c>). Their
/// signatures, read by reflection; user C# compiled with Roslyn calling each form against real libc, libm and zlib;
/// and a C fixture compiled by gcc, whose own <c>main</c> makes the same calls and prints what C computes, which the
/// C# calls through every form must print line for line.
/// </summary>
[TestFixture]
public sealed class CompiledOverloadTests
{
    private static byte[] Bindings(string file, string ns) =>
        BindingCompiler.Compile(FfiSpec.Load(Path.Combine(AppContext.BaseDirectory, "examples", file)), new BindingOptions(ns)).Assembly;

    private static string Signature(MethodInfo m) =>
        $"{Name(m.ReturnType)} {m.Name}({string.Join(", ", m.GetParameters().Select(p => (p.IsIn ? "in " : p.ParameterType.IsByRef ? "ref " : "") + Name(p.ParameterType)))})";

    private static string Name(Type t) =>
        t.IsByRef ? Name(t.GetElementType()!)
        : t.IsPointer ? Name(t.GetElementType()!) + "*"
        : t.IsGenericType ? $"{t.Name[..t.Name.IndexOf('`')]}<{string.Join(", ", t.GetGenericArguments().Select(Name))}>"
        : t.Name;

    private static List<string> Forms(Type native, string name) =>
        native.GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.Name == name || m.Name == name + "Raw").Select(Signature).Order(StringComparer.Ordinal).ToList();

    [Test]
    public void EachFunctionGetsItsNaturalSpanAndRawFormsOnlyWhereTheyDiffer()
    {
        using var zlib = new CompiledAssembly(FfiSpec.Load(Path.Combine(AppContext.BaseDirectory, "examples", "zlib.json")), "ZForms");
        var z = zlib.Type("Native");
        Assert.That(Forms(z, "compress2"), Is.EqualTo(new[]
        {
            "z_status compress2(Byte*, UInt64*, Byte*, UInt64, Int32)",
            "z_status compress2(Span<Byte>, ref UInt64, ReadOnlySpan<Byte>, UInt64, Int32)",
        }));
        Assert.That(Forms(z, "zlibVersion"), Is.EqualTo(new[] { "Byte* zlibVersionRaw()", "String zlibVersion()" }));
        Assert.That(Forms(z, "compressBound"), Is.EqualTo(new[] { "UInt64 compressBound(UInt64)" }), "no pointer: one form");

        using var libc = new CompiledAssembly(FfiSpec.Load(Path.Combine(AppContext.BaseDirectory, "examples", "libc.json")), "CForms");
        var c = libc.Type("Native");
        Assert.That(Forms(c, "getenv"), Is.EqualTo(new[] { "Byte* getenv(Byte*)", "String getenv(String)" }));
        Assert.That(Forms(c, "strtol"), Is.EqualTo(new[] { "Int64 strtol(Byte*, Void*, Int32)", "Int64 strtol(String, Span<Byte>, Int32)", "Int64 strtol(String, Void*, Int32)" }),
            "the spec's untyped pointer is void *: bytes");
        Assert.That(Forms(c, "gmtime_r"), Is.EqualTo(new[] { "tm* gmtime_r(Int64*, tm*)", "tm* gmtime_r(ref Int64, ref tm)" }));

        // The natural form wins every call that fits it (null for a pointer), so adding forms changes no existing call.
        var preferred = z.GetMethods().Where(m => m.GetCustomAttribute<OverloadResolutionPriorityAttribute>() is { Priority: 1 }).Select(Signature).ToList();
        Assert.That(preferred, Does.Contain("z_status compress2(Byte*, UInt64*, Byte*, UInt64, Int32)").And.Contain("String zlibVersion()"));
        Assert.That(preferred, Does.Not.Contain("UInt64 compressBound(UInt64)"), "a function with one form needs no priority");
        Assert.That(z.GetMethods().Count(m => m.GetCustomAttribute<OverloadResolutionPriorityAttribute>() is not null), Is.EqualTo(preferred.Count));
    }

    [Test]
    public void PointersToPointersAndToFunctionPointersStayPointersInEveryForm()
    {
        var spec = FfiSpec.Parse("""
            { "version": "1", "lib": "libc.so.6",
              "types": { "cmp": { "kind": "funcptr", "ret": "int", "params": ["pointer", "pointer"] } },
              "functions": [
                { "name": "set_cmp", "ret": "void", "params": [{ "kind": "pointer", "to": "cmp" }] },
                { "name": "strs", "ret": "int", "params": [{ "kind": "pointer", "to": { "kind": "pointer", "to": "char" } }, "bool *"] } ] }
            """);
        using var a = new CompiledAssembly(spec, "Deep");
        var native = a.Type("Native");
        Assert.That(Forms(native, "set_cmp"), Is.EqualTo(new[] { "Void set_cmp(Void*)" }));
        Assert.That(Forms(native, "strs"), Is.EqualTo(new[] { "Int32 strs(SByte**, Boolean*)", "Int32 strs(SByte**, ref Boolean)" }));
    }

    [Test]
    public void EveryFormIsDocumentedUnderTheIdTheCompilerGivesIt()
    {
        var compiled = BindingCompiler.Compile(FfiSpec.Load(Path.Combine(AppContext.BaseDirectory, "examples", "libc.json")), new BindingOptions("Docs"));
        Assert.That(compiled.XmlDoc, Does.Contain("<member name=\"M:Docs.Native.gmtime_r(System.Int64@,Docs.tm@)\">")
            .And.Contain("<member name=\"M:Docs.Native.gmtime_r(System.Int64*,Docs.tm*)\">")
            .And.Contain("<member name=\"M:Docs.Native.getenv(System.Byte*)\">"));
        var zlib = BindingCompiler.Compile(FfiSpec.Load(Path.Combine(AppContext.BaseDirectory, "examples", "zlib.json")), new BindingOptions("Docs"));
        Assert.That(zlib.XmlDoc, Does.Contain(
            "<member name=\"M:Docs.Native.compress2(System.Span{System.Byte},System.UInt64@,System.ReadOnlySpan{System.Byte},System.UInt64,System.Int32)\">")
            .And.Contain("<member name=\"M:Docs.Native.zlibVersionRaw\">"));
    }

    [Test]
    public void UserCodeCallsTheSpanFormOfZlibWithArraysAndARefLength()
    {
        var output = UserProgram.Run("""
            using System;
            using System.Linq;
            using Zlib;
            public static class User
            {
                public static string Run()
                {
                    var text = System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("span form ", 40)));
                    var packed = new byte[Native.compressBound((ulong)text.Length)];
                    ulong packedLength = (ulong)packed.Length;
                    var s1 = Native.compress2(packed, ref packedLength, text, (ulong)text.Length, 9);
                    var back = new byte[text.Length];
                    ulong backLength = (ulong)back.Length;
                    var s2 = Native.uncompress(back, ref backLength, packed.AsSpan(0, (int)packedLength), packedLength);
                    ulong crc = Native.crc32(0, "123456789"u8, 9);
                    ulong empty = Native.crc32(0, ReadOnlySpan<byte>.Empty, 0);
                    return $"{s1} {s2} {packedLength < (ulong)text.Length} {backLength} {back.SequenceEqual(text)} {crc:x} {empty}";
                }
            }
            """, Bindings("zlib.json", "Zlib"));
        // CRC-32 of "123456789" is the algorithm's check value; crc32(0, NULL, 0) is zlib's documented initial value 0.
        Assert.That(output, Is.EqualTo("Z_OK Z_OK True 400 True cbf43926 0"));
    }

    [Test]
    public void UserCodeCallsTheRawFormsWithUtf8BytesAndTheNaturalFormWithNull()
    {
        var output = UserProgram.Run("""
            using CLibc;
            public static unsafe class User
            {
                public static string Run()
                {
                    Native.setenv("FFI_RAW_FORM", "r\u00e9sum\u00e9", 1);
                    ulong n;
                    byte* value;
                    fixed (byte* s = "h\u00e9llo\0"u8) n = Native.strlen(s);
                    fixed (byte* name = "FFI_RAW_FORM\0"u8) value = Native.getenv(name);
                    string? unset = Native.getenv((string?)null ?? "FFI_RAW_FORM_UNSET");
                    long now = Native.time(null);                 // null fits the natural form (void*) and the span form (Span<byte>): the natural one is preferred
                    long t = 86400L * 365 + 3600 * 5;
                    tm parts = default;
                    tm* back = Native.gmtime_r(ref t, ref parts); // the span form: t read in place, parts written in place
                    return $"{n} {Native.strlen(value)} {System.Text.Encoding.UTF8.GetString(value, (int)Native.strlen(value))} {unset ?? "null"} "
                        + $"{now > 1_600_000_000} {parts.tm_year} {parts.tm_yday} {parts.tm_hour} {back != null}";
                }
            }
            """, Bindings("libc.json", "CLibc"));
        Assert.That(output, Is.EqualTo("6 8 r\u00e9sum\u00e9 null True 71 0 5 True"));   // 8 UTF-8 bytes; 1971-01-01 05:00 UTC
    }

    [Test]
    public void UserCodeCallsTheSpanFormOfLibmByReference()
    {
        var output = UserProgram.Run("""
            using CLibm;
            public static class User
            {
                public static string Run()
                {
                    int e = 0;
                    double m = Native.frexp(48.0, ref e);
                    double whole = 0;
                    double frac = Native.modf(-3.25, ref whole);
                    return $"{m} {e} {frac} {whole}";
                }
            }
            """, Bindings("libm.json", "CLibm"));
        Assert.That(output, Is.EqualTo("0.75 6 -0.25 -3"));   // 48 = 0.75 * 2^6; modf keeps the sign in both parts
    }

    [Test]
    public void UserCodeOpensSqliteThroughARefToItsTypedHandle()
    {
        var output = UserProgram.Run("""
            using Sqlite;
            public static class User
            {
                public static string Run()
                {
                    sqlite3 db = default;
                    var opened = Native.sqlite3_open(":memory:", ref db);
                    return $"{opened} {db.Value != 0} {Native.sqlite3_close(db)}";
                }
            }
            """, Bindings("sqlite3.json", "Sqlite"));
        Assert.That(output, Is.EqualTo("SQLITE_OK True SQLITE_OK"));
    }

    [Test]
    public void TheSpanFormPinsTheSpanAndTheReferenceThenRunsTheNaturalFormsCall()
    {
        const string Spec = """
            { "version": "1", "lib": "libz.so.1",
              "functions": [ { "name": "checksum", "ret": "uint64", "params": [{ "kind": "pointer", "to": "uint8", "const": true }, "uint64", { "kind": "pointer", "to": "int" }] } ] }
            """;
        using var m = Mono.Cecil.ModuleDefinition.ReadModule(new MemoryStream(BindingCompiler.Compile(FfiSpec.Parse(Spec), new BindingOptions("Golden")).Assembly));
        var span = m.GetType("Golden.Native").Methods.Single(x => x.Name == "checksum" && x.Parameters[0].ParameterType.IsGenericInstance);
        Assert.That(string.Join("\n", span.Body.Instructions.Select(CompiledStubGoldenTests.Line)), Is.EqualTo(GoldenSpanForm));
        Assert.That(span.Body.Variables.Select(v => v.VariableType.FullName + (v.IsPinned ? " pinned" : "")), Is.EqualTo(new[]
        {
            "System.Byte& pinned", "System.IntPtr", "System.Int32& pinned", "System.IntPtr", "System.UInt64",
        }));
    }

    // ReadOnlySpan<byte> a0: pinned through GetPinnableReference (NULL when empty), its address in V_1; ref int a2:
    // pinned as it is, its address in V_3; then the natural form's call: the addresses, the integer, the cell.
    private const string GoldenSpanForm = """
        0000: ldarga a0
        0004: call !0& modreq(System.Runtime.InteropServices.InAttribute) System.ReadOnlySpan`1<System.Byte>::GetPinnableReference()
        0009: stloc V_0
        000d: ldloc V_0
        0011: conv.u
        0012: stloc V_1
        0016: ldarg a2
        001a: stloc V_2
        001e: ldloc V_2
        0022: conv.u
        0023: stloc V_3
        0027: ldloc V_1
        002b: ldarg a1
        002f: ldloc V_3
        0033: ldsfld System.IntPtr Golden.Native::<fn>checksum
        0038: dup
        0039: brtrue 0049
        003e: pop
        003f: ldc.i4 0
        0044: call System.IntPtr Golden.Native::<Bind>(System.Int32)
        0049: calli C System.UInt64(System.IntPtr,System.UInt64,System.IntPtr)
        004e: stloc V_4
        0052: ldloc V_4
        0056: ret
        """;
}
