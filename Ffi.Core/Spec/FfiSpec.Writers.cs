namespace Ffi.Spec;

public sealed partial class FfiSpec
{
    /// <summary>
    /// The spec as spec JSON (format "1") that <see cref="Parse(string)"/> reads back to the same types, functions,
    /// variables and constants — for example to commit what <c>ffi import</c> read from a header.
    /// </summary>
    /// <returns>Indented JSON.</returns>
    public string ToJson() => SpecJsonWriter.Write(this);

    /// <summary>
    /// The spec as C declarations that <see cref="ParseC(string, string, string)"/> reads back to the same layouts,
    /// functions, variables and constants; options C cannot say are <c>/* ffi: … */</c> annotations.
    /// </summary>
    /// <returns>C text.</returns>
    /// <exception cref="FfiSpecException">A type name is not a C identifier (a JSON spec may use any string).</exception>
    public string ToC() => C.CDeclarationWriter.Write(this);
}
