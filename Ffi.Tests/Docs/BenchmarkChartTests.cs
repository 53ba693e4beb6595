using System.Diagnostics;
using System.Xml.Linq;

namespace Ffi.Tests.Docs;

/// <summary>
/// scripts/benchmark-chart.py: run on the committed CSV files into a temporary folder, it writes well-formed SVG with one
/// bar per row; and the committed charts are the ones the committed data makes.
/// </summary>
[TestFixture]
public sealed class BenchmarkChartTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static int DataRows(string csv) =>
        File.ReadAllLines(Path.Combine(DocText.RepositoryRoot, "docs", "data", csv)).Count(l => l.Trim().Length > 0 && !l.StartsWith('#')) - 1;

    private static string RunScript(string outDir)
    {
        var psi = new ProcessStartInfo("python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(DocText.RepositoryRoot, "scripts", "benchmark-chart.py"));
        psi.ArgumentList.Add("--out");
        psi.ArgumentList.Add(outDir);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        Assert.That(p.ExitCode, Is.Zero, stderr.Result);
        return stdout.Result;
    }

    [Test]
    public void TheScriptDrawsOneBarPerRow()
    {
        var dir = Directory.CreateTempSubdirectory("ffi-charts-").FullName;
        try
        {
            RunScript(dir);
            foreach (var (svg, csv) in new[] { ("benchmarks-calls.svg", "calls.csv"), ("benchmarks-callbacks.svg", "callbacks.csv") })
            {
                var doc = XDocument.Load(Path.Combine(dir, svg));   // throws on malformed XML
                Assert.That(doc.Root!.Name, Is.EqualTo(Svg + "svg"));
                var bars = doc.Descendants(Svg + "rect").Where(r => (string?)r.Attribute("class") == "bar").ToList();
                Assert.That(DataRows(csv), Is.GreaterThan(0), csv);
                Assert.That(bars, Has.Count.EqualTo(DataRows(csv)), svg);
                Assert.That(bars.Select(b => double.Parse((string)b.Attribute("width")!, System.Globalization.CultureInfo.InvariantCulture)),
                    Has.All.GreaterThan(0), svg);

                // The committed chart is the one the committed data makes (regenerate after editing the CSV).
                Assert.That(File.ReadAllText(Path.Combine(DocText.RepositoryRoot, "docs", svg)), Is.EqualTo(File.ReadAllText(Path.Combine(dir, svg))),
                    $"docs/{svg} is out of date: run python3 scripts/benchmark-chart.py");
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void TheBenchmarksPageShowsBothCharts()
    {
        var page = DocText.Read("docs/benchmarks.md");
        Assert.That(page, Does.Contain("](benchmarks-calls.svg)").And.Contain("](benchmarks-callbacks.svg)").And.Contain("python3 scripts/benchmark-chart.py"));
    }
}
