using System.Globalization;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.InteropServices;
using Ffi.Binding;
using Ffi.Compile;
using Ffi.Memory;
using Ffi.Spec;
using Ffi.Tests.Downcalls;
using Ffi.Tests.Layout;
using Ffi.Tests.Oracle;
using Ffi.Types;

namespace Ffi.Tests.Compile;

/// <summary>
/// Variadic functions through compiled bindings (<c>params ReadOnlySpan&lt;CVarArg&gt;</c>, one fixed call shape of
/// register fillers and a stack image, the <c>%al</c> thunk): the run-time engine's seeded random variadic corpus
/// (<see cref="RandomVariadicTests.Corpus"/>: fixed parameters of every class incl. by-value aggregates, 0–40 extras
/// of every promoted type, so beyond the 6 general and 8 vector registers) compiled to an assembly and called; every
/// result must be what gcc's code made of the values it read with <c>va_arg</c>, and what the run-time path returns.
/// </summary>
[TestFixture]
public sealed class CompiledVariadicTests
{
    private static readonly (int Seed, int MaxExtras)[] Seeds = [(41, 14), (42, 14), (43, 40), (44, 40), (45, 40)];

    private static IEnumerable<TestCaseData> CompiledSeeds() => Seeds.Select(s => new TestCaseData(s.Seed, s.MaxExtras));

    [TestCaseSource(nameof(CompiledSeeds))]
    public void RandomVariadicSignaturesThroughCompiledBindingsAgreeWithGccAndTheRuntimePath(int seed, int maxExtras)
    {
        var (gen, variadic, json) = RandomVariadicTests.Corpus(seed, $"CV{seed}_", maxExtras, TypedSignature.Usable);
        using var m = NativeModule.Open(FfiSpec.Parse(json));
        var compilable = CompiledRandomCallTests.Compilable(json);
        variadic = variadic.Where(v => compilable.Functions.Any(f => f.Name == v.Sig.Name)).ToList();
        using var compiled = new CompiledAssembly(compilable, $"Variadic{seed}");
        var native = compiled.Type("Native");

        var failures = new List<string>();
        int registerPressure = 0;
        foreach (var (sig, fixedCount) in variadic)
        {
            var method = native.GetMethod(sig.Name, BindingFlags.Public | BindingFlags.Static)!;
            var clrParams = method.GetParameters().Select(p => p.ParameterType).ToArray();
            Assert.That(clrParams[^1], Is.EqualTo(typeof(ReadOnlySpan<CVarArg>)), sig.Name);
            var argRng = new Random(RandomSignatures.ArgumentSeed(seed, sig));
            ulong h = RandomSignatures.Seed0 ^ ulong.Parse(sig.Name[1..], CultureInfo.InvariantCulture);
            var fixedArgs = new object?[fixedCount];
            var runtimeArgs = new object?[fixedCount];
            var extras = new CVarArg[sig.Params.Count - fixedCount];
            var runtimeExtras = new object?[extras.Length];
            for (int i = 0; i < sig.Params.Count; i++)
            {
                var type = sig.Params[i].Type;
                object value = RandomSignatures.RandomArgument(m, type, argRng, ref h);
                if (i < fixedCount)
                {
                    runtimeArgs[i] = value;
                    fixedArgs[i] = TypedSignature.ToClr(type, clrParams[i].IsPointer ? typeof(nint) : clrParams[i], value);
                    continue;
                }
                // Half the extras by implicit conversion, half by the explicit factories.
                extras[i - fixedCount] = i % 2 == 0 ? Implicit(type, value) : Explicit(type, value);
                runtimeExtras[i - fixedCount] = new VarArg(type, value);
            }
            if (extras.Count(e => e.Type is FloatType) > 8 || extras.Count(e => e.Type is not FloatType) > 6) registerPressure++;
            object? result;
            try
            {
                result = CallVariadic(method, fixedArgs, extras);
            }
            catch (FfiException e)
            {
                failures.Add($"{sig.Name}: {e.GetType().Name}: {e.Message}\n  {RandomSignatures.Describe(gen, sig)}");
                continue;
            }
            var compiledLeaves = TypedSignature.LeafReader(m, sig.Ret, result);
            if (RandomSignatures.ResultMismatch(sig, h, compiledLeaves) is { } mismatch)
            {
                failures.Add($"{sig.Name}: {mismatch}\n  {RandomSignatures.Describe(gen, sig)} with {string.Join(", ", extras)}");
                continue;
            }
            var runtime = m.Function(sig.Name).Invoke([.. runtimeArgs, runtimeExtras]);
            var runtimeLeaves = RandomSignatures.LeafReaderOf(m, runtime);
            foreach (var leaf in Leaves.Of(sig.Ret))
                if (!LeafValues.Normalize(compiledLeaves(leaf)).Equals(LeafValues.Normalize(runtimeLeaves(leaf))))
                    failures.Add($"{sig.Name}: return.{leaf.Path}: compiled {compiledLeaves(leaf)}, run time {runtimeLeaves(leaf)}");
        }
        Assert.That(failures, Is.Empty, string.Join("\n\n", failures));
        Assert.That(variadic, Has.Count.GreaterThanOrEqualTo(40), "signatures left once the types the compiler refuses are removed");
        if (maxExtras > 14) Assert.That(registerPressure, Is.GreaterThanOrEqualTo(20), "calls with more than 6 INTEGER or 8 SSE extras");
    }

