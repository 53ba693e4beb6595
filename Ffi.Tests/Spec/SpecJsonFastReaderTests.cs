using System.Text;
using System.Text.Json;
using Ffi.Spec;

namespace Ffi.Tests.Spec;

/// <summary>
/// The fast JSON reader the spec reader tries first gives exactly the values <see cref="Utf8JsonReader"/> gives for
/// every document it accepts, and hands everything outside its subset (and every error) to the full reader.
/// </summary>
[TestFixture]
public sealed class SpecJsonFastReaderTests
{
    [TestCase("{\"a\": 1, // comment\n \"b\": 2}")]
    [TestCase("{\"a\": \"\\ud800\"}")]
    [TestCase("{\"a\": \"\\ud83d\\ude00\"}")]
    [TestCase("{\"a\": \"\\x\"}")]
    [TestCase("{\"a\": \"\\u12\"}")]
    [TestCase("[1.5]")]
    [TestCase("[1e3]")]
    [TestCase("[1,]")]
    [TestCase("{\"a\":1,}")]
    [TestCase("[01]")]
    [TestCase("[9223372036854775808]")]
    [TestCase("[-9223372036854775809]")]
    [TestCase("[tru]")]
    [TestCase("[truex]")]
    [TestCase("[\"tab\there\"]")]
    [TestCase("{\"a\" 1}")]
    [TestCase("[1] 2")]
    [TestCase("")]
    [TestCase("[")]
    public void OutsideTheSubsetTheFullReaderDecides(string json) =>
        Assert.That(SpecJsonFastReader.TryParse(Encoding.UTF8.GetBytes(json), 256), Is.Null);

    [Test]
    public void DepthAtTheLimitGoesToTheFullReader()
    {
        var deep = Encoding.UTF8.GetBytes(new string('[', 300) + new string(']', 300));
        Assert.That(SpecJsonFastReader.TryParse(deep, 256), Is.Null);
        Assert.That(() => SpecJsonFullReader.ParseWithReader(deep), Throws.InstanceOf<JsonException>());
        var shallow = Encoding.UTF8.GetBytes(new string('[', 100) + new string(']', 100));
        Assert.That(SpecJsonFastReader.TryParse(shallow, 256), Is.Not.Null);
    }

    [TestCase("[-9223372036854775808, 9223372036854775807, -0, 0, 7]")]
    [TestCase("{\"h\u00e9llo\": [true, false, null, {}, []], \"\": \"\"}")]
    [TestCase(" \r\n\t{\"dup\": 1, \"dup\": 2} \n")]
    [TestCase("[\"x\\ny\\t\\\"q\\\\ \\/ \\b\\f\\r \\u00e9\\u4E2D end\", \"\\u0000\"]")]
    public void AcceptedDocumentsEqualTheFullReader(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        Assert.That(SpecJsonFastReader.TryParse(bytes, 256), Is.Not.Null, "in the subset");
        AssertSame(bytes);
    }

    [Test]
    public void ShortPlainStringsAreSharedAndLongOrEscapedOnesAreNot()
    {
        var longText = new string('x', 40);
        var bytes = Encoding.UTF8.GetBytes($"[{{\"ret\": \"int\"}}, {{\"ret\": \"int\"}}, \"{longText}\", \"{longText}\", \"a\\nb\", \"a\\nb\"]");
        var items = SpecJsonFastReader.TryParse(bytes, 256)!.Items;
        Assert.That(items[0].Keys, Is.SameAs(items[1].Keys), "one key array per key sequence");
        Assert.That(items[0].Items[0], Is.SameAs(items[1].Items[0]), "one node per short plain value");
        Assert.That(items[2], Is.Not.SameAs(items[3]));
        Assert.That(items[3].GetString(), Is.EqualTo(longText));
        Assert.That(items[4], Is.Not.SameAs(items[5]));
        Assert.That(items[5].GetRawText(), Is.EqualTo("\"a\\nb\""));
        AssertSame(bytes);
    }

