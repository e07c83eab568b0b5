using System.Globalization;

namespace FocalAot.Demo.Tests;

/// <summary>The demo and the study run end to end, small, and write what they promise.</summary>
[Collection(WholeProgramRuns.Name)]
public sealed class RunTests
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    [Theory]
    [InlineData("chart.png")]
    [InlineData("nested/chart.svg")]
    public void A_quick_demo_prints_every_method_and_writes_the_chart(string chart)
    {
        using var folder = new TemporaryDirectory();
        using var console = new TestConsole();
        var path = Path.Combine(folder.Path, chart);
        Assert.Equal(0, console.Run("--epochs", "2", "--samples", "20000", "--seed", "3", "--chart", path));

        foreach (var method in MethodCatalog.Demo)
            Assert.Contains($"│ {method.Name}", console.Output, StringComparison.Ordinal);
        Assert.Contains("Kernel cost", console.Output, StringComparison.Ordinal);
        Assert.Contains($"Reliability chart: {path}", console.Output, StringComparison.Ordinal);
        AssertChart(path);
    }

    [Fact]
    public void A_quick_study_writes_the_csv_the_summary_and_every_chart_with_metrics_in_range()
    {
        using var folder = new TemporaryDirectory();
        using var console = new TestConsole();
        Assert.Equal(0, console.Run("--study", "--quick", "--out", folder.Path));

        foreach (var chart in new[] { "reliability-1to100", "metric-vs-gamma" })
        {
            AssertChart(Path.Combine(folder.Path, chart + ".png"));
            AssertChart(Path.Combine(folder.Path, chart + ".svg"));
        }

        var summary = File.ReadAllText(Path.Combine(folder.Path, "summary.md"));
        foreach (var heading in new[] { "## Loss kernel cost", "## 1:10\n", "## 1:100\n", "## 1:1000\n", "imbalanced-learn" })
            Assert.Contains(heading, summary, StringComparison.Ordinal);

        var rows = ReadCsv(Path.Combine(folder.Path, "study.csv"));
        var plan = StudyPlan.Quick(2017, null);
        Assert.Equal(plan.RunCount * 2, rows.Count);
        Assert.Equal(MethodCatalog.Study.Select(method => method.Name).Order(), rows.Select(row => row["method"]).Distinct().Order());
        foreach (var row in rows)
        {
            foreach (var column in new[] { "recall", "precision", "f1", "balanced_accuracy", "average_precision", "roc_auc", "ece", "brier" })
                Assert.InRange(Number(row, column), 0, 1);
            Assert.InRange(Number(row, "nll"), 0, 40);
            Assert.InRange(Number(row, "temperature_applied"), 1e-3, 1e3);
            Assert.InRange(Number(row, "kernel_ms_per_epoch"), 1e-6, Number(row, "step_ms_per_epoch"));
        }

        Assert.Contains("focal kernel is", console.Output, StringComparison.Ordinal);
    }

    private static void AssertChart(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 20_000, $"{path} holds only {bytes.Length} bytes");
        if (path.EndsWith(".png", StringComparison.Ordinal))
            Assert.Equal(PngSignature, bytes[..PngSignature.Length]);
        else
            Assert.Contains("<svg", File.ReadAllText(path), StringComparison.Ordinal);
    }

    private static double Number(Dictionary<string, string> row, string column)
    {
        var value = double.Parse(row[column], CultureInfo.InvariantCulture);
        Assert.True(double.IsFinite(value), $"{column} is {row[column]} for {row["method"]}");
        return value;
    }

    /// <summary>The rows as column → value; method names are the only quoted fields.</summary>
    private static List<Dictionary<string, string>> ReadCsv(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        return [.. lines.Skip(1).Select(line => header.Zip(SplitFields(line)).ToDictionary(pair => pair.First, pair => pair.Second))];
    }

    private static IEnumerable<string> SplitFields(string line)
    {
        var field = new System.Text.StringBuilder();
        var quoted = false;
        foreach (var character in line)
        {
            if (character == '"')
                quoted = !quoted;
            else if (character == ',' && !quoted)
            {
                yield return field.ToString();
                field.Clear();
            }
            else
                field.Append(character);
        }

        yield return field.ToString();
    }
}
