using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace Ffi.Interop;

/// <summary>
/// The stack image of a compiled variadic call: <see cref="Length"/> eightbytes passed by value after the fixed
/// parameters' stack part, where the callee's <c>va_arg</c> reads the extras that found no register (its overflow
/// area), in argument order. A MEMORY-class struct of 256 bytes to the System V planner. Public for generated code,
/// which may use only public API; not meant for user code.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[InlineArray(Length)]
public struct CVarArgStack
{
    /// <summary>The eightbytes the image holds: at most this many extras of one call go to the stack.</summary>
    public const int Length = 32;

    private long _e0;
}
