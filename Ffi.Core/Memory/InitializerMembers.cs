using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace Ffi.Memory;

/// <summary>
/// The (name, value) pairs of an initializer object (an anonymous object, a record, a class or struct with public
/// properties and fields), read by reflection. Trimming (PublishTrimmed, NativeAOT) removes the members of a type that
/// nothing in the app uses — an anonymous object's property getters are used by nobody — so reading them is either
/// made safe by the caller's static type (<see cref="Typed{T}"/>, whose members the trimmer keeps), or checked
/// (<see cref="Reflected"/>): members that are visibly gone are an <see cref="FfiArgumentException"/>, never zeros.
/// </summary>
internal static class InitializerMembers
{
    internal const DynamicallyAccessedMemberTypes Kept = DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.PublicFields;

    private const BindingFlags Public = BindingFlags.Public | BindingFlags.Instance;

    /// <summary>
    /// Whether <paramref name="value"/> is read member by member (an object with properties): not a scalar, a string,
    /// a list, a dictionary, storage, or a managed aggregate copy.
    /// </summary>
    internal static bool IsMemberObject(object value) =>
        value is not (string or IEnumerable or NativePointer or StructValue or Enum or decimal) && !value.GetType().IsPrimitive;

    /// <summary>
    /// Wraps a value of the caller's static type <typeparamref name="T"/> so that its members are read through
    /// <typeparamref name="T"/>, which the annotation keeps under trimming; anything that is not a member object of
    /// exactly that type is returned as it is (and read as before).
    /// </summary>
    internal static object? Typed<[DynamicallyAccessedMembers(Kept)] T>(T value) =>
        value is not null && value.GetType() == typeof(T) && IsMemberObject(value) ? new TypedInitializer(value, Of<T>.Read) : value;

    /// <summary>
    /// The members of an object by reflection over its run-time type, refused when trimming visibly removed them:
    /// <list type="bullet">
    /// <item>an anonymous object must show all its properties: C# gives its type one generic parameter per property, so
    /// fewer readable properties than generic arguments means some were trimmed (<c>new { }</c> has none and means zeros);</item>
    /// <item>any other object must have a readable public property or field, and no public property without a getter
    /// (trimming keeps the setter an object initializer used and drops the getter nobody called).</item>
    /// </list>
    /// A named type whose property trimming removed whole (set by its constructor, read by nobody) cannot be told from
    /// one that never had it: under trimming, pass such objects with their static type (the generic overloads), or as a
    /// dictionary (docs/aot.md).
    /// </summary>
    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "Members trimming removed are detected and refused below (anonymous types exactly, by their generic arity); the generic overloads keep the top-level type's members (docs/aot.md).")]
    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "As above: the read is checked, not assumed.")]
    internal static IEnumerable<KeyValuePair<string, object?>> Reflected(object value, string where)
    {
        var t = value.GetType();
        return Read(value, t, t.GetProperties(Public), t.GetFields(Public), where);
    }

    // The checks above, then the values; the typed path runs the same checks (they pass unless the type really has no
    // member: then it is as much a mistake as before trimming existed).
    private static IEnumerable<KeyValuePair<string, object?>> Read(object value, Type t, PropertyInfo[] properties, FieldInfo[] fields, string where)
    {
        if (IsAnonymous(t))
        {
            int declared = t.IsGenericType ? t.GetGenericArguments().Length : 0;
            int readable = properties.Count(p => p.GetMethod is not null);
            if (readable < declared)
                throw Trimmed(where, $"anonymous object {Display(t)} declares {declared} members but {readable} can be read");
        }
        else
        {
            if (properties.FirstOrDefault(p => p.GetMethod is null && p.SetMethod is not null) is { } writeOnly)
                throw Trimmed(where, $"{Display(t)}.{writeOnly.Name} has a setter but no getter");
            if (!properties.Any(p => p.GetMethod is not null) && fields.Length == 0)
                throw Trimmed(where, $"{Display(t)} has no public properties or fields to read");
        }
        return properties.Where(p => p.GetMethod is not null && p.GetIndexParameters().Length == 0).Select(p => KeyValuePair.Create(p.Name, p.GetValue(value)))
            .Concat(fields.Select(f => KeyValuePair.Create(f.Name, f.GetValue(value))));
    }

    // The C# compiler names them <>f__AnonymousType0`2 (VB: VB$AnonymousType_0`2); the name survives trimming.
    private static bool IsAnonymous(Type t) => t.Name.Contains("AnonymousType", StringComparison.Ordinal) && t.Namespace is null;

    private static string Display(Type t) => t.Name.IndexOf('`', StringComparison.Ordinal) is var tick and >= 0 ? t.Name[..tick] : t.Name;

    private static FfiArgumentException Trimmed(string where, string what) =>
        new(where, $"{what} (if it had them, trimming (PublishTrimmed, NativeAOT) removed them): pass the object with its own static " +
            "type (Box<T>/Set<T> keep its members), a Dictionary<string, object?>, or null for zeros (docs/aot.md)");

    // One reader per initializer type; the annotation on T makes the trimmer keep exactly what Read uses.
    private static class Of<[DynamicallyAccessedMembers(Kept)] T>
    {
        private static readonly PropertyInfo[] Properties = typeof(T).GetProperties(Public);
        private static readonly FieldInfo[] Fields = typeof(T).GetFields(Public);

        internal static IEnumerable<KeyValuePair<string, object?>> Read(object value, string where) =>
            InitializerMembers.Read(value, typeof(T), Properties, Fields, where);
    }
}
