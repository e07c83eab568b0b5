using System.Runtime.InteropServices;

namespace FocalAot.Demo.Tests;

/// <summary>README's demo table is what the demo prints with its defaults, so a change to the numerics cannot leave it stale.</summary>
[Collection(WholeProgramRuns.Name)]
public sealed class ReadmeTableTests
{
    private const string Separator = "│";

    /// <summary>
    /// The method and metric columns of every row (the kernel cost is a timing). They are the same bits on x64 with FMA at
    /// any SIMD width; without FMA (x86-64-v2, <c>DOTNET_EnableAVX2=0</c>) the MLP and the kernels multiply and add in two
    /// roundings, and the metrics differ from README's run.
    /// </summary>
    [Fact]
    public void README_shows_the_metrics_the_demo_prints_with_its_defaults()
    {
        Assert.SkipUnless(
            RuntimeInformation.ProcessArchitecture == Architecture.X64 && FocalRuntime.FusedMultiplyAdd,
            "README's run is from x64 with FMA; other multiply-adds give other metrics");
        using var folder = new TemporaryDirectory();
        using var console = new TestConsole();
        Assert.Equal(0, console.Run("--chart", Path.Combine(folder.Path, "chart.png")));

        var readme = MetricRows(ReadmeDemoSection());
        Assert.Equal(MethodCatalog.Demo.Count, readme.Count);
        Assert.Equal(readme, MetricRows(console.Output));
    }

    /// <summary>Each table row's method and metrics, one string per row, from the rows that name a demo method.</summary>
    private static List<string> MetricRows(string text)
    {
        var methods = MethodCatalog.Demo.Select(method => method.Name).ToHashSet();
        return [.. text.Split('\n')
            .Select(line => line.Split(Separator, StringSplitOptions.TrimEntries))
            .Where(cells => cells.Length == 9 && methods.Contains(cells[1]))
            .Select(cells => string.Join(" | ", cells[1..7]))];
    }

    /// <summary>README's text from "## The demo" to the next section.</summary>
    private static string ReadmeDemoSection()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        var start = readme.IndexOf("\n## The demo\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "README has no \"## The demo\" section");
        var end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        return readme[start..(end < 0 ? readme.Length : end)];
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "FocalAot.sln")))
                return folder.FullName;
        }

        throw new InvalidOperationException($"No FocalAot.sln above {AppContext.BaseDirectory}.");
    }
}
