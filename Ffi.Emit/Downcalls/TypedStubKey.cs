using System.Reflection;
using Ffi.Abi;
using Ffi.Marshallers;

namespace Ffi.Downcalls;

/// <summary>
/// Everything a typed stub's code depends on: the delegate type, the recipe, each parameter's marshaller (with its C
/// scalar representation and size), the return's marshaller, whether capabilities are checked, errno capture, a trivial
/// function's own P/Invoke and the alignment of a MEMORY result's storage. Functions with equal keys share one stub,
/// bound to each function's <see cref="Runtime.TypedTarget"/>.
/// </summary>
internal sealed class TypedStubKey : IEquatable<TypedStubKey>
{
    // Plain arrays compared in loops, and hashes combined by hand: no tuples, LINQ or HashCode.Combine over value types,
    // whose generic code the JIT would compile on a process's first typed call (docs/benchmarks.md, cold start).
    private readonly int[] _indices;
    private readonly ArgumentMarshaller[] _marshallers;
    private readonly ScalarRep?[] _reps;
    private readonly long[] _sizes;

    public TypedStubKey(Type delegateType, LoweredCall lowered, IReadOnlyList<DowncallArgument> parameters, ArgumentMarshaller returnMarshaller, bool gated, bool captureErrno,
        MethodInfo? pinvoke, int returnAlign)
    {
        DelegateType = delegateType;
        Lowered = lowered;
        ReturnMarshaller = returnMarshaller;
        Gated = gated;
        CaptureErrno = captureErrno;
        PInvoke = pinvoke;
        ReturnAlign = returnAlign;
        int n = parameters.Count;
        _indices = new int[n];
        _marshallers = new ArgumentMarshaller[n];
        _reps = new ScalarRep?[n];
        _sizes = new long[n];
        for (int i = 0; i < n; i++)
        {
            var p = parameters[i];
            _indices[i] = p.Index;
            _marshallers[i] = p.Marshaller;
            _reps[i] = p.C.IsAggregate || p.C is Types.ArrayType || p.C is Types.VoidType ? null : SysVCallPlanner.RepOf(p.C);
            _sizes[i] = p.C.Size;
        }
    }

    public Type DelegateType { get; }
    public LoweredCall Lowered { get; }
    public ArgumentMarshaller ReturnMarshaller { get; }
    public bool Gated { get; }
    public bool CaptureErrno { get; }
    public MethodInfo? PInvoke { get; }
    public int ReturnAlign { get; }

    public bool Equals(TypedStubKey? other) =>
        other is not null && DelegateType == other.DelegateType && ReturnMarshaller == other.ReturnMarshaller && Gated == other.Gated
        && CaptureErrno == other.CaptureErrno && Equals(PInvoke, other.PInvoke) && ReturnAlign == other.ReturnAlign
        && Lowered.Equals(other.Lowered) && SameParameters(other);

    private bool SameParameters(TypedStubKey other)
    {
        if (_indices.Length != other._indices.Length) return false;
        for (int i = 0; i < _indices.Length; i++)
        {
            if (_indices[i] != other._indices[i] || _reps[i] != other._reps[i] || _sizes[i] != other._sizes[i]
                || !Equals(_marshallers[i], other._marshallers[i])) return false;
        }
        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as TypedStubKey);

    public override int GetHashCode() =>
        ((DelegateType.GetHashCode() * 31 + Lowered.GetHashCode()) * 31 + ReturnMarshaller.GetHashCode()) * 31
        + _indices.Length * 4 + (Gated ? 2 : 0) + (CaptureErrno ? 1 : 0);
}
