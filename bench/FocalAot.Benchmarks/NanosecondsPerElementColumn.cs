using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace FocalAot.Benchmarks;

/// <summary>The mean time divided by the benchmark's <c>N</c> parameter: nanoseconds per element.</summary>
internal sealed class NanosecondsPerElementColumn : IColumn
{
    public string Id => nameof(NanosecondsPerElementColumn);

    public string ColumnName => "ns/elem";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Mean time per element (Mean / N), in nanoseconds";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var n = benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == "N")?.Value;
        var statistics = summary[benchmarkCase]?.ResultStatistics;
        if (n is not int count || count <= 0 || statistics is null)
            return "-";
        return (statistics.Mean / count).ToString("0.000", System.Globalization.CultureInfo.InvariantCulture);
    }

    public override string ToString() => ColumnName;
}
