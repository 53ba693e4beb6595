namespace Ffi.Spec;

public sealed partial class FfiSpec
{
    /// <summary>
    /// The spec as spec JSON (format "1") that <see cref="Parse(string)"/> reads back to the same types, functions,
    /// variables and constants — for example to commit what <c>ffi import</c> read from a header.
    /// </summary>
    /// <returns>Indented JSON.</returns>
    public string ToJson() => SpecJsonWriter.Write(this);
}
