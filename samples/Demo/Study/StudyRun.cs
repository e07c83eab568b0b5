using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace FocalAot.Demo;

/// <summary>
/// The imbalance study: the grid of <see cref="StudyPlan"/>, then the kernel timing, and the CSV, the markdown summary
/// and the charts in the output folder.
/// </summary>
internal static class StudyRun
{
    /// <summary>The interleaved rounds of <see cref="KernelTiming"/>.</summary>
    private const int TimingRounds = 201;

    /// <summary>Calls per round: a round of about a millisecond, long next to the clock's resolution.</summary>
    private const int TimingCallsPerRound = 200;

    /// <summary>Runs the study; returns the process's exit code.</summary>
    public static int Run(CommandLineOptions options, IAnsiConsole console)
    {
        var clock = Stopwatch.StartNew();
        var plan = options.Quick ? StudyPlan.Quick(options.Seed, options.Seeds) : StudyPlan.Full(options.Seed, options.Seeds);
        var directory = Path.GetFullPath(options.OutputDirectory);
        Directory.CreateDirectory(directory);
        console.MarkupLine(CultureInfo.InvariantCulture,
            "[bold]FocalAot imbalance study[/]{0}: {1} runs ({2} ratios × {3} methods × {4} seeds), {5} epochs of {6:N0} samples.",
            options.Quick ? " (quick)" : "", plan.RunCount, plan.Ratios.Count, plan.Methods.Count, plan.Seeds.Count, plan.Epochs,
            plan.TrainingSamples);
        console.MarkupLine("SMOTE is not in this grid: the Python study runs it through imbalanced-learn.");

        var results = StudyGrid.Run(plan, console);
        var timing = KernelTiming.Measure(results.TimingBatch.Logits, results.TimingBatch.Targets, TimingRounds, TimingCallsPerRound);
        var csvPath = Path.Combine(directory, "study.csv");
        var summaryPath = Path.Combine(directory, "summary.md");
        StudyCsv.Write(csvPath, results.Records);
        StudySummary.Write(summaryPath, plan, results, timing, options.Quick);
        var charts = StudyCharts.Write(directory, plan, results);

        console.WriteLine();
        console.MarkupLine("[bold]Loss kernel[/]");
        foreach (var line in StudySummary.KernelLines(results, timing))
            console.MarkupLine(Markup.Escape(line));
        console.WriteLine();
        foreach (var path in new[] { csvPath, summaryPath }.Concat(charts))
            console.MarkupLine($"Wrote {Markup.Escape(path)}");
        console.MarkupLine(CultureInfo.InvariantCulture, "[grey]Done in {0:0.0} s.[/]", clock.Elapsed.TotalSeconds);
        return 0;
    }
}
