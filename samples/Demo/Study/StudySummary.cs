using System.Globalization;
using System.Text;

namespace FocalAot.Demo;

/// <summary>The study's markdown summary: how it was run, the kernel's cost, and per ratio the highlights and tables.</summary>
internal static class StudySummary
{
    private static readonly (string Heading, Func<TestMetrics, double> Value, string Format)[] ThresholdAndCalibration =
    [
        ("Recall", metrics => metrics.Recall, "0.000"),
        ("Precision", metrics => metrics.Precision, "0.000"),
        ("F1", metrics => metrics.F1, "0.000"),
        ("Bal. acc.", metrics => metrics.BalancedAccuracy, "0.000"),
        ("ECE", metrics => metrics.ExpectedCalibrationError, "0.0000"),
        ("Brier", metrics => metrics.BrierScore, "0.0000"),
        ("NLL", metrics => metrics.NegativeLogLikelihood, "0.0000"),
    ];

    /// <summary>Writes the summary of <paramref name="results"/> to <paramref name="path"/>.</summary>
    public static void Write(string path, StudyPlan plan, StudyResults results, KernelTiming timing, bool quick)
    {
        var text = new StringBuilder();
        Line(text, "# Imbalance study (.NET)");
        Line(text);
        Line(text, Setup(plan, quick));
        Line(text);
        Line(text, "## Loss kernel cost");
        Line(text);
        foreach (var line in KernelLines(results, timing))
            Line(text, $"- {line}");
        foreach (var ratio in plan.Ratios)
            WriteRatio(text, plan, results.Records.Where(record => record.Ratio == ratio).ToList(), ratio);
        File.WriteAllText(path, text.ToString());
    }

    /// <summary>
    /// The kernel's cost: focal (γ = 2) against cross-entropy side by side, and as a share of the whole training
    /// step at <see cref="StudyPlan.FocusRatio"/>.
    /// </summary>
    public static IReadOnlyList<string> KernelLines(StudyResults results, KernelTiming timing)
    {
        var focalRuns = results.Records
            .Where(record => record.Ratio == StudyPlan.FocusRatio && record.Method == KernelTiming.Focal
                && record.Scaling == ProbabilityScaling.AsTrained)
            .Select(record => record.Training)
            .ToList();
        var stepNanoseconds = Median.Of(focalRuns.Select(run => run.StepNanosecondsPerSample));
        var shareInTraining = Median.Of(focalRuns.Select(run => run.KernelSecondsPerEpoch / run.StepSecondsPerEpoch));
        var invariant = CultureInfo.InvariantCulture;
        return
        [
            string.Create(invariant, $"Side by side in one run ({timing.Rounds} interleaved rounds on one batch of {timing.BatchSize} "
                + $"logits of a CE model at 1:{StudyPlan.FocusRatio}): CE {timing.CrossEntropyNanoseconds:0.000} ns per element, focal "
                + $"γ=2 {timing.FocalNanoseconds:0.000} ns per element ({timing.Ratio:0.00}x CE)."),
            string.Create(invariant, $"A whole training step (sampling, MLP forward, kernel, backward, Adam) with focal γ=2 "
                + $"at 1:{StudyPlan.FocusRatio} takes {stepNanoseconds:0} ns per sample (median over seeds): the focal kernel is "
                + $"{100 * timing.FocalNanoseconds / stepNanoseconds:0.00}% of it by the side-by-side timing and "
                + $"{100 * shareInTraining:0.00}% as measured inside training."),
        ];
    }

    private static string Setup(StudyPlan plan, bool quick)
    {
        var command = "dotnet run --project samples/Demo -c Release -- --study" + (quick ? " --quick" : "");
        return Invariant($"`{command}`: {plan.RunCount} training runs, ratios ")
            + string.Join(", ", plan.Ratios.Select(ratio => Invariant($"1:{ratio}")))
            + Invariant($" × {plan.Methods.Count} methods × {plan.Seeds.Count} seeds ({string.Join(", ", plan.Seeds)}). ")
            + Invariant($"MLP {SyntheticProblem.FeatureCount}-{string.Join("-", TrainingSettings.DefaultHiddenWidths)}-1 (ReLU, ")
            + Invariant($"He init), Adam, batches of {TrainingSettings.DefaultBatchSize}, {plan.Epochs} epochs of ")
            + Invariant($"{plan.TrainingSamples:N0} samples (every method draws that many per epoch, whatever its resampling); ")
            + Invariant($"validation split {plan.ValidationSamples:N0} samples, test split {plan.TestSamples:N0}. ")
            + "Every number is a test-split metric, mean ± standard deviation over the seeds; every seed's numbers are in "
            + "study.csv. Recall, precision, F1 and balanced accuracy are of the minority class at p ≥ 0.5 (precision and "
            + "F1 are 0 where nothing is called minority); ECE uses 15 equal-width bins. Temperature scaling: T fitted on "
            + "the validation split's logits by CalibrationMetrics.FitTemperature and applied to the test logits; where "
            + "the fit ends at T = 0 (the validation logits separate the classes) or T = ∞ (they point the wrong way), "
            + "the model is left unscaled and the fallback is counted. AP and ROC-AUC do not change with T. SMOTE is not "
            + "in this grid: the Python study runs it through imbalanced-learn.";
    }

