using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.InteropServices;
using Ffi.Spec;
using Ffi.Tests.Oracle;
using static Ffi.Tests.Compile.PointerSignatures;

namespace Ffi.Tests.Compile;

/// <summary>
/// The span form of compiled functions (<c>Span&lt;byte&gt;</c> / <c>ReadOnlySpan&lt;byte&gt;</c> for byte buffers,
/// <c>ref T</c> / <c>in T</c> for other data pointers) over seeded random pointer signatures
/// (<see cref="PointerSignatures"/>): every call gives gcc's line (its result, and what C wrote through each pointer),
/// printed by a C driver that gcc compiled with the same functions and arguments, and so does the natural form
/// (<c>byte*</c>, <c>T*</c>) given pinned copies of the same arguments. Reflection cannot pass a span or a
/// <c>ref</c> into a box, so each method is called through a small <see cref="DynamicMethod"/>.
/// </summary>
[TestFixture]
public sealed class CompiledSpanFormRandomTests
{
    private const int FunctionsPerSeed = 90;

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    [TestCase(4)]
    public void RandomPointerSignaturesThroughTheSpanFormAgreeWithGccAndTheNaturalForm(int seed)
    {
        var (structs, functions) = Generate(seed, FunctionsPerSeed);
        var arguments = functions.Select((f, i) => PointerArguments.Random(f, new Random(seed * 1000 + i))).ToList();
        var lib = Gcc.Compile(CSource(structs, functions, driver: null), "span_calls", "-shared -fPIC");
        var driver = Gcc.Compile(CSource(structs, functions, f => arguments[functions.IndexOf(f)]), "span_calls_driver", "");
        var gcc = Gcc.Run(driver, "").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(gcc, Has.Length.EqualTo(functions.Count));

        using var compiled = new CompiledAssembly(FfiSpec.Parse(SpecJson(lib, structs, functions)), $"Span{seed}");
        var native = compiled.Type("Native");
        var failures = new List<string>();
        int spanCalls = 0;
        for (int i = 0; i < functions.Count; i++)
        {
            var f = functions[i];
            var methods = native.GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.Name == f.Name).ToList();
            var span = methods.SingleOrDefault(m => m.GetParameters().Any(p => p.ParameterType.IsByRef || p.ParameterType.IsByRefLike));
            var natural = methods.Single(m => m != span);
            Assert.That(span is null, Is.EqualTo(f.Params.All(p => p.Kind is Kind.Int or Kind.Double)), $"{f.Name}: a span form exactly when a parameter is a data pointer");
            if (span is not null)
            {
                spanCalls++;
                var objects = arguments[i].Objects(f, compiled.Type);
                var line = PointerArguments.Line(f, Invoker(span)(Flatten(f, objects, pin: null)), objects);
                if (line != gcc[i]) failures.Add($"span form: {Describe(f, span)}\n  gcc:      {gcc[i]}\n  compiled: {line}");
            }
            var naturalObjects = arguments[i].Objects(f, compiled.Type);
            var handles = new List<GCHandle>();
            try
            {
                var naturalLine = PointerArguments.Line(f, Invoker(natural)(Flatten(f, naturalObjects, handles)), naturalObjects);
                if (naturalLine != gcc[i]) failures.Add($"natural form: {Describe(f, natural)}\n  gcc:      {gcc[i]}\n  compiled: {naturalLine}");
            }
            finally
            {
                foreach (var h in handles) h.Free();
            }
        }
        Assert.That(failures, Is.Empty, string.Join("\n\n", failures));
        Assert.That(spanCalls, Is.GreaterThanOrEqualTo(FunctionsPerSeed * 3 / 4), "functions with a span form");
    }

    // The compiled method's arguments: a buffer and then its length, the rest one for one. With pin (the natural form),
    // a buffer or a boxed value is pinned and passed as its address (an empty buffer as NULL); without, as it is.
    private static object?[] Flatten(PointerFunction f, object[] objects, List<GCHandle>? pin)
    {
        var args = new List<object?>();
        for (int i = 0; i < f.Params.Count; i++)
        {
            var p = f.Params[i];
            if (pin is null || p.Kind is Kind.Int or Kind.Double) args.Add(objects[i]);
            else if (objects[i] is byte[] { Length: 0 }) args.Add((nint)0);
            else
            {
                var handle = GCHandle.Alloc(objects[i], GCHandleType.Pinned);
                pin.Add(handle);
                args.Add(handle.AddrOfPinnedObject());
            }
            if (p.IsBuffer) args.Add((ulong)((byte[])objects[i]).Length);
        }
        return [.. args];
    }

    // (object[] args) => (ulong)method(args[0] as the parameter's type, …): a byte[] becomes a span over it, a box a
    // ref to its value (C writes into the box), a boxed nint a pointer.
    private static Func<object?[], ulong> Invoker(MethodInfo method)
    {
        var dm = new DynamicMethod("Call_" + method.Name, typeof(ulong), [typeof(object?[])], restrictedSkipVisibility: true);
        var il = dm.GetILGenerator();
        var parameters = method.GetParameters();
        for (int i = 0; i < parameters.Length; i++)
        {
            var t = parameters[i].ParameterType;
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldc_I4, i);
            il.Emit(OpCodes.Ldelem_Ref);
            if (t.IsByRefLike)
            {
                il.Emit(OpCodes.Castclass, typeof(byte[]));
                il.Emit(OpCodes.Newobj, t.GetConstructor([typeof(byte[])])!);
            }
            else if (t.IsByRef) il.Emit(OpCodes.Unbox, t.GetElementType()!);
            else il.Emit(OpCodes.Unbox_Any, t.IsPointer ? typeof(nint) : t);
        }
        il.Emit(OpCodes.Call, method);
        if (method.ReturnType != typeof(ulong)) il.Emit(OpCodes.Conv_U8);
        il.Emit(OpCodes.Ret);
        return dm.CreateDelegate<Func<object?[], ulong>>();
    }

    private static string Describe(PointerFunction f, MethodInfo m) =>
        $"{f.Name}({string.Join(", ", f.Params.Select(p => p.Kind + (p.Struct is null ? "" : " " + p.Struct.Name)))}) as {m}";
}
