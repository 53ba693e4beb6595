using System.Text;
using System.Text.Json;
using Ffi.Demo.Compile;

namespace Ffi.Tests.Cli;

/// <summary>
/// <see cref="JsonPathLocator"/>: every path form the spec reader and the compiler write, and seeded random documents
/// whose writer records where it put each value (line and column counted while writing, not by the locator).
/// </summary>
[TestFixture]
public sealed class JsonPathLocatorTests
{
    private const string Spec = """
        {
          // a comment, as the spec reader allows
          "version": "1", "lib": "libz.so.1",
          "types": {
            "point": {"kind": "struct", "fields": [
              {"name": "x", "type": "int"},
              {"name": "y", "type": "flaot", "bits": 3}
            ]},
            "2d-point": {"kind": "struct", "fields": []},
            "a.b": {"kind": "pointer", "to": {"kind": "array", "of": "int", "len": 2}},
            "a": "int",
            "cb": {"kind": "funcptr", "ret": "void", "params": ["int", "point"]}
          },
          "functions": [
            {"name": "f", "ret": "int", "params": []},
            {"name": "crc32", "ret": "ulong", "params": ["ulong", {"kind": "pointer", "to": "uint8"}, "uint"], "trivial": true}
          ],
          "variables": [ {"name": "zlib_flags", "type": "ulong"} ],
          "constants": {"Z_OK": 0}
        }
        """;

    private static (int, int) At(string needle, int occurrence = 1)
    {
        int at = -1;
        for (int i = 0; i < occurrence; i++) at = Spec.IndexOf(needle, at + 1, StringComparison.Ordinal);
        var before = Spec[..at];
        return (before.Count(c => c == '\n') + 1, at - (before.LastIndexOf('\n') + 1) + 1);
    }

    private static (int Line, int Column)? Locate(string path) => JsonPathLocator.Locate(Encoding.UTF8.GetBytes(Spec), path);

