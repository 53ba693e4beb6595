namespace Ffi.Memory;

/// <summary>An initializer object with the reader of its members that its static type made trim-safe.</summary>
internal sealed class TypedInitializer(object value, Func<object, string, IEnumerable<KeyValuePair<string, object?>>> read)
{
    /// <summary>The object itself.</summary>
    public object Value { get; } = value;

    /// <summary>Its members, by name; <paramref name="where"/> names the place in an error.</summary>
    public IEnumerable<KeyValuePair<string, object?>> Members(string where) => read(Value, where);
}
