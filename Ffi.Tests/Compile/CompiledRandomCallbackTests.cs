using System.Globalization;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.InteropServices;
using Ffi.Interop;
using Ffi.Spec;
using Ffi.Tests.Callbacks;
using Ffi.Tests.Downcalls;
using Ffi.Tests.Layout;
using Ffi.Tests.Native;
using Ffi.Tests.Oracle;
using Ffi.Types;

namespace Ffi.Tests.Compile;

/// <summary>
/// The random typed-callback corpus (<see cref="RandomTypedCallbackTests"/>: by-value aggregates of every eightbyte
/// class and of the MEMORY class as arguments and results, register pressure, many parameters) compiled into an
/// assembly: gcc's driver <c>drive_f(cb)</c> calls a managed delegate of the generated type <c>cb_f</c> through the
/// compiled trampolines, passed to the generated <c>drive_f</c> overload (a transient callback) and registered through
/// <c>Native.Callbacks.Register</c> (its address passed to the raw form). The driver compares the callback's result
/// with gcc's <c>f</c> on the same arguments, leaf for leaf; the callback's running hash of what it received, against
/// gcc's <c>ffi_trace</c>, names the first argument that crossed wrongly; and the hashes must equal what the run-time
/// typed trampoline received from the same driver.
/// </summary>
[TestFixture]
public sealed class CompiledRandomCallbackTests
{
    private static IEnumerable<TestCaseData> CompiledSeeds() => RandomTypedCallTests.WithSweep(RandomTypedCallbackTests.Seeds, 6000);

