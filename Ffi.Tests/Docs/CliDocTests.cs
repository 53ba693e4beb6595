using System.Text;
using System.Text.RegularExpressions;

namespace Ffi.Tests.Docs;

/// <summary>
/// The <c>ffi</c> commands shown in docs/cli.md and README.md, run as written: every <c>$ ffi …</c> line of the page's
/// <c>sh</c> blocks (and README's <c>dotnet run --project Ffi.Demo -- …</c> lines), with the shell's quoting, and the
/// output the page shows after it (README: in the trailing comment). A <c>…</c> in the shown output stands for text that
/// differs per run (addresses).
/// </summary>
[TestFixture]
public sealed class CliDocTests
{
    private const string DotnetRun = "dotnet run --project Ffi.Demo -- ";

    public static IEnumerable<TestCaseData> Commands()
    {
        var page = DocText.Read("docs/cli.md");
        foreach (var block in DocText.Blocks(page, "sh"))
        {
            var lines = block.Split('\n');
            for (int i = 0; i < lines.Length; i++)
            {
                if (!lines[i].StartsWith("$ ", StringComparison.Ordinal)) continue;
                var shown = lines.Skip(i + 1).TakeWhile(l => !l.StartsWith("$ ", StringComparison.Ordinal) && l.Length > 0).ToList();
                var (command, comment) = SplitComment(lines[i][2..]);
                yield return new TestCaseData(command, shown, comment).SetName($"docs/cli.md: {Truncate(command)}");
            }
        }
        foreach (var block in DocText.Blocks(DocText.Read("README.md"), "sh"))
            foreach (var line in block.Split('\n').Where(l => l.Contains(DotnetRun, StringComparison.Ordinal) && l.Contains(" -- ", StringComparison.Ordinal)))
            {
                var (command, comment) = SplitComment(line);
                var shown = comment.StartsWith('{') || Regex.IsMatch(comment, @"^-?\d+$") ? new List<string> { comment } : [];
                yield return new TestCaseData(command.Replace(DotnetRun, "ffi ", StringComparison.Ordinal), shown, comment).SetName($"README.md: {Truncate(command)}");
            }
    }

    [TestCaseSource(nameof(Commands))]
    public void TheCommandPrintsWhatThePageShows(string command, List<string> shown, string comment)
    {
        string stdin = "";
        if (command.Split(" | ") is [var producer, var consumer])
        {
            var words = Words(producer);
            stdin = words[0] switch
            {
                "printf" when words[1] == "%s\\n" => string.Join('\n', words.Skip(2)) + "\n",
                "echo" => string.Join(' ', words.Skip(1)) + "\n",
                _ => throw new InvalidOperationException($"the test cannot run the producer \"{producer}\""),
            };
            command = consumer;
        }
        var args = Words(command);
        Assert.That(args[0], Is.EqualTo("ffi"), command);
        args = args.Skip(1).Select(a => a.StartsWith("examples/", StringComparison.Ordinal) ? Path.Combine(DocText.RepositoryRoot, a) : a).ToList();

        var (code, stdout, stderr) = Cli.InProcessCli.Run([.. args], stdin);

        var exit = Regex.Match(comment, @"exit code (\d)");
        Assert.That(code, Is.EqualTo(exit.Success ? int.Parse(exit.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0), stderr);
        if (shown.Count == 0) return;
        var printed = (stdout + stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(printed, Has.Length.EqualTo(shown.Count), string.Join('\n', printed));
        for (int i = 0; i < shown.Count; i++)
            Assert.That(printed[i], Does.Match("^" + string.Join(".*?", shown[i].Split('…').Select(Regex.Escape)) + "$"), $"line {i + 1} of {command}");
    }

    [Test]
    public void ThePagesShowCommands() =>
        Assert.That(Commands().Count(), Is.GreaterThanOrEqualTo(12), "the extraction found the pages' commands");

    // "CMD   # comment": the comment is the shown output (README) or a note ("exit code 1: …").
    private static (string Command, string Comment) SplitComment(string line)
    {
        var m = Regex.Match(line, @"^(.*?)\s+#\s+(.*)$");
        return m.Success && !InsideQuotes(line, m.Groups[1].Length) ? (m.Groups[1].Value.Trim(), m.Groups[2].Value.Trim()) : (line.Trim(), "");
    }

    private static bool InsideQuotes(string line, int index) => line[..index].Count(c => c == '\'') % 2 == 1;

    // The shell's words: single quotes keep everything, double quotes keep all but \" and \\, backslash escapes outside.
    private static List<string> Words(string command)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        bool inWord = false;
        for (int i = 0; i < command.Length; i++)
        {
            char c = command[i];
            if (char.IsWhiteSpace(c))
            {
                if (inWord) words.Add(word.ToString());
                word.Clear();
                inWord = false;
                continue;
            }
            inWord = true;
            if (c == '\'')
            {
                int end = command.IndexOf('\'', i + 1);
                word.Append(command, i + 1, end - i - 1);
                i = end;
            }
            else if (c == '"')
            {
                for (i++; command[i] != '"'; i++)
                    word.Append(command[i] == '\\' && command[i + 1] is '"' or '\\' ? command[++i] : command[i]);
            }
            else if (c == '\\') word.Append(command[++i]);
            else word.Append(c);
        }
        if (inWord) words.Add(word.ToString());
        return words;
    }

    private static string Truncate(string s) => s.Length <= 70 ? s : s[..67] + "...";
}
