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
    // sorted by address, read as bytes and parsed by hand: line strings and the number parser's generic code were
    // a millisecond of the first Open (docs/benchmarks.md, cold start). Plain loops and out parameters, no generic
    // code over value types (a nullable tuple, Array.IndexOf of bytes), which the JIT would compile in every process.
    private static (ulong Start, ulong End)[] Read()
    {
        var text = File.ReadAllBytes("/proc/self/maps");
        var ranges = new (ulong Start, ulong End)[64];
        int count = 0;
        for (int at = 0; at < text.Length;)
        {
            int end = at;
            while (end < text.Length && text[end] != (byte)'\n') end++;
            if (Range(text, at, end, out ulong start, out ulong stop))
            {
                if (count == ranges.Length) ranges = Copy(ranges, count, count * 2);
                ranges[count++] = (start, stop);
            }
            at = end + 1;
        }
        return Copy(ranges, count, count);
    }

    // "START-END PERMS …" (the line is text[from..to]) with x in PERMS.
    private static bool Range(byte[] text, int from, int to, out ulong start, out ulong end)
    {
        start = end = 0;
        int dash = from, space;
        while (dash < to && text[dash] != (byte)'-') dash++;
        space = dash;
        while (space < to && text[space] != (byte)' ') space++;
        return dash > from && space > dash + 1 && space + 3 < to && text[space + 3] == (byte)'x'
            && Hex(text, from, dash, out start) && Hex(text, dash + 1, space, out end);
    }

    private static bool Hex(byte[] text, int from, int to, out ulong value)
    {
        value = 0;
        if (to - from > 16) return false;
        for (int i = from; i < to; i++)
        {
            byte b = text[i];
            int d = b switch
            {
                >= (byte)'0' and <= (byte)'9' => b - '0',
                >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
                _ => -1,
            };
            if (d < 0) return false;
            value = value << 4 | (uint)d;
        }
        return true;
    }

    private static (ulong Start, ulong End)[] Copy((ulong Start, ulong End)[] from, int count, int length)
    {
        var to = new (ulong Start, ulong End)[length];
        for (int i = 0; i < count; i++) to[i] = from[i];
        return to;
    }
}
