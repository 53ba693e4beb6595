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
    private static (ulong Start, ulong End)[] _ranges = [];

    /// <summary>Whether <paramref name="address"/> is in an executable mapping.</summary>
    public static bool IsExecutable(nint address)
    {
        if (Contains(Volatile.Read(ref _ranges), (ulong)address)) return true;
        var fresh = Read();
        Volatile.Write(ref _ranges, fresh);
        return Contains(fresh, (ulong)address);
    }

    private static bool Contains((ulong Start, ulong End)[] ranges, ulong address)
    {
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
    // sorted by address.
    private static (ulong Start, ulong End)[] Read()
    {
        var ranges = new List<(ulong, ulong)>();
        foreach (var line in File.ReadLines("/proc/self/maps"))
        {
            int dash = line.IndexOf('-'), space = line.IndexOf(' ');
            if (dash < 0 || space < dash || space + 3 >= line.Length || line[space + 3] != 'x') continue;
            ranges.Add((ulong.Parse(line.AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                ulong.Parse(line.AsSpan(dash + 1, space - dash - 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
        }
        return ranges.ToArray();
    }
}
