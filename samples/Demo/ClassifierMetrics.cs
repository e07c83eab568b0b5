namespace FocalAot.Demo;

/// <summary>How well predicted probabilities of the minority class rank, classify and calibrate.</summary>
internal sealed record ClassifierQuality(
    double Recall, double Precision, double AveragePrecision, double ExpectedCalibrationError);

/// <summary>
/// Metrics of a binary classifier from probabilities of the positive class and 0/1 labels. Undefined values
/// (recall without positives, precision without predicted positives) are NaN.
/// </summary>
internal static class ClassifierMetrics
{
    public const double DecisionThreshold = 0.5;

    public const int CalibrationBinCount = 10;

    public static ClassifierQuality Evaluate(ReadOnlySpan<double> probabilities, ReadOnlySpan<float> labels)
    {
        var (recall, precision) = RecallAndPrecision(probabilities, labels, DecisionThreshold);
        return new ClassifierQuality(
            recall, precision,
            AveragePrecision(probabilities, labels),
            ExpectedCalibrationError(probabilities, labels, CalibrationBinCount));
    }

    /// <summary>
    /// Recall and precision of the positive class, predicted where the probability is ≥ <paramref name="threshold"/>.
    /// </summary>
    public static (double Recall, double Precision) RecallAndPrecision(
        ReadOnlySpan<double> probabilities, ReadOnlySpan<float> labels, double threshold)
    {
        CheckLengths(probabilities, labels);
        int truePositives = 0, falsePositives = 0, falseNegatives = 0;
        for (var i = 0; i < probabilities.Length; i++)
        {
            var predicted = probabilities[i] >= threshold;
            var actual = labels[i] == 1f;
            if (predicted && actual)
                truePositives++;
            else if (predicted)
                falsePositives++;
            else if (actual)
                falseNegatives++;
        }

        return ((double)truePositives / (truePositives + falseNegatives),
            (double)truePositives / (truePositives + falsePositives));
    }

    /// <summary>
    /// The exact area under the precision–recall step curve, Σ (Rₖ − Rₖ₋₁)·Pₖ over the distinct scores taken
    /// as thresholds from the highest down (scikit-learn's <c>average_precision_score</c>). Tied scores form one
    /// threshold, so the order among ties cannot change the result.
    /// </summary>
    public static double AveragePrecision(ReadOnlySpan<double> scores, ReadOnlySpan<float> labels)
    {
        CheckLengths(scores, labels);
        var sortedScores = scores.ToArray();
        var sortedLabels = labels.ToArray();
        Array.Sort(sortedScores, sortedLabels);
        var positives = sortedLabels.Count(label => label == 1f);
        if (positives == 0)
            return double.NaN;

        double area = 0;
        int truePositives = 0, predictedPositives = 0, previousTruePositives = 0;
        for (var i = sortedScores.Length - 1; i >= 0; i--)
        {
            predictedPositives++;
            if (sortedLabels[i] == 1f)
                truePositives++;

            // Only where the next score differs is this a threshold: every tie is then on the same side of it.
            if (i > 0 && sortedScores[i - 1] == sortedScores[i])
                continue;
            var precision = (double)truePositives / predictedPositives;
            area += (double)(truePositives - previousTruePositives) / positives * precision;
            previousTruePositives = truePositives;
        }

        return area;
    }

    /// <summary>
    /// Expected calibration error of the positive-class probability: samples fall into equal-width probability bins
    /// (a probability of exactly 1 into the last), and each bin adds its share of the samples times the gap between
    /// its mean predicted probability and its observed positive rate.
    /// </summary>
    public static double ExpectedCalibrationError(
        ReadOnlySpan<double> probabilities, ReadOnlySpan<float> labels, int binCount)
    {
        CheckLengths(probabilities, labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(binCount, 1);
        var probabilitySums = new double[binCount];
        var positiveCounts = new double[binCount];
        for (var i = 0; i < probabilities.Length; i++)
        {
            var bin = Math.Min((int)(probabilities[i] * binCount), binCount - 1);
            probabilitySums[bin] += probabilities[i];
            positiveCounts[bin] += labels[i];
        }

        double error = 0;
        for (var bin = 0; bin < binCount; bin++)
        {
            // |mean p − positive rate| · (n_bin / n) = |Σp − positives| / n: no division by an empty bin's count.
            error += Math.Abs(probabilitySums[bin] - positiveCounts[bin]) / probabilities.Length;
        }

        return error;
    }

    private static void CheckLengths(ReadOnlySpan<double> probabilities, ReadOnlySpan<float> labels)
    {
        if (probabilities.Length != labels.Length)
            throw new ArgumentException("There must be one label per probability.", nameof(labels));
    }
}