    [Test]
    public void TheExampleSpecsReadTheSameBothWays()
    {
        var dir = Path.Combine(Docs.DocText.RepositoryRoot, "examples");
        var files = Directory.GetFiles(dir, "*.json");
        Assert.That(files, Is.Not.Empty);
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(file);
            Assert.That(SpecJsonFastReader.TryParse(bytes, 256), Is.Not.Null, $"{file} is plain JSON and should take the fast path");
            AssertSame(bytes);
        }
    }

    [Test]
    public void SeededRandomDocumentsReadTheSameBothWays([Values(1, 2, 3)] int seed)
    {
        var random = new Random(seed);
        int fast = 0;
        for (int i = 0; i < 300; i++)
        {
            var bytes = Encoding.UTF8.GetBytes(RandomValue(random, 0));
            if (SpecJsonFastReader.TryParse(bytes, 256) is not null) fast++;
            AssertSame(bytes);
        }
        Assert.That(fast, Is.GreaterThan(100), "most random documents are in the subset");
    }

    // Both readers on `utf8`: the same tree when the fast one accepts it.
    private static void AssertSame(byte[] utf8)
    {
        var fast = SpecJsonFastReader.TryParse(utf8, 256);
        if (fast is null) return;
        var full = SpecJsonFullReader.ParseWithReader(utf8);
        AssertEqual(fast, full, "$");
    }

    private static void AssertEqual(SpecJson a, SpecJson b, string path)
    {
        Assert.That(a.ValueKind, Is.EqualTo(b.ValueKind), path);
        Assert.That(a.GetRawText(), Is.EqualTo(b.GetRawText()), path);
        Assert.That(a.TryGetInt64(out long x), Is.EqualTo(b.TryGetInt64(out long y)), path);
        Assert.That(x, Is.EqualTo(y), path);
        if (a.ValueKind == SpecJsonKind.String) Assert.That(a.GetString(), Is.EqualTo(b.GetString()), path);
        Assert.That(a.Items, Has.Length.EqualTo(b.Items.Length), path);
        for (int i = 0; i < a.Items.Length; i++) AssertEqual(a.Items[i], b.Items[i], a.ValueKind == SpecJsonKind.Object ? $"{path}.{a.Keys[i]}" : $"{path}[{i}]");
        Assert.That(a.Keys, Is.EqualTo(b.Keys), path);
    }

    private static readonly string[] Words = ["int", "x", "h\u00e9", "\u4e2d\u6587", "", "a b", "tab\\t", "q\\\"", "\\u0041", "\u007f"];
    private static readonly string[] Numbers = ["0", "-1", "42", "9223372036854775807", "-9223372036854775808", "1.5", "1e2", "-0"];

    private static string RandomValue(Random random, int depth)
    {
        string Ws() => random.Next(4) switch { 0 => "", 1 => " ", 2 => "\n  ", _ => "\t" };
        int pick = depth > 4 ? random.Next(4) : random.Next(7);
        return pick switch
        {
            0 => "\"" + Words[random.Next(Words.Length)] + "\"",
            1 => Numbers[random.Next(Numbers.Length)],
            2 => random.Next(3) switch { 0 => "true", 1 => "false", _ => "null" },
            3 => "\"" + Words[random.Next(Words.Length)] + random.Next(100) + "\"",
            4 or 5 => "{" + Ws() + string.Join("," + Ws(), Enumerable.Range(0, random.Next(4))
                .Select(i => "\"" + Words[random.Next(Words.Length)] + i + "\"" + Ws() + ":" + Ws() + RandomValue(random, depth + 1))) + Ws() + "}",
            _ => "[" + Ws() + string.Join("," + Ws(), Enumerable.Range(0, random.Next(4)).Select(_ => RandomValue(random, depth + 1))) + Ws() + "]",
        };
    }
}
