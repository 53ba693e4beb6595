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
    private readonly (int Index, ArgumentMarshaller Marshaller, ScalarRep? Rep, long Size)[] _params;

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
        _params = parameters.Select(p => (p.Index, p.Marshaller, p.C.IsAggregate || p.C is Types.ArrayType || p.C is Types.VoidType ? (ScalarRep?)null : SysVCallPlanner.RepOf(p.C), p.C.Size)).ToArray();
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
        && Lowered.Equals(other.Lowered) && _params.AsSpan().SequenceEqual(other._params);

    public override bool Equals(object? obj) => Equals(obj as TypedStubKey);

    public override int GetHashCode() => HashCode.Combine(DelegateType, Lowered, ReturnMarshaller, _params.Length, Gated, CaptureErrno);
}
