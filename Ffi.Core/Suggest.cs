namespace Ffi;

/// <summary>"Did you mean" hints for misspelt names: the closest known names by edit distance.</summary>
internal static class Suggest
{
    /// <summary><c> (did you mean "uint8_t"?)</c>, or empty when nothing is close.</summary>
    public static string DidYouMean(string name, IEnumerable<string> known)
    {
        var near = Nearest(name, known, 3);
        return near.Count switch
        {
            0 => "",
            1 => $" (did you mean \"{near[0]}\"?)",
            _ => $" (did you mean {string.Join(", ", near.Take(near.Count - 1).Select(n => $"\"{n}\""))} or \"{near[^1]}\"?)",
        };
    }

    /// <summary>Up to <paramref name="count"/> names within a third of <paramref name="name"/>'s length in edits, closest first.</summary>
    public static List<string> Nearest(string name, IEnumerable<string> known, int count)
    {
        int limit = Math.Max(1, Math.Min(3, (name.Length + 2) / 3));
        return known.Distinct(StringComparer.Ordinal)
            .Select(k => (k, d: Distance(name.ToLowerInvariant(), k.ToLowerInvariant())))
            .Where(x => x.d <= limit && x.k != name)
            .OrderBy(x => x.d).ThenBy(x => x.k, StringComparer.Ordinal)
            .Take(count).Select(x => x.k).ToList();
    }

    private static int Distance(string a, string b)
    {
        if (Math.Abs(a.Length - b.Length) > 3) return int.MaxValue;
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) prev[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (int j = 1; j <= b.Length; j++)
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }
}
