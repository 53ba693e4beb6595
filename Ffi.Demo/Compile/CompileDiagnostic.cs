using System.Globalization;

namespace Ffi.Demo.Compile;

/// <summary>
/// One error of <c>ffi compile</c> in the canonical form compilers print and MSBuild reads (its <c>Exec</c> task logs
/// such a line as an error with its file, line, column and code): <c>FILE(LINE,COL): error FFI1001: MESSAGE</c>, or
/// <c>FILE: error …</c> when there is no position.
/// </summary>
/// <param name="Origin">The spec file as given on the command line, or <c>ffi compile</c> for a usage error.</param>
/// <param name="Position">The 1-based line and column, if known.</param>
/// <param name="Code">One of the codes below: one per family of errors.</param>
/// <param name="Message">What is wrong; for a spec, it starts with the JSON path. Lines after the first follow the canonical line as they are.</param>
internal sealed record CompileDiagnostic(string Origin, (int Line, int Column)? Position, string Code, string Message)
{
    /// <summary>Usage: a missing or unknown option, a wrong number of arguments.</summary>
    public const string Usage = "FFI1000";

    /// <summary>The spec is malformed (an <see cref="FfiSpecException"/>): bad JSON, an unknown type, a cyclic struct…</summary>
    public const string SpecError = "FFI1001";

    /// <summary>The spec is valid but cannot be compiled (an <c>FfiCompileException</c>): an empty struct, a name clash, an invalid namespace…</summary>
    public const string CompileError = "FFI1002";

    /// <summary>A file cannot be read or written: a missing spec, an output directory that cannot be written.</summary>
    public const string IoError = "FFI1003";

    /// <summary>The canonical line, then any further lines of the message.</summary>
    public override string ToString()
    {
        var where = Position is var (line, column) ? string.Create(CultureInfo.InvariantCulture, $"{Origin}({line},{column})") : Origin;
        return $"{where}: error {Code}: {Message}";
    }
}
