using System.Reflection;
using Ffi.Spec;

namespace Ffi.Tests.Compile;

/// <summary>The compiled enums, handles and delegate types, loaded and used through reflection.</summary>
[TestFixture]
public sealed class CompiledTypeShapeTests
{
    private const string Spec = $$"""
        { "version": "1", "lib": "libc.so.6",
          "constants": { "BUF_SIZE": 8192, "NEG": -3 },
          "types": {
            {{CompileLayoutCases.ExtraTypes}},
            "pair": {"kind":"struct","fields":[{"name":"a","type":"int"},{"name":"b","type":"double"}]},
            "compare": {"kind":"funcptr","ret":"int","params":["pointer","pointer"]},
            "visit": {"kind":"funcptr","ret":"void","params":["pair","db",{"kind":"pointer","to":"pair"},"e_u16","bool"]}
          } }
        """;

    private static CompiledAssembly Compile() => new(FfiSpec.Parse(Spec), "Shapes");

    [TestCase("e_i8", typeof(sbyte), "I8_MIN", -128L)]
    [TestCase("e_i8", typeof(sbyte), "I8_MAX", 127L)]
    [TestCase("e_u8", typeof(byte), "U8_MAX", 255L)]
    [TestCase("e_i16", typeof(short), "I16_MIN", -32768L)]
    [TestCase("e_u16", typeof(ushort), "U16_MAX", 65535L)]
    [TestCase("e_i32", typeof(int), "I32_MIN", -2147483648L)]
    [TestCase("e_i32", typeof(int), "I32_ONE", 1L)]
    [TestCase("e_u32", typeof(uint), "U32_MAX", 4294967295L)]
    [TestCase("e_i64", typeof(long), "I64_MIN", long.MinValue)]
    [TestCase("e_u64", typeof(ulong), "U64_BIG", long.MaxValue)]
    public void EnumsHaveTheBaseAndTheConstants(string name, Type underlying, string constant, long value)
    {
        using var compiled = Compile();
        var t = compiled.Type(name);
        Assert.That(t.IsEnum, Is.True);
        Assert.That(Enum.GetUnderlyingType(t), Is.EqualTo(underlying));
        Assert.That(CompiledAssembly.AsLong(Enum.Parse(t, constant)), Is.EqualTo(value));
        Assert.That(CompiledAssembly.SizeOf(t), Is.EqualTo(System.Runtime.InteropServices.Marshal.SizeOf(underlying)));
    }

    [Test]
    public void HandlesCompareByValueAndConvertToNothing()
    {
        using var compiled = Compile();
        var db = compiled.Type("db");
        var fd = compiled.Type("fd");
        Assert.That(db.IsValueType && fd.IsValueType, Is.True);
        Assert.That(CompiledAssembly.Field(db, "Value").FieldType, Is.EqualTo(typeof(nint)));
        Assert.That(CompiledAssembly.Field(fd, "Value").FieldType, Is.EqualTo(typeof(int)));
        Assert.That(CompiledAssembly.SizeOf(db), Is.EqualTo(8));
        Assert.That(CompiledAssembly.SizeOf(fd), Is.EqualTo(4));

        object a = Activator.CreateInstance(db, (nint)0x1234)!, same = Activator.CreateInstance(db, (nint)0x1234)!, other = Activator.CreateInstance(db, (nint)0x99)!;
        var eq = db.GetMethod("op_Equality")!;
        var ne = db.GetMethod("op_Inequality")!;
        Assert.Multiple(() =>
        {
            Assert.That(CompiledAssembly.Field(db, "Value").GetValue(a), Is.EqualTo((nint)0x1234));
            Assert.That(eq.Invoke(null, [a, same]), Is.True);
            Assert.That(eq.Invoke(null, [a, other]), Is.False);
            Assert.That(ne.Invoke(null, [a, other]), Is.True);
            Assert.That(a.Equals(same), Is.True);
            Assert.That(a.Equals(other), Is.False);
            Assert.That(a.Equals((nint)0x1234), Is.False, "a handle is not equal to a bare address");
            Assert.That(a.Equals(Activator.CreateInstance(compiled.Type("stmt"), (nint)0x1234)), Is.False, "a handle is not equal to another handle type");
            Assert.That(a.GetHashCode(), Is.EqualTo(((nint)0x1234).GetHashCode()));
            Assert.That(typeof(IEquatable<>).MakeGenericType(db).IsAssignableFrom(db), Is.True);
            Assert.That(db.GetMethods(BindingFlags.Public | BindingFlags.Static).Select(m => m.Name), Has.None.Matches<string>(n => n is "op_Implicit" or "op_Explicit"));
        });
    }

    [Test]
    public void FunctionPointerTypesAreDelegatesWithTheCSignature()
    {
        using var compiled = Compile();
        var compare = compiled.Type("compare");
        Assert.That(compare.BaseType, Is.EqualTo(typeof(MulticastDelegate)));
        var invoke = compare.GetMethod("Invoke")!;
        Assert.That(invoke.ReturnType, Is.EqualTo(typeof(int)));
        Assert.That(invoke.GetParameters().Select(p => p.ParameterType), Is.EqualTo(new[] { typeof(void*), typeof(void*) }));

        var visit = compiled.Type("visit").GetMethod("Invoke")!;
        Assert.That(visit.ReturnType, Is.EqualTo(typeof(void)));
        Assert.That(visit.GetParameters().Select(p => p.ParameterType),
            Is.EqualTo(new[] { compiled.Type("pair"), compiled.Type("db"), compiled.Type("pair").MakePointerType(), compiled.Type("e_u16"), typeof(bool) }));

        // The delegate type works: bound to a method of that signature and called.
        var d = Delegate.CreateDelegate(compare, typeof(CompiledTypeShapeTests).GetMethod(nameof(Difference))!);
        unsafe
        {
            Assert.That(d.DynamicInvoke(Pointer.Box((void*)10, typeof(void*)), Pointer.Box((void*)3, typeof(void*))), Is.EqualTo(7));
        }
    }

    /// <summary>A comparator the compiled <c>compare</c> delegate type binds to.</summary>
    public static unsafe int Difference(void* a, void* b) => (int)((nint)a - (nint)b);

    [Test]
    public void TheClassHoldsTheLibraryAndTheConstants()
    {
        using var compiled = Compile();
        var native = compiled.Type("Native");
        Assert.That(native.IsAbstract && native.IsSealed, Is.True, "a static class");
        Assert.That(native.GetField("Library")!.GetRawConstantValue(), Is.EqualTo("libc.so.6"));
        Assert.That(native.GetField("BUF_SIZE")!.GetRawConstantValue(), Is.EqualTo(8192L));
        Assert.That(native.GetField("NEG")!.GetRawConstantValue(), Is.EqualTo(-3L));
    }

    [Test]
    public void NamesAreMadeValidIdentifiers()
    {
        var spec = FfiSpec.Parse("""
            { "version": "1", "lib": "x",
              "types": { "2d-point": {"kind":"struct","fields":[{"name":"x.1","type":"int"},{"name":"2d-point","type":"int"}]},
                         "mode": {"kind":"enum","base":"int","values":{"A-B":1}} } }
            """);
        using var compiled = new CompiledAssembly(spec, "Names");
        var t = compiled.Type("_2d_point");
        Assert.That(CompiledAssembly.TryField(t, "x_1"), Is.Not.Null);
        Assert.That(CompiledAssembly.TryField(t, "_2d_point_"), Is.Not.Null, "a member named as its type gets a trailing _");
        Assert.That(Enum.GetNames(compiled.Type("mode")), Is.EqualTo(new[] { "A_B" }));
    }
}
