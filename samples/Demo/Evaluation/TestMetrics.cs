namespace FocalAot.Demo;

/// <summary>
/// Every metric the demo and the study report for one model on the test set. Threshold metrics are of the minority
/// class at <see cref="ConfusionCounts.DecisionThreshold"/>; calibration metrics come from
/// <see cref="CalibrationMetrics"/> (ECE with <see cref="CalibrationMetrics.DefaultBins"/> equal-width bins).
/// </summary>
internal sealed record TestMetrics(
    double Recall, double Precision, double F1, double BalancedAccuracy, double AveragePrecision, double RocAuc,
    double ExpectedCalibrationError, double BrierScore, double NegativeLogLikelihood)
{
    /// <summary>The metrics of a model whose logits are not all finite: every one NaN.</summary>
    public static TestMetrics Undefined { get; } = new(
        double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);

    /// <summary>Computes every metric of <paramref name="predictions"/>.</summary>
    public static TestMetrics Of(Predictions predictions)
    {
        if (!predictions.IsFinite)
            return Undefined;
        var probabilities = predictions.Probabilities.AsSpan();
        var labels = predictions.Labels.AsSpan();
        var counts = ConfusionCounts.At(probabilities, labels, ConfusionCounts.DecisionThreshold);

        // Ranked by logit: the same order as the probabilities, without the ties that rounding p to 1 would make.
        return new TestMetrics(
            counts.Recall, counts.Precision, counts.F1, counts.BalancedAccuracy,
            RankingMetrics.AveragePrecision(predictions.Logits, labels),
            RankingMetrics.RocAuc(predictions.Logits, labels),
            CalibrationMetrics.ExpectedCalibrationError<double>(probabilities, labels, CalibrationMetrics.DefaultBins),
            CalibrationMetrics.BrierScore<double>(probabilities, labels),
            CalibrationMetrics.NegativeLogLikelihood<double>(probabilities, labels));
    }
}
