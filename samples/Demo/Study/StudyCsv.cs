using System.Globalization;
using System.Text;

namespace FocalAot.Demo;

/// <summary>The study's raw numbers: one CSV row per ratio, seed, method and scaling.</summary>
internal static class StudyCsv
{
    private static readonly string[] Header =
    [
        "ratio", "seed", "method", "family", "gamma", "alpha", "class_weighting", "resampling", "poly_epsilon", "scaling",
        "temperature_fitted", "temperature_applied", "recall", "precision", "f1", "balanced_accuracy", "average_precision",
        "roc_auc", "ece", "brier", "nll", "final_training_loss", "kernel_ms_per_epoch", "step_ms_per_epoch", "kernel_ns_per_element",
        "step_ns_per_sample",
    ];

    /// <summary>Writes <paramref name="records"/> to <paramref name="path"/>.</summary>
    public static void Write(string path, IEnumerable<StudyRecord> records)
    {
        var text = new StringBuilder().AppendLine(string.Join(',', Header));
        foreach (var record in records)
            text.AppendLine(string.Join(',', Fields(record).Select(Quoted)));
        File.WriteAllText(path, text.ToString());
    }

    private static IEnumerable<string> Fields(StudyRecord record)
    {
        var (method, metrics, training) = (record.Method, record.Metrics, record.Training);
        yield return Number(record.Ratio);
        yield return Number(record.Seed);
        yield return method.Name;
        yield return method.Family.ToString();

        // FLSD-53 has no single γ: it picks 3 or 5 per sample.
        yield return method.SampleDependentGamma ? "" : Number(method.Gamma);
        yield return method.HasAlpha ? Number(method.Alpha) : "";
        yield return method.Weighting.ToString();
        yield return method.Resampling.ToString();
        yield return Number(method.PolyEpsilon);
        yield return record.Scaling.ToString();
        yield return Number(record.Temperature.Fitted);
        yield return Number(record.Scaling == ProbabilityScaling.TemperatureScaled ? record.Temperature.Applied : 1);
        foreach (var value in new[]
        {
            metrics.Recall, metrics.Precision, metrics.F1, metrics.BalancedAccuracy, metrics.AveragePrecision, metrics.RocAuc,
            metrics.ExpectedCalibrationError, metrics.BrierScore, metrics.NegativeLogLikelihood, training.FinalLoss,
            training.KernelSecondsPerEpoch * 1e3, training.StepSecondsPerEpoch * 1e3, training.KernelNanosecondsPerElement,
            training.StepNanosecondsPerSample,
        })
        {
            yield return Number(value);
        }
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Quotes a field that holds a comma or a quote (method names do), doubling its quotes.</summary>
    private static string Quoted(string field)
        => field.Contains(',', StringComparison.Ordinal) || field.Contains('"', StringComparison.Ordinal)
            ? $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\""
            : field;
}
