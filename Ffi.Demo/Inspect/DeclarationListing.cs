using Ffi.Spec;

namespace Ffi.Demo.Inspect;

/// <summary>
/// The part of <c>ffi inspect</c> after the layout tables: the spec as C declarations — functions with their C
/// signatures, variables, enum values, function pointer types — as <see cref="FfiSpec.ToC"/> writes them.
/// </summary>
public static class DeclarationListing
{
    /// <summary>Writes the declarations of <paramref name="spec"/>, or nothing when a type name is not a C identifier.</summary>
    public static void Write(FfiSpec spec, TextWriter output)
    {
        string c;
        try
        {
            c = spec.ToC();
        }
        catch (FfiSpecException)
        {
            return; // a JSON spec may name a type "my type": it has no C spelling, and its tables above say it all
        }
        output.WriteLine();
        output.WriteLine("C declarations (functions, variables, enum values, function pointer types):");
        output.Write(c);
    }
}