    [TestCaseSource(nameof(CompiledSeeds))]
    public void RandomSignaturesAsCompiledCallbacksAgreeWithGccAndTheRuntimePath(int seed, bool smallAggregates)
    {
        var (gen, _, sigs) = RandomSignatures.Generate(seed, $"K{seed}_", smallAggregates, TypedSignature.Usable);
        var arguments = sigs.ToDictionary(s => s.Name, s => RandomTypedCallbackTests.KnownArguments(seed, s));
        var lib = Gcc.Compile(RandomTypedCallbackTests.CSource(gen, sigs, arguments), "compiled_callbacks", "-shared -fPIC");
        var functions = sigs.Select(s => SpecSignature.Of(s)).Concat(sigs.Select(s => new SpecSignature($"drive_{s.Name}", "int", [$"cb_{s.Name}"])));
        var json = RandomSpec.Json(gen, lib, functions, sigs.Select(s => SpecSignature.Of(s, $"cb_{s.Name}")));
        using var m = NativeModule.Open(FfiSpec.Parse(json));
        var compilable = CompiledRandomCallTests.Compilable(json);
        sigs = sigs.Where(s => compilable.Functions.Any(f => f.Name == $"drive_{s.Name}")).ToList();
        using var compiled = new CompiledAssembly(compilable, $"RandomCallbacks{seed}");
        var native = compiled.Type("Native");
        var register = native.GetNestedType("Callbacks")!;
        var clr = new ClrAggregateBuilder($"CompiledCallbacks{seed}_{Guid.NewGuid():N}");
        var cTrace = NativeLibrary.GetExport(m.Handle, "ffi_trace");

        var failures = new List<string>();
        foreach (var sig in sigs)
        {
            var received = new ulong[sig.Params.Count];
            int calls = 0;
            object? Body(object?[] args, Type ret)
            {
                calls++;
                ulong h = RandomSignatures.Seed0 ^ ulong.Parse(sig.Name[1..], CultureInfo.InvariantCulture);
                for (int i = 0; i < args.Length; i++)
                {
                    var read = TypedSignature.LeafReader(m, sig.Params[i].Type, args[i]);
                    foreach (var leaf in Leaves.Of(sig.Params[i].Type)) h = (h ^ RandomSignatures.LeafBits(leaf, read(leaf))) * RandomSignatures.Prime;
                    received[i] = h;
                }
                return sig.Ret is VoidType ? null : TypedSignature.FromLeaves(m, sig.Ret, ret, (leaf, j) => RandomSignatures.ExpectedValue(leaf, h, j));
            }

            ulong[]? Drive(string how, Func<int> drive)
            {
                calls = 0;
                Array.Clear(received);
                int leaf;
                try
                {
                    leaf = drive();
                }
                catch (FfiException e)
                {
                    failures.Add($"{sig.Name} {how}: {e.GetType().Name}: {e.Message}\n  {RandomSignatures.Describe(gen, sig)}");
                    return null;
                }
                int firstBad = RandomSignatures.FirstDifferingParameter(cTrace, received);
                if (leaf != 0 || firstBad >= 0 || calls != 1)
                    failures.Add($"{sig.Name} {how}: the callback ran {calls} time(s); first differing parameter: {firstBad}; "
                        + $"{(leaf == 0 ? "the result agrees" : $"result leaf {Leaves.Of(sig.Ret)[leaf - 1].Path} differs from gcc's")}\n  {RandomSignatures.Describe(gen, sig)}");
                return (ulong[])received.Clone();
            }

            // The compiled world: the generated delegate type, passed to the generated overload and registered.
            var delegateType = compiled.Type($"cb_{sig.Name}");
            var callback = Implement(delegateType, Body);
            var transient = native.GetMethod($"drive_{sig.Name}", [delegateType])!;
            var compiledHashes = Drive("compiled, passed", () => (int)TypedSignature.Call(transient, null, [callback])!);
            var handle = (CallbackRegistration)TypedSignature.Call(register.GetMethod("Register", [delegateType])!, null, [callback])!;
            using (handle)
            {
                var raw = native.GetMethod($"drive_{sig.Name}", [typeof(nint)])!;
                Drive("compiled, registered", () => (int)TypedSignature.Call(raw, null, [handle.Address])!);
            }

            // The run-time typed trampoline on the same driver: what it received must be what the compiled one did.
            var typed = TypedSignature.Of(sig, clr, TypedSignature.OwnDelegate(sig));
            using (var runtimeHandle = m.Callbacks.Register($"cb_{sig.Name}", typed.Implement(args => Body(args, typed.Return))))
            {
                var driver = m.GetFunction<Func<nint, int>>($"drive_{sig.Name}");
                var runtimeHashes = Drive("run time", () => driver(runtimeHandle.Address));
                if (compiledHashes is not null && runtimeHashes is not null && !compiledHashes.SequenceEqual(runtimeHashes))
                    failures.Add($"{sig.Name}: the compiled callback received {string.Join(",", compiledHashes)}, the run-time one {string.Join(",", runtimeHashes)}");
            }
        }
        Assert.That(failures, Is.Empty, string.Join("\n\n", failures));
        Assert.That(sigs, Has.Count.GreaterThanOrEqualTo(60), "signatures left once the types the compiler refuses are removed");
    }

    /// <summary>
    /// A delegate of the generated type <paramref name="delegateType"/> that passes its arguments, boxed (pointers as
    /// <see cref="nint"/>), to <paramref name="body"/> with its CLR return type (<see cref="nint"/> for a pointer), and
    /// returns what it returns, unboxed. A <see cref="DynamicMethod"/>: expression trees take no pointer types.
    /// </summary>
    private static Delegate Implement(Type delegateType, Func<object?[], Type, object?> body)
    {
        var invoke = delegateType.GetMethod("Invoke")!;
        var ps = invoke.GetParameters().Select(p => p.ParameterType).ToArray();
        var ret = invoke.ReturnType;
        var boxedRet = ret.IsPointer ? typeof(nint) : ret;
        Func<object?[], object?> bound = args => body(args, boxedRet);
        var dm = new DynamicMethod("compiled_callback", ret, [typeof(Func<object?[], object?>), .. ps], typeof(CompiledRandomCallbackTests).Module, skipVisibility: true);
        var il = dm.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldc_I4, ps.Length);
        il.Emit(OpCodes.Newarr, typeof(object));
        for (int i = 0; i < ps.Length; i++)
        {
            il.Emit(OpCodes.Dup);
            il.Emit(OpCodes.Ldc_I4, i);
            il.Emit(OpCodes.Ldarg, i + 1);
            il.Emit(OpCodes.Box, ps[i].IsPointer ? typeof(nint) : ps[i]);
            il.Emit(OpCodes.Stelem_Ref);
        }
        il.Emit(OpCodes.Callvirt, typeof(Func<object?[], object?>).GetMethod("Invoke")!);
        if (ret == typeof(void)) il.Emit(OpCodes.Pop);
        else il.Emit(OpCodes.Unbox_Any, boxedRet);
        il.Emit(OpCodes.Ret);
        return dm.CreateDelegate(delegateType, bound);
    }
}
