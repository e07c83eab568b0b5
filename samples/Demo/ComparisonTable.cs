using System.Globalization;
using Spectre.Console;

namespace FocalAot.Demo;

/// <summary>One trained loss function's results on the test set.</summary>
internal sealed record RunOutcome(LossFunction Loss, TrainingResult Training, ClassifierQuality Quality);

/// <summary>The side-by-side table of test-set metrics and kernel throughput, one column per loss function.</summary>
internal static class ComparisonTable
{
    public static Table Build(IReadOnlyList<RunOutcome> runs)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("Test-set results");
        table.AddColumn("Metric");
        foreach (var run in runs)
            table.AddColumn(new TableColumn(Markup.Escape(run.Loss.Name)).RightAligned());

        var threshold = ClassifierMetrics.DecisionThreshold.ToString("0.0#", CultureInfo.InvariantCulture);
        AddRow(table, runs, $"Minority recall @ {threshold} ↑", run => Ratio(run.Quality.Recall));
        AddRow(table, runs, $"Minority precision @ {threshold} ↑", run => Ratio(run.Quality.Precision));
        AddRow(table, runs, "Average precision (PR area) ↑", run => Ratio(run.Quality.AveragePrecision));
        AddRow(table, runs, $"Calibration error (ECE, {ClassifierMetrics.CalibrationBinCount} bins) ↓",
            run => Ratio(run.Quality.ExpectedCalibrationError));
        AddRow(table, runs, "Final training loss (its own loss)",
            run => run.Training.FinalLoss.ToString("0.00000", CultureInfo.InvariantCulture));
        AddRow(table, runs, "Loss kernel, M elements/s (median epoch) ↑",
            run => (run.Training.KernelElementsPerSecond / 1e6).ToString("N0", CultureInfo.InvariantCulture));
        return table;
    }

    private static void AddRow(
        Table table, IReadOnlyList<RunOutcome> runs, string metric, Func<RunOutcome, string> format)
        => table.AddRow([Markup.Escape(metric), .. runs.Select(run => Markup.Escape(format(run)))]);

    private static string Ratio(double value)
        => double.IsNaN(value) ? "n/a" : value.ToString("0.0000", CultureInfo.InvariantCulture);
}
