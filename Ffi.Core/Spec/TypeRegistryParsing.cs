using Ffi.Types;

namespace Ffi.Spec;

/// <summary>
/// Reading a type written as JSON against a registry's names. It lives with the spec reader, which it uses, so that
/// <c>Types</c> does not depend on <c>Spec</c>.
/// </summary>
public static class TypeRegistryParsing
{
    /// <summary>
    /// Resolves a type written as JSON — a quoted name or an inline type object such as
    /// <c>{"kind": "array", "of": "point", "len": 4}</c> — against this registry's names.
    /// </summary>
    /// <param name="registry">The names the type may refer to (a spec's <see cref="FfiSpec.Types"/>).</param>
    /// <param name="json">The type reference as JSON.</param>
    /// <returns>The laid-out type (anonymous unless the object has a <c>"name"</c>).</returns>
    /// <exception cref="FfiSpecException">Malformed or unknown; the path starts at <c>$</c>.</exception>
    public static CType ParseType(this TypeRegistry registry, string json)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return new TypeResolver(registry).Resolve(SpecReader.ReadStandaloneType(json));
        }
        catch (Exception ex) when (ex is not FfiSpecException and not OutOfMemoryException)
        {
            throw new FfiSpecException("$", $"internal error while reading the type ({ex.GetType().Name}: {ex.Message})", ex);
        }
    }
}
