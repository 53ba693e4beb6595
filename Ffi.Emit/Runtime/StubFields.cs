using System.Reflection;
using Ffi.Values;

namespace Ffi.Runtime;

/// <summary>
/// Every field emitted code reads directly, found once by <c>nameof</c> (never by a name string): a rename is a
/// compile error here, not a failure inside stub emission.
/// </summary>
internal static class StubFields
{
    private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    /// <summary><see cref="FfiValue"/>'s kind.</summary>
    public static readonly FieldInfo ValueKind = Field(typeof(FfiValue), nameof(FfiValue._kind));

    /// <summary><see cref="FfiValue"/>'s inline bits.</summary>
    public static readonly FieldInfo ValueBits = Field(typeof(FfiValue), nameof(FfiValue._bits));

    /// <summary><see cref="FfiValue"/>'s reference (string, object, or a pointer's tag).</summary>
    public static readonly FieldInfo ValueReference = Field(typeof(FfiValue), nameof(FfiValue._ref));

    /// <summary><see cref="ModuleLifetime.Disposed"/>.</summary>
    public static readonly FieldInfo Disposed = Field(typeof(ModuleLifetime), nameof(ModuleLifetime.Disposed));

    /// <summary><see cref="DynamicTarget.Address"/>.</summary>
    public static readonly FieldInfo DynamicAddress = Field(typeof(DynamicTarget), nameof(DynamicTarget.Address));

    /// <summary><see cref="DynamicTarget.Lifetime"/>.</summary>
    public static readonly FieldInfo DynamicLifetime = Field(typeof(DynamicTarget), nameof(DynamicTarget.Lifetime));

    /// <summary><see cref="DynamicTarget.Name"/>.</summary>
    public static readonly FieldInfo DynamicName = Field(typeof(DynamicTarget), nameof(DynamicTarget.Name));

    /// <summary><see cref="DynamicTarget.ResultType"/>.</summary>
    public static readonly FieldInfo DynamicResultType = Field(typeof(DynamicTarget), nameof(DynamicTarget.ResultType));

    /// <summary><see cref="DynamicTarget.Memory"/>.</summary>
    public static readonly FieldInfo DynamicMemory = Field(typeof(DynamicTarget), nameof(DynamicTarget.Memory));

    /// <summary><see cref="DynamicTarget.ResultOrigin"/>.</summary>
    public static readonly FieldInfo DynamicResultOrigin = Field(typeof(DynamicTarget), nameof(DynamicTarget.ResultOrigin));

    private static FieldInfo Field(Type type, string name) =>
        type.GetField(name, Instance) ?? throw new MissingFieldException(type.FullName, name);
}
