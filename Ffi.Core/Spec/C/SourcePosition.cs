namespace Ffi.Spec.C;

/// <summary>
/// A place in C text: the file and line it claims (line markers such as <c># 42 "zlib.h"</c> from the
/// preprocessor move these), the column, and the offset in the text actually read (to show that line).
/// </summary>
internal readonly record struct SourcePosition(string File, int Line, int Column, int Offset)
{
    /// <summary><c>zlib.h:42:7</c>.</summary>
    public override string ToString() => $"{File}:{Line}:{Column}";
}
