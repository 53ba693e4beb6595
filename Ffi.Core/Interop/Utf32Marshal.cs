using System.ComponentModel;
using System.Runtime.InteropServices;
using System.Text;

namespace Ffi.Interop;

/// <summary>
/// <c>wchar_t</c> string marshalling, which emitted stubs call (run-time stubs and compiled bindings alike; public for
/// generated code): on Linux x86-64 <c>wchar_t</c> is a 4-byte int holding one
/// UTF-32 code point (<c>sizeof(wchar_t) == 4</c>), so a <c>string</c> for <c>const wchar_t *</c> is a NUL-terminated
/// UTF-32 copy (little-endian), in a caller-provided stack buffer when short, else in native memory; and back.
/// A lone UTF-16 surrogate becomes U+FFFD, as <see cref="Encoding.UTF32"/> does.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static unsafe class Utf32Marshal
{
    /// <summary>Bytes of stack buffer per wide string parameter (63 code points and the NUL).</summary>
    public const int ShortString = 256;

    /// <summary>A NUL-terminated UTF-32 copy of <paramref name="s"/>: in <paramref name="buffer"/> when it fits, else allocated.</summary>
    public static nint Utf32(string? s, byte* buffer)
    {
        if (s is null) return 0;
        // A UTF-16 string of n chars has at most n code points, 4 bytes each.
        int size = (long)s.Length * 4 < ShortString ? s.Length * 4 : Encoding.UTF32.GetByteCount(s);
        var p = size + 4 <= ShortString ? buffer : (byte*)NativeMemory.Alloc((nuint)size + 4);
        int n = Encoding.UTF32.GetBytes(s, new Span<byte>(p, size));
        *(int*)(p + n) = 0;
        return (nint)p;
    }

    /// <summary>Frees what <see cref="Utf32"/> allocated.</summary>
    public static void Release(nint p, byte* buffer)
    {
        if (p != 0 && p != (nint)buffer) NativeMemory.Free((void*)p);
    }

    /// <summary>The string a <c>wchar_t *</c> from C points to (null for NULL): its code points up to the NUL.</summary>
    public static string? String(nint p)
    {
        if (p == 0) return null;
        var w = (int*)p;
        int n = 0;
        while (w[n] != 0) n++;
        return Encoding.UTF32.GetString((byte*)p, checked(n * 4));
    }
}
