using System.Diagnostics.CodeAnalysis;
using Ffi.Spec.C;

namespace Ffi.Spec;

public sealed partial class FfiSpec
{
    /// <summary>
    /// The named integer constants: enum constants and integer <c>#define</c>s of C declarations, or the
    /// <c>"constants"</c> of a JSON spec, in declaration order.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, long>> Constants { get; }

    /// <summary>
    /// What the C reader skipped and why (a declaration using <c>_Float128</c>, an <c>#include</c>, a
    /// function-like macro), each starting with <c>file:line:column</c>; empty for JSON specs.
    /// </summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>
    /// Reads a spec from C declarations — what a header says, pasted or preprocessed: typedefs, structs, unions,
    /// enums, function prototypes, variables, integer <c>#define</c>s — for the library <paramref name="lib"/>.
    /// </summary>
    /// <example>
    /// <code>
    /// var spec = FfiSpec.ParseC("unsigned long crc32(unsigned long crc, const unsigned char *buf, unsigned int len);", "libz.so.1");
    /// </code>
    /// </example>
    /// <param name="declarations">The C text (docs/c-declarations.md lists what is accepted).</param>
    /// <param name="lib">The library to load: a soname, file name or path, as dlopen takes it.</param>
    /// <param name="fileName">The name errors give the text (<c>decls.h:3:14: …</c>).</param>
    /// <returns>The resolved spec.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="lib"/> is empty.</exception>
    /// <exception cref="FfiSpecException">
    /// The declarations are malformed: the message is <c>file:line:column: what was expected</c>, then the line
    /// with a caret under the culprit.
    /// </exception>
    public static FfiSpec ParseC(string declarations, string lib, string fileName = "<declarations>") => ParseC(declarations, lib, fileName, null);

    /// <summary>
    /// Reads preprocessed header text (<c>gcc -E -dD</c>: line markers and <c>#define</c>s kept), keeping only what
    /// <paramref name="filter"/> selects and the types it needs — what <c>ffi import</c> does.
    /// </summary>
    /// <param name="declarations">The preprocessed text.</param>
    /// <param name="lib">The library to load.</param>
    /// <param name="fileName">The name errors give the text before its first line marker.</param>
    /// <param name="filter">Which files (by line marker) and names to keep; null keeps everything.</param>
    /// <returns>The resolved spec.</returns>
    /// <exception cref="FfiSpecException">The declarations are malformed (<c>file:line:column</c>, line and caret).</exception>
    public static FfiSpec ParseC(string declarations, string lib, string fileName, CHeaderFilter? filter)
    {
        ArgumentNullException.ThrowIfNull(declarations);
        ArgumentException.ThrowIfNullOrEmpty(lib);
        ArgumentNullException.ThrowIfNull(fileName);
        Func<FfiSpecException, FfiSpecException> locate = ex => ex;
        try
        {
            var (raw, notes, l) = CSpecReader.Read(declarations, fileName, lib, filter);
            locate = l;
            return Resolve(raw, notes);
        }
        catch (FfiSpecException ex)
        {
            throw locate(ex);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // As for JSON: whatever the input, callers only ever see FfiSpecException; the fuzz tests assert this never fires.
            throw new FfiSpecException(fileName, $"internal error while reading the declarations ({ex.GetType().Name}: {ex.Message})", ex);
        }
    }

    /// <summary>Reads a spec from a file of C declarations (see <see cref="ParseC(string, string, string)"/>).</summary>
    /// <param name="path">The file's path; errors name it.</param>
    /// <param name="lib">The library to load.</param>
    /// <returns>The resolved spec.</returns>
    /// <exception cref="FfiSpecException">The declarations are malformed (<c>file:line:column</c>, line and caret).</exception>
    /// <exception cref="IOException">The file cannot be read (for example <see cref="FileNotFoundException"/>).</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    public static FfiSpec LoadC(string path, string lib)
    {
        ArgumentNullException.ThrowIfNull(path);
        return ParseC(File.ReadAllText(path), lib, path);
    }

    /// <summary>Reads a spec from C declarations, reporting malformed ones without throwing.</summary>
    /// <param name="declarations">The C text.</param>
    /// <param name="lib">The library to load.</param>
    /// <param name="spec">The resolved spec, on success.</param>
    /// <param name="error">What is wrong and where, on failure.</param>
    /// <returns>Whether the declarations are valid.</returns>
    public static bool TryParseC(string declarations, string lib, [NotNullWhen(true)] out FfiSpec? spec, [NotNullWhen(false)] out FfiSpecException? error) =>
        TryRead(() => ParseC(declarations, lib), out spec, out error);
}