    [Test]
    public void PathsOfTheSpecReaderAndTheCompiler()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Locate("$"), Is.EqualTo(At("{")));
            Assert.That(Locate("version"), Is.EqualTo(At("\"1\"")));
            Assert.That(Locate("types.point"), Is.EqualTo(At("{\"kind\": \"struct\"")));
            Assert.That(Locate("types.point.fields[1].type"), Is.EqualTo(At("\"flaot\"")));
            Assert.That(Locate("types.point.fields[1].bits"), Is.EqualTo(At("3}")));
            Assert.That(Locate("types.point.fields[1] (y)"), Is.EqualTo(At("{\"name\": \"y\"")));
            Assert.That(Locate("types[\"2d-point\"]"), Is.EqualTo(At("{\"kind\": \"struct\", \"fields\": []}")));
            Assert.That(Locate("types.2d-point"), Is.EqualTo(At("{\"kind\": \"struct\", \"fields\": []}")));
            Assert.That(Locate("types.a.b"), Is.EqualTo(At("{\"kind\": \"pointer\"")), "the longest key: a type named a.b");
            Assert.That(Locate("types.a.b*"), Is.EqualTo(At("{\"kind\": \"array\"")));
            Assert.That(Locate("types.a.b*[]"), Is.EqualTo(At("\"int\", \"len\"")));
            Assert.That(Locate("types.a"), Is.EqualTo(At("\"int\",\n")));
            Assert.That(Locate("types.cb.params[1]"), Is.EqualTo(At("\"point\"]")));
            Assert.That(Locate("types.cb.ret"), Is.EqualTo(At("\"void\"")));
            Assert.That(Locate("functions[1] (crc32)"), Is.EqualTo(At("{\"name\": \"crc32\"")));
            Assert.That(Locate("functions[1] (crc32): param[1]"), Is.EqualTo(At("{\"kind\": \"pointer\", \"to\": \"uint8\"}")));
            Assert.That(Locate("functions[1] (crc32): param[1].to"), Is.EqualTo(At("\"uint8\"")));
            Assert.That(Locate("functions[1] (crc32): trivial"), Is.EqualTo(At("true")));
            Assert.That(Locate("functions[0] (f): ret"), Is.EqualTo(At("\"int\", \"params\": []")));
            Assert.That(Locate("variables[0] (zlib_flags): type"), Is.EqualTo(At("\"ulong\"}")));
            Assert.That(Locate("constants.Z_OK"), Is.EqualTo(At("0}")));
            Assert.That(Locate("functions.crc32"), Is.EqualTo(At("{\"name\": \"crc32\"")), "an element by its name");
            Assert.That(Locate("functions.crc32: param[2]"), Is.EqualTo(At("\"uint\"]")));
            Assert.That(Locate("types.point.y"), Is.EqualTo(At("{\"name\": \"y\"")), "a field by its name");
            Assert.That(Locate("types.point.y.bits"), Is.EqualTo(At("3}")));
        });
    }

    [Test]
    public void APathThatGoesOnWhereTheJsonDoesNotStopsAtTheDeepestValue()
    {
        Assert.That(Locate("types.cb.params[1].fields[0]"), Is.EqualTo(At("\"point\"]")), "a name: the type is declared elsewhere");
        Assert.That(Locate("functions[7] (g)"), Is.EqualTo(At("[\n    {\"name\": \"f\"")), "no such element: the array");
        Assert.That(Locate("types.point (its inline type)"), Is.EqualTo(At("{\"kind\": \"struct\"")));
    }

    [TestCase("--namespace")]
    [TestCase("assembly name")]
    [TestCase("nosuchkey.x")]
    public void APathOutsideTheDocumentHasNoPosition(string path) => Assert.That(Locate(path), Is.Null);

    [Test]
    public void TextThatIsNotJsonHasNoPosition() =>
        Assert.That(JsonPathLocator.Locate("{\"a\": }"u8, "a"), Is.Null);

    [Test]
    public void ColumnsCountCharactersAndTheByteOrderMarkIsNoColumn()
    {
        var text = "\uFEFF{\"d\u00e9j\u00e0\": {\"\u00fcber\": [1, \"\u65e5\u672c\", 3]}}";
        var bytes = Encoding.UTF8.GetBytes(text);
        Assert.That(JsonPathLocator.Locate(bytes, "[\"d\u00e9j\u00e0\"][\"\u00fcber\"][2]"), Is.EqualTo((1, text.IndexOf('3', StringComparison.Ordinal))));
        Assert.That(JsonPathLocator.Locate(bytes, "$"), Is.EqualTo((1, 1)));
    }

    [Test]
    public void AReaderErrorPositionBecomesACharacterColumn()
    {
        var text = "{\n  \"caf\u00e9\": x\n}";
        var bytes = Encoding.UTF8.GetBytes(text);
        var ex = Assert.Catch<JsonException>(() => JsonDocument.Parse(bytes))!;
        Assert.That(JsonPathLocator.FromReaderPosition(bytes, ex), Is.EqualTo((2, 11)));
    }

    public static IEnumerable<int> Seeds => Enumerable.Range(1, 300);

    [TestCaseSource(nameof(Seeds))]
    public void RandomDocuments(int seed)
    {
        var writer = new RecordingWriter(new Random(seed));
        writer.Value("$", depth: 0);
        var bytes = Encoding.UTF8.GetBytes(writer.Text.ToString());
        foreach (var (path, line, column) in writer.Positions)
            Assert.That(JsonPathLocator.Locate(bytes, path), Is.EqualTo((line, column)), $"{path} in\n{writer.Text}");
    }

    // Writes random JSON with random spacing, newlines, comments and non-ASCII keys, and notes each value's path and the
    // line and column it starts at, as it writes it.
    private sealed class RecordingWriter(Random random)
    {
        private static readonly string[] Keys = ["a", "kind", "fields", "x_1", "T", "caf\u00e9", "two words", "2d", "a-b", "\u65e5\u672c", "q\"uote", "back\\slash"];

        public StringBuilder Text { get; } = new();
        public List<(string Path, int Line, int Column)> Positions { get; } = [];
        private int _line = 1, _column = 1;

        public void Value(string path, int depth)
        {
            Positions.Add((path, _line, _column));
            switch (depth < 4 ? random.Next(4) : 3)
            {
                case 0:
                    Put("{");
                    var keys = Keys.OrderBy(_ => random.Next()).Take(random.Next(5)).ToList();
                    for (int i = 0; i < keys.Count; i++)
                    {
                        if (i > 0) Put(",");
                        Space();
                        Put(JsonSerializer.Serialize(keys[i]));
                        Space(comments: false); // Utf8JsonReader takes no comment between a name and its colon
                        Put(":");
                        Space();
                        Value(Child(path, keys[i]), depth + 1);
                    }
                    Space();
                    Put("}");
                    break;
                case 1:
                    Put("[");
                    int n = random.Next(5);
                    for (int i = 0; i < n; i++)
                    {
                        if (i > 0) Put(",");
                        Space();
                        Value($"{(path == "$" ? "" : path)}[{i}]", depth + 1);
                    }
                    Space();
                    Put("]");
                    break;
                case 2:
                    Put(JsonSerializer.Serialize("s\u00e9" + random.Next(100)));
                    break;
                default:
                    Put(random.Next(3) switch { 0 => "true", 1 => "null", _ => random.Next(-5, 1000).ToString(System.Globalization.CultureInfo.InvariantCulture) });
                    break;
            }
        }

        // As the spec reader writes paths: "key" at the root, ".key" for an identifier, ["key"] otherwise.
        private static string Child(string path, string key)
        {
            bool identifier = key.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') && !char.IsAsciiDigit(key[0]);
            var parent = path == "$" ? "" : path;
            return identifier ? (parent.Length == 0 ? key : $"{parent}.{key}") : $"{parent}[{JsonSerializer.Serialize(key)}]";
        }

        private void Space(bool comments = true)
        {
            switch (random.Next(6))
            {
                case 0: Put("\n"); break;
                case 1: Put("  "); break;
                case 2: Put(comments ? " /* c\u00f6mment */ " : " "); break;
                case 3: Put("\r\n\t"); break;
            }
        }

        private void Put(string s)
        {
            Text.Append(s);
            foreach (var rune in s.EnumerateRunes())
            {
                if (rune.Value == '\n')
                {
                    _line++;
                    _column = 1;
                }
                else _column++;
            }
        }
    }
}
