using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Ffi.Memory;
using Ffi.Tests.Layout;
using Ffi.Tests.Native;
using Ffi.Types;
using Ffi.Tests.Oracle;

namespace Ffi.Tests.Downcalls;

/// <summary>
/// A random signature as the typed API sees it: the CLR type of every parameter and of the result (scalars as
/// primitives, aggregates as the value types <see cref="ClrAggregateBuilder"/> makes), a delegate type with that
/// signature, and conversions between CLR values and what the dynamic tier works with (scalars, and aggregates in
/// native storage whose leaves the public <see cref="FfiMemory"/> reads and writes).
/// </summary>
internal sealed class TypedSignature
{
    private static readonly MethodInfo GetFunction = typeof(NativeModule).GetMethod(nameof(NativeModule.GetFunction))!;

    private TypedSignature(Signature sig, Type[] parameters, Type ret, Type delegateType)
    {
        Signature = sig;
        Parameters = parameters;
        Return = ret;
        DelegateType = delegateType;
    }

    public Signature Signature { get; }
    public Type[] Parameters { get; }
    public Type Return { get; }
    public Type DelegateType { get; }

    /// <summary>
    /// Whether random signatures of the typed tier may use the aggregate <paramref name="t"/>: a CLR value type can
    /// stand for it (not gcc's empty structs, see <see cref="ClrAggregateBuilder.CanRepresent"/>).
    /// </summary>
    public static bool Usable(CType t) => ClrAggregateBuilder.CanRepresent(t);

    /// <summary>
    /// The typed view of <paramref name="sig"/>. Its delegate type is <c>Func</c>/<c>Action</c> when they fit (up to 16
    /// parameters; else <see cref="Expression.GetDelegateType"/> makes one), or with <paramref name="ownDelegate"/>
    /// a delegate type declared for this signature alone.
    /// </summary>
    public static TypedSignature Of(Signature sig, ClrAggregateBuilder clr, bool ownDelegate = false)
    {
        var ps = sig.Params.Select(p => clr.For(p.Type)).ToArray();
        var ret = clr.For(sig.Ret);
        return new(sig, ps, ret, ownDelegate ? clr.Delegate(sig.Name + "_fn", ps, ret) : Expression.GetDelegateType([.. ps, ret]));
    }

    /// <summary>Every other signature (odd-numbered) is called through a delegate type of its own.</summary>
    public static bool OwnDelegate(Signature sig) => int.Parse(sig.Name[1..], CultureInfo.InvariantCulture) % 2 == 1;

    /// <summary><c>m.GetFunction&lt;DelegateType&gt;(name)</c>.</summary>
    public Delegate Bind(NativeModule m, string? name = null) => (Delegate)Call(GetFunction.MakeGenericMethod(DelegateType), m, [name ?? Signature.Name])!;

    /// <summary>
    /// A delegate of <see cref="DelegateType"/> that passes its arguments, boxed, to <paramref name="body"/> and
    /// returns what it returns, unboxed (a compiled expression: each parameter has its exact CLR type).
    /// </summary>
    public Delegate Implement(Func<object?[], object?> body)
    {
        var ps = Parameters.Select(Expression.Parameter).ToArray();
        Expression call = Expression.Invoke(Expression.Constant(body),
            Expression.NewArrayInit(typeof(object), ps.Select(p => Expression.Convert(p, typeof(object)))));
        call = Return == typeof(void) ? Expression.Block(typeof(void), call) : Expression.Convert(call, Return);
        return Expression.Lambda(DelegateType, call, ps).Compile();
    }

    /// <summary>Calls a method or delegate by reflection, rethrowing what it threw (not a TargetInvocationException).</summary>
    public static object? Call(MethodInfo method, object? target, object?[] args)
    {
        try
        {
            return method.Invoke(target, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }

    /// <summary>Invokes a delegate of any signature (by reflection), rethrowing what it threw.</summary>
    public static object? Call(Delegate d, object?[] args) => Call(d.GetType().GetMethod("Invoke")!, d, args);

    /// <summary>
    /// The CLR value of type <paramref name="clr"/> for a value of the dynamic tier: an aggregate's native storage
    /// (copied byte for byte), a pointer as its address, or a scalar converted to the CLR primitive.
    /// </summary>
    public static object ToClr(CType c, Type clr, object value) => value switch
    {
        NativePointer p when c.IsAggregate => Load(clr, p.Address),
        NativePointer p => p.Address,
        _ => Convert.ChangeType(value, clr, CultureInfo.InvariantCulture),
    };

    /// <summary>A reader of the leaves of a CLR value of C type <paramref name="c"/> (an aggregate is first copied to native storage).</summary>
    public static Func<LeafPath, object?> LeafReader(NativeModule m, CType c, object? value)
    {
        if (!c.IsAggregate) return _ => value;
        var storage = m.Memory.New(c);
        Store(value!, storage.Address);
        return leaf => m.Memory.Get(c, storage, leaf.Path);
    }

    /// <summary>A CLR value of C type <paramref name="c"/> whose j-th leaf is <c>leafValue(leaf, j)</c>, every other byte 0.</summary>
    public static object FromLeaves(NativeModule m, CType c, Type clr, Func<LeafPath, int, object> leafValue)
    {
        var leaves = Leaves.Of(c);
        if (!c.IsAggregate) return ToClr(c, clr, leafValue(leaves.Single(), 0));
        var storage = m.Memory.New(c);
        for (int j = 0; j < leaves.Count; j++) m.Memory.Set(c, storage, leaves[j].Path, leafValue(leaves[j], j));
        return Load(clr, storage.Address);
    }

    private static object Load(Type clr, nint address) =>
        typeof(TypedSignature).GetMethod(nameof(LoadAt), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(clr).Invoke(null, [address])!;

    private static void Store(object value, nint address) =>
        typeof(TypedSignature).GetMethod(nameof(StoreAt), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(value.GetType()).Invoke(null, [address, value]);

    private static unsafe T LoadAt<T>(nint address) where T : struct => Unsafe.ReadUnaligned<T>((void*)address);

    private static unsafe void StoreAt<T>(nint address, T value) where T : struct => Unsafe.WriteUnaligned((void*)address, value);
}