    [Test]
    public void TheCarrierSignaturePutsEveryFillerInARegisterAndTheImageLastOnTheStack()
    {
        // Fixed parts that use some registers, all of them, the hidden return pointer, and the stack already.
        var spec = FfiSpec.Parse("""
            { "version": "1", "lib": "libc.so.6",
              "types": { "big": { "kind": "struct", "fields": [ {"name":"a","type":"long"}, {"name":"b","type":"long"}, {"name":"c","type":"long"} ] },
                         "pair": { "kind": "struct", "fields": [ {"name":"a","type":"long"}, {"name":"b","type":"long"} ] } } }
            """);
        CType T(string n) => spec.Types[n];
        var cases = new (CType Ret, CType[] Fixed, int G, int X)[]
        {
            (T("int"), [T("string")], 5, 8),
            (T("big"), [T("int")], 4, 8),
            (T("int"), [T("long"), T("long"), T("long"), T("long"), T("long"), T("pair")], 1, 8),   // pair goes to the stack, r9 stays free
            (T("int"), [T("big"), T("double"), T("long"), T("long"), T("long"), T("long"), T("long"), T("long"), T("long")], 0, 7),
            (T("void"), [.. Enumerable.Repeat(T("double"), 9)], 6, 0),
        };
        foreach (var (ret, fixedParams, g, x) in cases)
        {
            var signature = VariadicCarrierSignature.For(ret, fixedParams);
            Assert.That((signature.IntegerSlots, signature.SseSlots), Is.EqualTo((g, x)), string.Join(", ", fixedParams.Select(p => p.DisplayName)));
            Assert.That(signature.Check(Ffi.Abi.SysVCallPlanner.Plan(ret, signature.Parameters)), Is.Null);
        }
    }

