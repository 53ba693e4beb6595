namespace Ffi.Spec.C;

/// <summary>
/// The text being read, and the one way its errors are made: <c>file:line:column</c>, what is wrong,
/// then the source line with a caret under the culprit —
/// <code>
/// decls.h:1:14: expected ')' to close the parameter list, found ';'
///     int abs(int;
///                ^
/// </code>
/// </summary>
internal sealed class CSource(string text, string file)
{
    public string Text { get; } = text;

    public string File { get; } = file;

    public FfiSpecException Error(SourcePosition at, string reason, Exception? inner = null) =>
        new(at.ToString(), reason + "\n" + Excerpt(at), inner);

    /// <summary>The physical line holding <paramref name="at"/>, and a caret under its column.</summary>
    public string Excerpt(SourcePosition at)
    {
        int offset = Math.Clamp(at.Offset, 0, Text.Length);
        int start = offset == 0 ? 0 : Text.LastIndexOf('\n', Math.Max(0, offset - 1)) + 1;
        if (offset > 0 && offset <= Text.Length && Text[offset - 1] == '\n') start = offset;
        int end = Text.IndexOf('\n', start);
        if (end < 0) end = Text.Length;
        var line = Text[start..end].TrimEnd('\r');
        int column = Math.Min(offset - start, line.Length);
        // Tabs stay tabs under the caret so it lines up in any terminal.
        var pad = new string(line.Take(column).Select(c => c == '\t' ? '\t' : ' ').ToArray());
        if (line.Length > 160)
        {
            int from = Math.Max(0, column - 80);
            line = line.Substring(from, Math.Min(160, line.Length - from));
            pad = pad[from..];
        }
        return $"    {line}\n    {pad}^";
    }
}
