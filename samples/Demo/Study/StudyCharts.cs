using System.Globalization;

namespace FocalAot.Demo;

/// <summary>
/// The study's charts, each as PNG and SVG: reliability diagrams at <see cref="StudyPlan.FocusRatio"/> before and
/// after temperature scaling, and AP, recall and ECE against γ (one line per ratio, without and with α).
/// </summary>
internal static class StudyCharts
{
    /// <summary>The methods whose reliability diagrams are drawn.</summary>
    public static IReadOnlyList<TrainingMethod> ReliabilityMethods { get; } =
        [MethodCatalog.CrossEntropy, MethodCatalog.InverseFrequencyWeighted, MethodCatalog.Oversampling, MethodCatalog.Focal(2)];

    private static readonly string[] Formats = [".png", ".svg"];

    /// <summary>Writes every chart into <paramref name="directory"/>; returns the files' paths.</summary>
    public static IReadOnlyList<string> Write(string directory, StudyPlan plan, StudyResults results)
    {
        var reliability = LineChart.Build(
        [
            ReliabilityPanel("As trained", ProbabilityScaling.AsTrained, results),
            ReliabilityPanel("After temperature scaling", ProbabilityScaling.TemperatureScaled, results),
        ]);
        var gamma = LineChart.Build(
        [
            GammaPanel("Average precision ↑", "AP", metrics => metrics.AveragePrecision, plan, results),
            GammaPanel("Minority recall at p ≥ 0.5 ↑", "recall", metrics => metrics.Recall, plan, results),
            GammaPanel("Calibration error (ECE, 15 bins) ↓", "ECE", metrics => metrics.ExpectedCalibrationError, plan, results),
        ]);
        var name = string.Create(CultureInfo.InvariantCulture, $"reliability-1to{StudyPlan.FocusRatio}");
        return
        [
            .. Formats.Select(format => ChartFile.Save(reliability, Path.Combine(directory, name + format), 1400, 680)),
            .. Formats.Select(format => ChartFile.Save(gamma, Path.Combine(directory, "metric-vs-gamma" + format), 1800, 600)),
        ];
    }

    private static ChartPanel ReliabilityPanel(string title, ProbabilityScaling scaling, StudyResults results)
    {
        var series = ChartPanel.ReliabilitySeries(ReliabilityMethods
            .Select((method, index) => (method.Name, index, Curves: results.ReliabilityCurves.GetValueOrDefault((method.Name, scaling))))
            .Where(entry => entry.Curves is not null)
            .Select(entry => (entry.Name, entry.index, ReliabilityCurve.Pool(entry.Curves!))));
        return new ChartPanel(
            string.Create(CultureInfo.InvariantCulture, $"{title} (1:{StudyPlan.FocusRatio}, test sets of every seed, 15 bins)"),
            "Mean predicted probability of the minority class", "Observed minority rate", series)
        {
            IsReliabilityDiagram = true,
        };
    }

    /// <summary>
    /// One metric against γ, as trained, mean ± standard deviation over seeds: per ratio a line without α (from γ = 0,
    /// cross-entropy) and a thinner one with open markers with α = 0.25.
    /// </summary>
    private static ChartPanel GammaPanel(
        string title, string yLabel, Func<TestMetrics, double> metric, StudyPlan plan, StudyResults results)
    {
        var series = new List<ChartSeries>();
        for (var r = 0; r < plan.Ratios.Count; r++)
        {
            var ratio = plan.Ratios[r];
            foreach (var withAlpha in new[] { false, true })
            {
                var focal = plan.Methods.Where(method => method.Family == MethodFamily.Focal && method.HasAlpha == withAlpha);
                List<TrainingMethod> methods = withAlpha ? [.. focal] : [MethodCatalog.CrossEntropy, .. focal];
                var statistics = methods.Select(method => MeanAndDeviation.Of(results.Records
                    .Where(record => record.Ratio == ratio && record.Method == method && record.Scaling == ProbabilityScaling.AsTrained)
                    .Select(record => metric(record.Metrics)))).ToList();
                var label = string.Create(CultureInfo.InvariantCulture, $"1:{ratio}{(withAlpha ? ", α=0.25" : "")}");
                series.Add(new ChartSeries(
                    label, [.. methods.Select(method => method.Gamma)], [.. statistics.Select(statistic => statistic.Mean)])
                {
                    Error = [.. statistics.Select(statistic => double.IsNaN(statistic.StandardDeviation) ? 0 : statistic.StandardDeviation)],
                    ColorIndex = r,
                    IsVariant = withAlpha,
                });
            }
        }

        return new ChartPanel(title, "γ (0: cross-entropy)", yLabel, series);
    }
}
