using System.Globalization;
using System.Text;
using Ffi.Tests.Oracle;

namespace Ffi.Tests.Compile;

/// <summary>
/// What gcc reads from and writes into bitfields, to hold the compiled properties against. For each case, a value of
/// the type is filled with a seeded byte pattern; C prints every bitfield as <c>(long long)x.path</c>
/// (<c>R NAME.path VALUE</c>), then assigns each bitfield a seeded 64-bit value in order and prints the bytes
/// (<c>W NAME HEX</c>). <see cref="Pattern"/> and <see cref="Values"/> give the test the same inputs.
/// </summary>
internal static class BitfieldOracle
{
    public static byte[] Pattern(string name, long size)
    {
        var rng = new Random(Seed(name));
        var bytes = new byte[size];
        rng.NextBytes(bytes);
        return bytes;
    }

    public static long[] Values(string name, int count)
    {
        var rng = new Random(Seed(name) ^ 0x5bd1e995);
        return Enumerable.Range(0, count).Select(_ => rng.NextInt64(long.MinValue, long.MaxValue)).ToArray();
    }

    public static Dictionary<string, string> AskGcc(IReadOnlyList<LayoutCase> cases, IReadOnlyDictionary<string, long> sizes, string prelude)
    {
        var c = new StringBuilder("#include <stdio.h>\n#include <string.h>\n#include <stdint.h>\n#include <stdbool.h>\n#include <sys/types.h>\n");
        c.AppendLine(prelude);
        foreach (var k in cases) c.AppendLine(k.CDecl);
        c.AppendLine("int main(void) {");
        foreach (var k in cases)
        {
            var bits = k.Members.Where(m => m.IsBitfield).Select(m => m.Path).ToList();
            if (bits.Count == 0) continue;
            var pattern = Pattern(k.Name, sizes[k.Name]);
            c.AppendLine(CultureInfo.InvariantCulture, $"  {{ static {k.Name} x; static const unsigned char p[] = {{ {string.Join(",", pattern.Select(b => b.ToString(CultureInfo.InvariantCulture)))} }};");
            c.AppendLine("    memcpy(&x, p, sizeof x);");
            foreach (var path in bits)
                c.AppendLine(CultureInfo.InvariantCulture, $"    printf(\"R {k.Name}.{path} %lld\\n\", (long long)x.{path});");
            var values = Values(k.Name, bits.Count);
            for (int i = 0; i < bits.Count; i++)
                c.AppendLine(CultureInfo.InvariantCulture, $"    x.{bits[i]} = (long long)0x{(ulong)values[i]:x}ULL;");
            c.AppendLine(CultureInfo.InvariantCulture, $"    printf(\"W {k.Name} \"); for (size_t i = 0; i < sizeof x; i++) printf(\"%02x\", ((unsigned char *)&x)[i]); printf(\"\\n\"); }}");
        }
        c.AppendLine("  return 0;\n}");
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in Gcc.CompileAndRun(c.ToString(), "ctypes-bits").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ', 3);
            d[parts[0] + " " + parts[1]] = parts.Length > 2 ? parts[2] : "";
        }
        return d;
    }

    private static int Seed(string name) => name.Aggregate(17, (h, ch) => unchecked(h * 31 + ch));
}
