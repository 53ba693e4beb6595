using System.Runtime.InteropServices;

namespace Ffi.Native;

/// <summary>The calling thread's C <c>errno</c>.</summary>
public static class Errno
{
    /// <summary>Gets or sets this thread's errno (C's thread-local <c>errno</c>).</summary>
    public static int Value
    {
        get => Marshal.GetLastSystemError();
        set => Marshal.SetLastSystemError(value);
    }
}
