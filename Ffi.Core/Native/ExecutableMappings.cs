using System.Globalization;

namespace Ffi.Native;

/// <summary>
/// Whether an address lies in executable memory, from the process's mappings (<c>/proc/self/maps</c>). A symbol
/// declared as a function whose address is not executable is data (<c>int counter;</c> declared
/// <c>"functions": [{ "name": "counter", … }]</c>): calling it would jump into data, so binding refuses it.
/// </summary>
/// <remarks>
/// The ranges are read once and read again only when an address is not found in them (a library loaded since), so
/// binding a spec of many functions reads the file about once. Safe to use from many threads.
/// </remarks>
internal static class ExecutableMappings
{
    private static (ulong Start, ulong End)[]? _ranges;

    /// <summary>Whether <paramref name="address"/> is in an executable mapping.</summary>
    public static bool IsExecutable(nint address)
    {
        if (Contains(Volatile.Read(ref _ranges), (ulong)address)) return true;
        var fresh = Read();
        Volatile.Write(ref _ranges, fresh);
        return Contains(fresh, (ulong)address);
    }

    private static bool Contains((ulong Start, ulong End)[]? ranges, ulong address)
    {
        if (ranges is null) return false;
        int lo = 0, hi = ranges.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (address < ranges[mid].Start) hi = mid - 1;
            else if (address >= ranges[mid].End) lo = mid + 1;
            else return true;
        }
        return false;
    }

    // Lines such as "7f3a1c200000-7f3a1c3a5000 r-xp 00028000 08:01 1234  /usr/lib/x86_64-linux-gnu/libc.so.6",
    // sorted by address. An array grown by hand, not a List of tuples: that is generic code over a value type, which
    // the JIT compiles when the first module opens (docs/benchmarks.md, cold start).
    private static (ulong Start, ulong End)[] Read()
    {
        var ranges = new (ulong Start, ulong End)[64];
        int count = 0;
        foreach (var line in File.ReadLines("/proc/self/maps"))
        {
            int dash = line.IndexOf('-'), space = line.IndexOf(' ');
            if (dash < 0 || space < dash || space + 3 >= line.Length || line[space + 3] != 'x') continue;
            if (count == ranges.Length) ranges = Copy(ranges, count, count * 2);
            ranges[count++] = (ulong.Parse(line.AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                ulong.Parse(line.AsSpan(dash + 1, space - dash - 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        }
        return Copy(ranges, count, count);
    }

    private static (ulong Start, ulong End)[] Copy((ulong Start, ulong End)[] from, int count, int length)
    {
        var to = new (ulong Start, ulong End)[length];
        for (int i = 0; i < count; i++) to[i] = from[i];
        return to;
    }
}
