using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using Ffi.Types;

namespace Ffi.Tests.Oracle;

/// <summary>
/// CLR types for C types, as a user of the typed API would write them, so that random signatures can be called
/// through <c>GetFunction&lt;T&gt;</c> and typed callbacks. Scalars map to the CLR primitive of the same width and
/// signedness (pointers to <see cref="nint"/>, enums to their base). A struct or union becomes an explicit-layout
/// value type made with <see cref="TypeBuilder"/>, of exactly the C size, with each member at its C offset:
/// <code>
/// struct s { char a; double b[2]; struct { float x; } in; unsigned bits : 3; };   /* 32 bytes */
/// [StructLayout(Explicit, Size = 32)] struct s {
///     [FieldOffset(0)] sbyte a; [FieldOffset(8)] B2 b; [FieldOffset(24)] In in;
///     [FieldOffset(1)] byte _1; … [FieldOffset(28)] byte _28; … }   // every other byte, bitfields included
/// [InlineArray(2)] struct B2 { double e; }
/// </code>
/// Union members all sit at offset 0. Arrays are inline arrays (nested for two dimensions). Bitfields, padding and
/// zero-sized members are carried as raw bytes: every byte no member covers gets a <c>byte</c> field of its own, so
/// a copy that goes field by field still carries all of them. Packing is natural unless the C type needs 1.
/// </summary>
internal sealed class ClrAggregateBuilder
{
    private readonly ModuleBuilder _module;
    private readonly Dictionary<CType, Type> _made = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Type, int> _align = [];
    private int _count;

    /// <param name="name">
    /// The name of the dynamic assembly. Give each builder a name of its own: metadata names a type of another dynamic
    /// assembly by its assembly's name, so a type made elsewhere over ours (a delegate type made by
    /// <c>Expression.GetDelegateType</c>) would bind to the first assembly of that name.
    /// </param>
    public ClrAggregateBuilder(string name)
    {
        var assembly = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName(name), AssemblyBuilderAccess.Run);
        _module = assembly.DefineDynamicModule(name);
    }

    /// <summary>
    /// Whether a CLR value type can stand for <paramref name="c"/>: not gcc's empty aggregates (size 0), which no CLR
    /// struct can match (the smallest is one byte).
    /// </summary>
    public static bool CanRepresent(CType c) => !c.IsAggregate || c.Size > 0;

    /// <summary>The CLR type for <paramref name="c"/> (<c>void</c> for void), made once per C type.</summary>
    public Type For(CType c) => c switch
    {
        VoidType => typeof(void),
        IntType { IsBool: true } => typeof(bool),
        IntType i => Integer(i.Bits, i.IsSigned),
        EnumType e => Integer(e.Base.Bits, e.Base.IsSigned),
        FloatType f => f.Bits == 32 ? typeof(float) : typeof(double),
        PointerType or FuncPtrType => typeof(nint),
        HandleType h => For(h.Rep),
        AggregateType or ArrayType when CanRepresent(c) => Made(c),
        _ => throw new ArgumentException($"no CLR value type stands for {c.DisplayName} ({c.Size} bytes)", nameof(c)),
    };

    /// <summary>
    /// A delegate type of its own for a signature, as a user declares one
    /// (<c>delegate T5 Name(T3 a0, …)</c>): unlike <c>Func</c>/<c>Action</c>, not shared between signatures.
    /// </summary>
    public Type Delegate(string name, Type[] parameters, Type ret)
    {
        var tb = _module.DefineType($"{name}_{_count++}", TypeAttributes.Public | TypeAttributes.Sealed, typeof(MulticastDelegate));
        var ctor = tb.DefineConstructor(MethodAttributes.Public | MethodAttributes.HideBySig | MethodAttributes.RTSpecialName | MethodAttributes.SpecialName,
            CallingConventions.Standard, [typeof(object), typeof(nint)]);
        ctor.SetImplementationFlags(MethodImplAttributes.Runtime | MethodImplAttributes.Managed);
        var invoke = tb.DefineMethod("Invoke", MethodAttributes.Public | MethodAttributes.HideBySig | MethodAttributes.NewSlot | MethodAttributes.Virtual,
            ret, parameters);
        invoke.SetImplementationFlags(MethodImplAttributes.Runtime | MethodImplAttributes.Managed);
        return tb.CreateType();
    }

    private static Type Integer(int bits, bool signed) => (bits, signed) switch
    {
        (8, true) => typeof(sbyte), (8, false) => typeof(byte),
        (16, true) => typeof(short), (16, false) => typeof(ushort),
        (32, true) => typeof(int), (32, false) => typeof(uint),
        (64, true) => typeof(long), _ => typeof(ulong),
    };

    private Type Made(CType c)
    {
        if (_made.TryGetValue(c, out var done)) return done;
        var made = c is ArrayType a ? InlineArray(a) : Explicit((AggregateType)c);
        long size = SizeOf(made);
        if (size != c.Size)
            throw new InvalidOperationException($"the CLR type made for {c.DisplayName} has {size} bytes; C has {c.Size}");
        _made[c] = made;
        return made;
    }

    // [InlineArray(n)] struct { E e; }: n elements of E, back to back, as C lays out an array.
    private Type InlineArray(ArrayType a)
    {
        var element = For(a.Element);
        var tb = _module.DefineType($"{Name(a)}_{_count++}", TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.SequentialLayout,
            typeof(ValueType));
        tb.SetCustomAttribute(new CustomAttributeBuilder(typeof(InlineArrayAttribute).GetConstructor([typeof(int)])!, [checked((int)a.Length!.Value)]));
        tb.DefineField("e", element, FieldAttributes.Public);
        var made = tb.CreateType();
        _align[made] = AlignOf(element);
        return made;
    }

    private Type Explicit(AggregateType agg)
    {
        // Members that hold whole bytes of their own (no bitfields, nothing of size 0), at their C offsets.
        var members = agg.Fields.Where(f => !f.IsBitfield && f.Type.Size > 0).Select(f => (f.Name, f.Offset, Type: For(f.Type))).ToList();
        var covered = new bool[agg.Size];
        foreach (var (_, offset, type) in members)
            for (long b = offset; b < offset + SizeOf(type); b++) covered[b] = true;
        for (int b = 0; b < covered.Length; b++)
            if (!covered[b]) members.Add(($"_{b}", b, typeof(byte)));

        int natural = members.Select(m => AlignOf(m.Type)).Append(1).Max();
        bool aligned = !agg.IsPacked && agg.Size % natural == 0 && members.All(m => m.Offset % AlignOf(m.Type) == 0);
        var tb = _module.DefineType($"{Name(agg)}_{_count++}", TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.ExplicitLayout,
            typeof(ValueType), aligned ? PackingSize.Unspecified : PackingSize.Size1, checked((int)agg.Size));
        int unnamed = 0;
        foreach (var (name, offset, type) in members)
        {
            var field = tb.DefineField(name.Length == 0 ? $"_anon{unnamed++}" : name, type, FieldAttributes.Public);
            field.SetOffset(checked((int)offset));
        }
        var made = tb.CreateType();
        _align[made] = aligned ? natural : 1;
        return made;
    }

    private int AlignOf(Type t) => _align.TryGetValue(t, out int a) ? a : (int)SizeOf(t);

    private static string Name(CType c) => c.Name ?? c.Kind.ToString().ToLowerInvariant();

    /// <summary>The CLR size of a value type (<c>Unsafe.SizeOf&lt;T&gt;()</c>).</summary>
    public static long SizeOf(Type t) =>
        (int)typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!.MakeGenericMethod(t).Invoke(null, null)!;
}
