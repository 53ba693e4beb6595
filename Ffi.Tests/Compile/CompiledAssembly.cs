using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using Ffi.Compile;
using Ffi.Spec;

namespace Ffi.Tests.Compile;

/// <summary>
/// An assembly compiled from a spec by <see cref="BindingCompiler"/> and loaded into a collectible load context, with
/// what the tests ask of its types through the runtime itself: sizes (<c>Unsafe.SizeOf</c>), raw bytes, values built
/// from raw bytes, and where a field lands (set it to all ones in a zeroed value and find the bytes that changed).
/// Nothing here reads the layout the compiler wrote in metadata: the runtime's placement is what is measured.
/// </summary>
internal sealed class CompiledAssembly : IDisposable
{
    private readonly AssemblyLoadContext _context;

    public CompiledAssembly(FfiSpec spec, string ns)
    {
        Compiled = BindingCompiler.Compile(spec, new BindingOptions(ns));
        Namespace = ns;
        _context = new AssemblyLoadContext($"ctypes-{ns}", isCollectible: true);
        Assembly = _context.LoadFromStream(new MemoryStream(Compiled.Assembly));
    }

    public CompiledBindings Compiled { get; }

    public string Namespace { get; }

    public Assembly Assembly { get; }

    public Type Type(string name) => Assembly.GetType($"{Namespace}.{name}", throwOnError: true)!;

    public void Dispose() => _context.Unload();

    public static long SizeOf(Type t) => t.IsPointer ? 8 : (int)Generic(nameof(SizeOfOf), t).Invoke(null, null)!;

    /// <summary>The raw bytes of a boxed value of type <paramref name="t"/>.</summary>
    public static byte[] Bytes(Type t, object box) => (byte[])Generic(nameof(BytesOf), t).Invoke(null, [box])!;

    /// <summary>A boxed value of type <paramref name="t"/> holding exactly <paramref name="bytes"/>.</summary>
    public static object FromBytes(Type t, byte[] bytes) => Generic(nameof(FromBytesOf), t).Invoke(null, [bytes])!;

    /// <summary>
    /// The byte offset and length of the field at <paramref name="path"/> (<c>in.d</c>) inside <paramref name="t"/>,
    /// measured: the field is set to all ones in a zeroed value, and the bytes that changed are returned.
    /// </summary>
    public static (long Offset, long Length) Measure(Type t, string path)
    {
        var parts = path.Split('.');
        var box = FromBytes(t, new byte[SizeOf(t)]);
        SetAlongPath(box, t, parts, 0);
        var bytes = Bytes(t, box);
        int first = Array.FindIndex(bytes, b => b != 0), last = Array.FindLastIndex(bytes, b => b != 0);
        return first < 0 ? (-1, 0) : (first, last - first + 1);
    }

    private static void SetAlongPath(object box, Type t, string[] parts, int i)
    {
        var f = Field(t, parts[i]);
        if (i == parts.Length - 1 && f.FieldType.IsPointer)
        {
            // A pointer field takes a boxed pointer: all ones.
            unsafe { f.SetValue(box, Pointer.Box((void*)~(nint)0, f.FieldType)); }
            return;
        }
        if (i == parts.Length - 1)
        {
            var ones = Enumerable.Repeat((byte)0xFF, (int)SizeOf(f.FieldType)).ToArray();
            f.SetValue(box, FromBytes(f.FieldType, ones));
            return;
        }
        var inner = f.GetValue(box)!;
        SetAlongPath(inner, f.FieldType, parts, i + 1);
        f.SetValue(box, inner);
    }

    public static FieldInfo Field(Type t, string name) =>
        t.GetField(name, BindingFlags.Public | BindingFlags.Instance) ?? throw new MissingFieldException(t.FullName, name);

    public static FieldInfo? TryField(Type t, string name) => t.GetField(name, BindingFlags.Public | BindingFlags.Instance);

    /// <summary>Reads the bitfield property at the end of <paramref name="path"/> from a value built from <paramref name="bytes"/>, as a long.</summary>
    public static long ReadBitfield(Type t, byte[] bytes, string path)
    {
        object box = FromBytes(t, bytes);
        var parts = path.Split('.');
        for (int i = 0; i < parts.Length - 1; i++)
        {
            var f = Field(t, parts[i]);
            box = f.GetValue(box)!;
            t = f.FieldType;
        }
        return AsLong(Property(t, parts[^1]).GetValue(box)!);
    }

    /// <summary>Writes <paramref name="value"/> (converted as C converts it to the member's type) into the bitfield at <paramref name="path"/> of a boxed value.</summary>
    public static void WriteBitfield(object box, Type t, string path, long value)
    {
        var parts = path.Split('.');
        if (parts.Length > 1)
        {
            var f = Field(t, parts[0]);
            var inner = f.GetValue(box)!;
            WriteBitfield(inner, f.FieldType, string.Join('.', parts[1..]), value);
            f.SetValue(box, inner);
            return;
        }
        var p = Property(t, path);
        p.SetValue(box, Convert(p.PropertyType, value));
    }

    public static PropertyInfo Property(Type t, string name) =>
        t.GetProperty(name, BindingFlags.Public | BindingFlags.Instance) ?? throw new MissingMemberException(t.FullName, name);

    // C's conversion of a long long to the member's type: modulo for integers, != 0 for _Bool.
    private static object Convert(Type t, long v)
    {
        if (t.IsEnum) return Enum.ToObject(t, Convert(Enum.GetUnderlyingType(t), v));
        return t == typeof(bool) ? v != 0
            : t == typeof(sbyte) ? (sbyte)v : t == typeof(byte) ? (byte)v
            : t == typeof(short) ? (short)v : t == typeof(ushort) ? (ushort)v
            : t == typeof(int) ? (int)v : t == typeof(uint) ? (uint)v
            : t == typeof(long) ? v : t == typeof(ulong) ? (object)(ulong)v
            : throw new ArgumentException($"not an integer type: {t}", nameof(t));
    }

    /// <summary>An integer, bool or enum value as C's <c>(long long)</c> of it.</summary>
    public static long AsLong(object v) => v switch
    {
        bool b => b ? 1 : 0,
        Enum e => AsLong(System.Convert.ChangeType(e, Enum.GetUnderlyingType(e.GetType()), System.Globalization.CultureInfo.InvariantCulture)),
        sbyte x => x, byte x => x, short x => x, ushort x => x, int x => x, uint x => x, long x => x, ulong x => (long)x,
        _ => throw new ArgumentException($"not an integer: {v.GetType()}", nameof(v)),
    };

    private static MethodInfo Generic(string name, Type t) =>
        typeof(CompiledAssembly).GetMethod(name, BindingFlags.Public | BindingFlags.Static)!.MakeGenericMethod(t);

    public static int SizeOfOf<T>() => Unsafe.SizeOf<T>();

    public static byte[] BytesOf<T>(object box) where T : struct
    {
        var v = (T)box;
        return MemoryMarshal.AsBytes(new ReadOnlySpan<T>(ref v)).ToArray();
    }

    public static object FromBytesOf<T>(byte[] bytes) where T : struct => MemoryMarshal.Read<T>(bytes);
}
