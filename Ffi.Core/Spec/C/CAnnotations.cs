namespace Ffi.Spec.C;

/// <summary>
/// What C cannot say, said in a comment right before a declaration:
/// <code>
/// /* ffi: errno caps=fs,net lib=libm.so.6 doc="Opens a file." */
/// int open_file(const char *path);
/// /* ffi: tag=db */  typedef struct sqlite3 sqlite3;
/// </code>
/// Words: <c>errno</c>, <c>trivial</c>, <c>ret_as_str</c>, <c>caps=A,B</c>, <c>lib=NAME</c>, <c>doc="…"</c>,
/// <c>tag=NAME</c> (the tag of a handle or a pointer typedef). Several comments before one declaration add up.
/// </summary>
internal sealed record CAnnotations(bool Errno, IReadOnlyList<string> Caps, bool Trivial, bool RetAsStr, string? Lib, string? Doc, string? Tag, SourcePosition? At)
{
    public static readonly CAnnotations None = new(false, [], false, false, null, null, null, null);

    public bool IsEmpty => this == None || (!Errno && Caps.Count == 0 && !Trivial && !RetAsStr && Lib is null && Doc is null && Tag is null);

    /// <summary>Adds the words of one <c>ffi:</c> comment.</summary>
    public CAnnotations Add(CToken comment, CSource source)
    {
        var result = this with { At = At ?? comment.At };
        var text = comment.Text;
        int i = 0;
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i])) { i++; continue; }
            int start = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] != '=') i++;
            var word = text[start..i];
            string? value = null;
            if (i < text.Length && text[i] == '=')
            {
                i++;
                if (i < text.Length && text[i] == '"')
                {
                    // doc="say \"hi\"\nthen more": \" \\ and \n are the only escapes.
                    var sb = new System.Text.StringBuilder();
                    int j = i + 1;
                    for (; j < text.Length && text[j] != '"'; j++)
                    {
                        if (text[j] == '\\' && j + 1 < text.Length)
                        {
                            j++;
                            sb.Append(text[j] == 'n' ? '\n' : text[j]);
                        }
                        else sb.Append(text[j]);
                    }
                    if (j >= text.Length) throw source.Error(comment.At, $"ffi: annotation: {word}=\" has no closing quote");
                    value = sb.ToString();
                    i = j + 1;
                }
                else
                {
                    int vs = i;
                    while (i < text.Length && !char.IsWhiteSpace(text[i])) i++;
                    value = text[vs..i];
                }
                if (value.Length == 0) throw source.Error(comment.At, $"ffi: annotation: {word}= needs a value");
            }
            result = word switch
            {
                "errno" when value is null => result with { Errno = true },
                "trivial" when value is null => result with { Trivial = true },
                "ret_as_str" when value is null => result with { RetAsStr = true },
                "caps" when value is not null => result with { Caps = [.. result.Caps, .. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)] },
                "lib" when value is not null => result with { Lib = value },
                "doc" when value is not null => result with { Doc = value },
                "tag" when value is not null => result with { Tag = value },
                "errno" or "trivial" or "ret_as_str" => throw source.Error(comment.At, $"ffi: annotation: '{word}' takes no value"),
                "caps" or "lib" or "doc" or "tag" => throw source.Error(comment.At, $"ffi: annotation: '{word}' needs a value ({word}=…)"),
                _ => throw source.Error(comment.At,
                    $"ffi: annotation: unknown word '{word}' (expected errno, trivial, ret_as_str, caps=…, lib=…, doc=\"…\" or tag=…){Suggest.DidYouMean(word, ["errno", "trivial", "ret_as_str", "caps", "lib", "doc", "tag"])}"),
            };
        }
        return result;
    }
}
