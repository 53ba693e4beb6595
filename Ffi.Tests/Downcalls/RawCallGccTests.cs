using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Ffi.Shapes;
using Ffi.Abi;
using Ffi.Binding;
using Ffi.Downcalls;
using Ffi.Memory;
using Ffi.Spec;
using Ffi.Tests.Layout;
using Ffi.Tests.Native;
using Ffi.Types;
using Ffi.Tests.Oracle;

namespace Ffi.Tests.Downcalls;

/// <summary>
/// Seeded random signatures against gcc: 0–14 parameters of random scalars and random structs/unions by value
/// (every class mix, packed, bitfields, nested, arrays, memory class), scalar, aggregate or void returns.
/// Each C function hashes every leaf of every argument it received and builds its result from the hash;
/// the engine computes the same hash from what it sent and must read back the same result, bit for bit.
/// </summary>
[TestFixture]
public sealed unsafe class RawCallGccTests
{
    /// <summary>
    /// Four fixed seeds (400 signatures) on every run; <c>FFI_CALL_SEEDS=N</c> sweeps N more (seeds 2000..);
    /// <c>FFI_CALL_TRACE=FILE</c> appends each signature's plan to FILE before its call (to find a crashing call).
    /// </summary>
    private static IEnumerable<int> Seeds()
    {
        int[] fixedSeeds = [21, 22, 23, 31];
        var extra = int.TryParse(Environment.GetEnvironmentVariable("FFI_CALL_SEEDS"), out int n) ? Enumerable.Range(2000, n) : [];
        return fixedSeeds.Concat(extra);
    }

    [TestCaseSource(nameof(Seeds))]
    public void RandomSignaturesAgreeWithGcc(int seed) => Run(seed);

    /// <summary>
    /// The same calls while another thread forces collections: every call may find the GC running when it
    /// returns to managed code. (Stubs once inherited the debug build of their owner module, which made the JIT
    /// route them through the runtime's generic calli helper; that path corrupted arguments under this load.)
    /// </summary>
    [Test]
    public void RandomSignaturesAgreeWithGccUnderGcPressure() => GcPressure.During(() =>
    {
        Run(21);
        Run(22);
    });

    private static void Run(int seed)
    {
        var (gen, spec, sigs) = RandomSignatures.Generate(seed, $"D{seed}_");
        var lib = Gcc.Compile(RandomSignatures.CSource(gen, sigs), "calls", "-shared -fPIC");
        var handle = NativeLibrary.Load(lib);
        try
        {
            using var mem = new FfiMemory(spec.Types);
            var failures = new List<string>();
            foreach (var sig in sigs)
            {
                var shape = new CallShapes("calls").For(sig.Ret, sig.Params.Select(p => p.Type).ToArray(), null, sig.Name);
                var frame = shape.Frame;
                var stub = RawCallStub.Emit(shape, sig.Name);
                var args = mem.Calloc(frame.ArgumentBytes, 1);
                var ret = mem.Calloc(frame.ReturnBytes, 1);
                var argRng = new Random(RandomSignatures.ArgumentSeed(seed, sig));
                ulong h = RandomSignatures.Seed0 ^ ulong.Parse(sig.Name[1..], CultureInfo.InvariantCulture);
                var trace = new ulong[sig.Params.Count];
                for (int i = 0; i < sig.Params.Count; i++)
                {
                    var at = args.Offset(frame.Offsets[i], sig.Params[i].Type);
                    foreach (var leaf in Leaves.Of(sig.Params[i].Type))
                    {
                        var (value, bits) = RandomSignatures.RandomValue(leaf, argRng);
                        mem.Set(sig.Params[i].Type, at, leaf.Path, value);
                        h = (h ^ bits) * RandomSignatures.Prime;
                    }
                    trace[i] = h;
                }
                if (Environment.GetEnvironmentVariable("FFI_CALL_TRACE") is { } traceFile)
                    File.AppendAllText(traceFile, $"seed {seed} {sig.Name}\n{shape.Plan}\n{shape.Lowered}\n");
                stub(NativeLibrary.GetExport(handle, sig.Name), (byte*)args.Address, (byte*)ret.Address);
                GC.KeepAlive(stub);
                if (Environment.GetEnvironmentVariable("FFI_CALL_TRACE") is { } doneFile) File.AppendAllText(doneFile, "returned\n");

                int j = 0;
                foreach (var leaf in Leaves.Of(sig.Ret))
                {
                    var got = LeafValues.Normalize(mem.Get(sig.Ret, ret.As(sig.Ret), leaf.Path));
                    var want = RandomSignatures.Expected(leaf, h, j++);
                    if (!got.Equals(want))
                    {
                        int firstBad = RandomSignatures.FirstDifferingParameter(NativeLibrary.GetExport(handle, "ffi_trace"), trace);
                        failures.Add($"{sig.Name}: first differing parameter: {firstBad}; return{(leaf.Path.Length > 0 ? "." + leaf.Path : "")}: C made {want}, engine read {got}\n  plan:\n{shape.Plan}\n  recipe:\n{shape.Lowered}\n  {RandomSignatures.Describe(gen, sig)}");
                        break;
                    }
                }
                mem.Free(args);
                mem.Free(ret);
            }
            Assert.That(failures, Is.Empty);
        }
        finally
        {
            NativeLibrary.Free(handle);
        }
    }

}
