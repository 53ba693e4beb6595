using System.Text;

namespace Ffi.Spec;

// The sharing half of the fast reader: a spec repeats itself (every function has a "name", a "ret" and "params";
// most parameters are "int" or a few other names), so short plain strings, their nodes and whole key arrays are made
// once per document.
internal ref partial struct SpecJsonFastReader
{
    // The keys from `first` on, removed from the stack, as an array shared with every earlier object of the same keys.
    // Keys are shared strings, so comparing references compares them.
    private string?[] KeySet(int first)
    {
        int count = _keyStack.Count - first;
        foreach (var set in _keySets)
        {
            if (set.Length != count) continue;
            int i = 0;
            while (i < count && ReferenceEquals(set[i], _keyStack[first + i])) i++;
            if (i == count)
            {
                _keyStack.RemoveRange(first, count);
                return set;
            }
        }
        var keys = Take(_keyStack, first);
        if (_keySets.Count < MaxKeySets) _keySets.Add(keys);
        return keys;
    }

    // A key: shared when short and plain.
    private string? Key()
    {
        int start = _at + 1;
        if (Plain(start) is int end)
        {
            ref var slot = ref _keys[Slot(_text[start..end])];
            if (slot is null || !Same(slot, _text[start..end])) slot = Encoding.UTF8.GetString(_text[start..end]);
            _at = end + 1;
            return slot;
        }
        return String()?.Text;
    }

    // A string value: one node for every occurrence of a short plain string; the raw text is kept only when it differs
    // from the value's plain form (escapes).
    private SpecJson? StringValue()
    {
        int start = _at + 1;
        if (Plain(start) is int end)
        {
            ref var slot = ref _strings[Slot(_text[start..end])];
            if (slot is null || !Same(slot.GetString(), _text[start..end]))
                slot = new SpecJson(SpecJsonKind.String, null, Encoding.UTF8.GetString(_text[start..end]));
            _at = end + 1;
            return slot;
        }
        return String() is { } str ? new SpecJson(SpecJsonKind.String, str.Raw == str.Text ? null : "\"" + str.Raw + "\"", str.Text) : null;
    }

    // The closing quote of a string starting at `start` that is short, ASCII and free of escapes and control
    // characters, or null.
    private readonly int? Plain(int start)
    {
        int limit = Math.Min(_text.Length, start + SharedLength + 1);
        for (int i = start; i < limit; i++)
        {
            byte b = _text[i];
            if (b == '"') return i;
            if (b < 0x20 || b >= 0x80 || b == '\\') return null;
        }
        return null;
    }

    private static int Slot(ReadOnlySpan<byte> ascii)
    {
        uint hash = 2166136261;
        foreach (byte b in ascii) hash = (hash ^ b) * 16777619;
        return (int)(hash & (SharedSlots - 1));
    }

    private static bool Same(string text, ReadOnlySpan<byte> ascii)
    {
        if (text.Length != ascii.Length) return false;
        for (int i = 0; i < ascii.Length; i++)
            if (text[i] != ascii[i]) return false;
        return true;
    }
}
