using System.ComponentModel;

namespace Ffi.Native;

/// <summary>
/// The errno a call captured on this thread: stubs of functions declared <c>"errno": true</c> store C's errno
/// here right after the native call returns, before any other code can change it.
/// </summary>
public static class LastErrno
{
    [ThreadStatic] private static int _value;

    /// <summary>The errno captured by this thread's last capturing call (0 if none).</summary>
    public static int Value => _value;

    /// <summary>
    /// Stores <paramref name="errno"/>: called by generated stubs (run-time ones and compiled bindings, which may call
    /// only public API) right after the native call; not meant for user code.
    /// </summary>
    /// <param name="errno">C's errno as the call left it.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void Set(int errno) => _value = errno;
}
