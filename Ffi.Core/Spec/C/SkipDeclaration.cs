namespace Ffi.Spec.C;

/// <summary>
/// Thrown inside the reader when a declaration uses something the engine cannot represent (<c>_Float128</c>,
/// <c>__int128</c>, <c>va_list</c>…): the declaration is skipped with a note and reading goes on. Never escapes the reader.
/// </summary>
internal sealed class SkipDeclaration(string reason) : Exception(reason);
