using Ffi.Types;

namespace Ffi.Shapes;

/// <summary>
/// A C call signature as a cache key: the return type, the parameter types (fixed, then variadic extras) and where
/// the extras start. Types compare by identity: a module's registry holds one object per type, so two distinct
/// types that print alike (two anonymous <c>int*</c> with different tags) are different keys.
/// </summary>
internal readonly struct CallSignature(CType returnType, CType[] parameters, int? fixedCount) : IEquatable<CallSignature>
{
    public CType Return { get; } = returnType;
    public CType[] Parameters { get; } = parameters;
    public int? FixedCount { get; } = fixedCount;

    public bool Equals(CallSignature other)
    {
        if (!ReferenceEquals(Return, other.Return) || FixedCount != other.FixedCount || Parameters.Length != other.Parameters.Length) return false;
        for (int i = 0; i < Parameters.Length; i++)
            if (!ReferenceEquals(Parameters[i], other.Parameters[i])) return false;
        return true;
    }

    public override bool Equals(object? obj) => obj is CallSignature other && Equals(other);

    public override int GetHashCode()
    {
        var h = new HashCode();
        h.Add(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(Return));
        h.Add(FixedCount);
        foreach (var p in Parameters) h.Add(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(p));
        return h.ToHashCode();
    }
}