    [Test]
    public void EveryImplicitConversionPassesTheTypeOfTheRuntimeRuleSet()
    {
        unsafe
        {
            var cases = new (CVarArg Extra, Type Clr)[]
            {
                (true, typeof(bool)), ((sbyte)-1, typeof(sbyte)), ((byte)1, typeof(byte)), ((short)-1, typeof(short)), ((ushort)1, typeof(ushort)),
                ('c', typeof(char)), (1, typeof(int)), (1u, typeof(uint)), (1L, typeof(long)), (1UL, typeof(ulong)), (1f, typeof(float)),
                (1d, typeof(double)), ((nint)1, typeof(nint)), ((nuint)1, typeof(nuint)), ("s", typeof(string)),
                (NativePointer.FromAddress(8), typeof(NativePointer)),
            };
            foreach (var (extra, clr) in cases)
                Assert.That(extra.Type, Is.SameAs(VariadicPromotion.ForClrType(clr)), clr.Name);
            CVarArg pointer = (int*)8;
            Assert.That(pointer.Type, Is.SameAs(VariadicPromotion.ForClrType(typeof(int*))));
        }
        Assert.That(CVarArg.Int64(5).Type, Is.SameAs(VariadicPromotion.Long));
        Assert.That(CVarArg.UInt64(5).Type, Is.SameAs(VariadicPromotion.ULong));
        Assert.That(CVarArg.UInt32(5).Type, Is.SameAs(VariadicPromotion.UInt));
        Assert.That(CVarArg.Pointer(5).Type, Is.SameAs(VariadicPromotion.Pointer));
        Assert.That(CVarArg.String("x").Type, Is.SameAs(VariadicPromotion.String));
    }

    // The extra as C# code passes it: a value of the CLR type of its C type, converted implicitly.
    private static CVarArg Implicit(CType type, object value) => type switch
    {
        IntType { Bits: 32, IsSigned: true } => unchecked((int)Bits(value)),
        IntType { Bits: 32 } => unchecked((uint)Bits(value)),
        IntType { IsSigned: true } => Bits(value),
        IntType => unchecked((ulong)Bits(value)),
        FloatType => (double)value,
        _ => (NativePointer)value,
    };

    // The extra as an explicitly typed factory of its C type.
    private static CVarArg Explicit(CType type, object value) => type switch
    {
        IntType { Bits: 32, IsSigned: true } => CVarArg.Int32(unchecked((int)Bits(value))),
        IntType { Bits: 32 } => CVarArg.UInt32(unchecked((uint)Bits(value))),
        IntType { IsSigned: true } => CVarArg.Int64(Bits(value)),
        IntType => CVarArg.UInt64(unchecked((ulong)Bits(value))),
        FloatType => CVarArg.Double((double)value),
        _ => CVarArg.Pointer(((NativePointer)value).Address),
    };

    private static long Bits(object v) => v switch { ulong u => unchecked((long)u), _ => Convert.ToInt64(v, CultureInfo.InvariantCulture) };

    /// <summary>
    /// Calls a compiled variadic method (whose last parameter, a span, reflection cannot pass) through a small
    /// dynamic method: the fixed arguments unboxed to their parameter types (a pointer as its address), the extras as a
    /// span over <paramref name="extras"/>; the result boxed (a pointer as <see cref="nint"/>).
    /// </summary>
    internal static object? CallVariadic(MethodInfo method, object?[] fixedArgs, CVarArg[] extras)
    {
        var ps = method.GetParameters();
        var dm = new DynamicMethod("call_" + method.Name, typeof(object), [typeof(object[]), typeof(CVarArg[])], restrictedSkipVisibility: true);
        var il = dm.GetILGenerator();
        for (int i = 0; i < ps.Length - 1; i++)
        {
            var t = ps[i].ParameterType;
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldc_I4, i);
            il.Emit(OpCodes.Ldelem_Ref);
            if (t.IsPointer) il.Emit(OpCodes.Unbox_Any, typeof(nint));
            else if (t.IsValueType) il.Emit(OpCodes.Unbox_Any, t);
            else il.Emit(OpCodes.Castclass, t);
        }
        il.Emit(OpCodes.Ldarg_1);
        il.Emit(OpCodes.Newobj, typeof(ReadOnlySpan<CVarArg>).GetConstructor([typeof(CVarArg[])])!);
        il.Emit(OpCodes.Call, method);
        var ret = method.ReturnType;
        if (ret == typeof(void)) il.Emit(OpCodes.Ldnull);
        else if (ret.IsPointer) il.Emit(OpCodes.Box, typeof(nint));
        else if (ret.IsValueType) il.Emit(OpCodes.Box, ret);
        il.Emit(OpCodes.Ret);
        try
        {
            return dm.Invoke(null, [fixedArgs, extras]);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }
}
