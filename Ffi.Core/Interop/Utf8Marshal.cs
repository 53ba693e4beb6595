using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Ffi.Interop;

/// <summary>
/// UTF-8 argument marshalling, the one copy every emitted stub calls (run-time stubs and compiled bindings alike; public
/// for generated code, which may call only public API): a <c>string</c> for <c>char*</c> as a
/// NUL-terminated UTF-8 copy in a caller-provided stack buffer when short, else in native memory; and back.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static unsafe class Utf8Marshal
{
    /// <summary>Bytes of stack buffer per string parameter; longer strings are copied to native memory.</summary>
    public const int ShortString = 128;

    /// <summary>A NUL-terminated UTF-8 copy of <paramref name="s"/>: in <paramref name="buffer"/> when it fits, else allocated.</summary>
    public static nint Utf8(string? s, byte* buffer)
    {
        if (s is null) return 0;
        if (s.Length * 3 < ShortString)
        {
            int n = System.Text.Encoding.UTF8.GetBytes(s, new Span<byte>(buffer, ShortString - 1));
            buffer[n] = 0;
            return (nint)buffer;
        }
        int size = System.Text.Encoding.UTF8.GetByteCount(s);
        var p = (byte*)NativeMemory.Alloc((nuint)size + 1);
        System.Text.Encoding.UTF8.GetBytes(s, new Span<byte>(p, size));
        p[size] = 0;
        return (nint)p;
    }

    /// <summary>Frees what <see cref="Utf8"/> allocated.</summary>
    public static void Release(nint p, byte* buffer)
    {
        if (p != 0 && p != (nint)buffer) NativeMemory.Free((void*)p);
    }

    /// <summary>The string a returned <c>char*</c> points to (null for NULL).</summary>
    public static string? String(nint p) => p == 0 ? null : Marshal.PtrToStringUTF8(p);
}
