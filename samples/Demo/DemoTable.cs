using System.Globalization;
using Spectre.Console;

namespace FocalAot.Demo;

/// <summary>The demo's result table: one row per method, test-set metrics and the loss kernel's cost.</summary>
internal static class DemoTable
{
    /// <summary>How to read the table, printed under it.</summary>
    public const string Legend =
        "↑ higher is better, ↓ lower is better. Recall and precision of the minority class where p ≥ 0.5; AP: area "
        + "under the precision–recall curve, over every threshold; ECE: mean |observed rate − predicted probability| "
        + "over 15 equal-width bins; Brier: mean (p − y)². Kernel cost: the ForwardBackward calls' time per element "
        + "in this run (each method's fastest epoch), relative to cross-entropy's (CE itself: {0:0.00} ns per element).";

    /// <summary>The table of <paramref name="outcomes"/>; the first is the cross-entropy baseline of the cost column.</summary>
    public static Table Build(IReadOnlyList<DemoOutcome> outcomes)
    {
        var baseline = outcomes[0].Training.FastestKernelNanosecondsPerElement;
        var table = new Table().Border(TableBorder.Rounded).Title("Test-set results, 1:100");
        table.AddColumn("Method");
        foreach (var heading in new[] { "Recall ↑", "Precision ↑", "AP ↑", "ECE ↓", "Brier ↓", "Kernel cost" })
            table.AddColumn(new TableColumn(heading).RightAligned());
        foreach (var outcome in outcomes)
        {
            var metrics = outcome.Metrics;
            table.AddRow(
                Markup.Escape(outcome.Method.Name), Fixed(metrics.Recall), Fixed(metrics.Precision),
                Fixed(metrics.AveragePrecision), Fixed(metrics.ExpectedCalibrationError), Fixed(metrics.BrierScore),
                string.Create(CultureInfo.InvariantCulture, $"{outcome.Training.FastestKernelNanosecondsPerElement / baseline:0.00}x"));
        }

        return table;
    }

    private static string Fixed(double value)
        => double.IsNaN(value) ? "n/a" : value.ToString("0.0000", CultureInfo.InvariantCulture);
}
