using Ffi.Types;

namespace Ffi;

/// <summary>
/// A variadic extra with an explicit C type, for when the default promotion of the managed value is not what
/// the callee reads (e.g. a 64-bit integer that fits in an int, an unsigned long, a tagged pointer).
/// C's default argument promotions still apply to the type: integers narrower than int travel as int, float as double.
/// </summary>
/// <param name="Type">The C type the callee reads with <c>va_arg</c>.</param>
/// <param name="Value">The value, converted with the usual rules.</param>
/// <example><code>libc.Invoke("printf", "%lu\n", new object?[] { new VarArg(libc.Types["ulong"], 5UL) });</code></example>
public sealed record VarArg(CType Type, object? Value);