    private static void WriteRatio(StringBuilder text, StudyPlan plan, List<StudyRecord> records, int ratio)
    {
        Line(text);
        Line(text, Invariant($"## 1:{ratio}"));
        Line(text);
        Line(text, Invariant($"Minority samples: {SyntheticProblem.PositiveCount(plan.TrainingSamples, ratio):N0} training, ")
            + Invariant($"{SyntheticProblem.PositiveCount(plan.ValidationSamples, ratio):N0} validation, ")
            + Invariant($"{SyntheticProblem.PositiveCount(plan.TestSamples, ratio):N0} test."));
        Line(text);
        foreach (var highlight in Highlights(plan, records))
            Line(text, $"- {highlight}");

        Line(text);
        Line(text, "As trained:");
        Line(text);
        string[] trainedHeadings =
            ["Method", .. ThresholdAndCalibration.Select(column => column.Heading).Take(4), "AP", "ROC-AUC",
                .. ThresholdAndCalibration.Select(column => column.Heading).Skip(4), "Kernel ms/epoch", "Step ms/epoch"];
        TableHeader(text, trainedHeadings);
        foreach (var method in plan.Methods)
        {
            var runs = Runs(records, method, ProbabilityScaling.AsTrained);
            var cells = ThresholdAndCalibration.Select(column => Statistic(runs, column.Value).ToString(column.Format)).ToList();
            TableRow(text,
            [
                method.Name, .. cells.Take(4), Statistic(runs, metrics => metrics.AveragePrecision).ToString("0.000"),
                Statistic(runs, metrics => metrics.RocAuc).ToString("0.000"), .. cells.Skip(4),
                MeanAndDeviation.Of(runs.Select(run => run.Training.KernelSecondsPerEpoch * 1e3)).ToString("0.00"),
                MeanAndDeviation.Of(runs.Select(run => run.Training.StepSecondsPerEpoch * 1e3)).ToString("0.0"),
            ]);
        }

        Line(text);
        Line(text, "After temperature scaling:");
        Line(text);
        TableHeader(text, ["Method", "T (median)", .. ThresholdAndCalibration.Select(column => column.Heading)]);
        foreach (var method in plan.Methods)
        {
            var runs = Runs(records, method, ProbabilityScaling.TemperatureScaled);
            TableRow(text,
            [
                method.Name, TemperatureCell(runs),
                .. ThresholdAndCalibration.Select(column => Statistic(runs, column.Value).ToString(column.Format)),
            ]);
        }
    }

    /// <summary>Which method leads each headline metric, next to cross-entropy, and whether the lead exceeds the noise.</summary>
    private static IEnumerable<string> Highlights(StudyPlan plan, List<StudyRecord> records)
    {
        (string Label, ProbabilityScaling Scaling, Func<TestMetrics, double> Value, bool Lower)[] headlines =
        [
            ("Highest AP", ProbabilityScaling.AsTrained, metrics => metrics.AveragePrecision, false),
            ("Highest F1 at p ≥ 0.5, as trained", ProbabilityScaling.AsTrained, metrics => metrics.F1, false),
            ("Highest F1 at p ≥ 0.5, after temperature scaling", ProbabilityScaling.TemperatureScaled, metrics => metrics.F1, false),
            ("Lowest ECE, as trained", ProbabilityScaling.AsTrained, metrics => metrics.ExpectedCalibrationError, true),
            ("Lowest ECE, after temperature scaling", ProbabilityScaling.TemperatureScaled, metrics => metrics.ExpectedCalibrationError,
                true),
        ];
        foreach (var (label, scaling, value, lower) in headlines)
        {
            var ranked = plan.Methods
                .Select(method => (method, statistic: Statistic(Runs(records, method, scaling), value)))
                .Where(entry => entry.statistic.Count > 0)
                .OrderBy(entry => lower ? entry.statistic.Mean : -entry.statistic.Mean)
                .ToList();
            if (ranked.Count == 0)
                continue;
            var (best, bestStatistic) = ranked[0];
            if (best == MethodCatalog.CrossEntropy)
            {
                yield return $"{label}: CE itself, {bestStatistic.ToString("0.0000")}.";
                continue;
            }

            var crossEntropy = ranked.First(entry => entry.method == MethodCatalog.CrossEntropy).statistic;
            var noise = Math.Max(bestStatistic.StandardDeviation, crossEntropy.StandardDeviation);
            var verdict = Math.Abs(bestStatistic.Mean - crossEntropy.Mean) > noise
                ? "more than one standard deviation from CE"
                : "within one standard deviation of CE";
            yield return $"{label}: {best.Name}, {bestStatistic.ToString("0.0000")} (CE {crossEntropy.ToString("0.0000")}; {verdict}).";
        }
    }

    private static string TemperatureCell(List<StudyRecord> runs)
    {
        var fallbacks = runs.Count(run => !run.Temperature.IsUsable);
        var median = Median.Of(runs.Where(run => run.Temperature.IsUsable).Select(run => run.Temperature.Fitted));
        var cell = double.IsNaN(median) ? "n/a" : median.ToString("0.00", CultureInfo.InvariantCulture);
        return fallbacks == 0 ? cell : Invariant($"{cell} ({fallbacks} unscaled: T = 0 or ∞)");
    }

    private static List<StudyRecord> Runs(List<StudyRecord> records, TrainingMethod method, ProbabilityScaling scaling)
        => [.. records.Where(record => record.Method == method && record.Scaling == scaling)];

    private static MeanAndDeviation Statistic(List<StudyRecord> runs, Func<TestMetrics, double> value)
        => MeanAndDeviation.Of(runs.Select(run => value(run.Metrics)));

    private static void TableHeader(StringBuilder text, IReadOnlyList<string> headings)
    {
        TableRow(text, headings);
        TableRow(text, [.. headings.Select(_ => "---")]);
    }

    private static void TableRow(StringBuilder text, IReadOnlyList<string> cells) => Line(text, $"| {string.Join(" | ", cells)} |");

    private static void Line(StringBuilder text, string line = "") => text.Append(line).Append('\n');

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
