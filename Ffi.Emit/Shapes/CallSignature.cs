using Ffi.Types;

namespace Ffi.Shapes;

/// <summary>
/// A C call signature as a cache key: the return type, the parameter types (fixed, then variadic extras) and where
/// the extras start. Types compare by identity: a module's registry holds one object per type, so two distinct
/// types that print alike (two anonymous <c>int*</c> with different tags) are different keys. A class, not a struct:
/// a cache keyed by a reference type runs the runtime's shared precompiled code, while a struct key makes the JIT
/// compile the whole dictionary for it on a process's first call (docs/benchmarks.md, cold start).
/// </summary>
internal sealed class CallSignature(CType returnType, CType[] parameters, int? fixedCount) : IEquatable<CallSignature>
{
    public CType Return { get; } = returnType;
    public CType[] Parameters { get; } = parameters;
    public int? FixedCount { get; } = fixedCount;

    public bool Equals(CallSignature? other)
    {
        if (other is null) return false;
        if (!ReferenceEquals(Return, other.Return) || FixedCount != other.FixedCount || Parameters.Length != other.Parameters.Length) return false;
        for (int i = 0; i < Parameters.Length; i++)
            if (!ReferenceEquals(Parameters[i], other.Parameters[i])) return false;
        return true;
    }

    public override bool Equals(object? obj) => obj is CallSignature other && Equals(other);

    public override int GetHashCode()
    {
        int h = System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(Return) * 31 + (FixedCount ?? -1);
        foreach (var p in Parameters) h = h * 31 + System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(p);
        return h;
    }
}
