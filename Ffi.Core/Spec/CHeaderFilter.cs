namespace Ffi.Spec;

/// <summary>
/// Which declarations of a preprocessed header to keep (<c>ffi import</c>): those from the files the user named —
/// not everything they include — optionally only names with a prefix, plus every type those need.
/// </summary>
/// <param name="KeepFile">Whether a file named by a line marker (<c># 1 "/usr/include/zlib.h"</c>) is one of the named headers.</param>
/// <param name="NamePrefix">Keep only functions, variables, constants and types whose name starts with this (<c>--only</c>); null keeps all.</param>
public sealed record CHeaderFilter(Func<string, bool> KeepFile, string? NamePrefix = null);
