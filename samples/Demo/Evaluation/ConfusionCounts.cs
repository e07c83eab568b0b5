namespace FocalAot.Demo;

/// <summary>
/// The outcome of calling a sample minority where its probability is at least a threshold, and the metrics of the
/// minority class that follow. A ratio with nothing to count (no predicted positives for precision, no true
/// positives for F1) is 0, as scikit-learn's zero_division=0 makes it.
/// </summary>
internal readonly record struct ConfusionCounts(int TruePositives, int FalsePositives, int FalseNegatives, int TrueNegatives)
{
    /// <summary>The threshold the demo and the study classify at.</summary>
    public const double DecisionThreshold = 0.5;

    /// <summary>TP / (TP + FN): the share of minority samples found.</summary>
    public double Recall => Ratio(TruePositives, TruePositives + FalseNegatives);

    /// <summary>TP / (TP + FP): the share of minority calls that are right.</summary>
    public double Precision => Ratio(TruePositives, TruePositives + FalsePositives);

    /// <summary>The harmonic mean of precision and recall.</summary>
    public double F1 => Ratio(2 * TruePositives, (2 * TruePositives) + FalsePositives + FalseNegatives);

    /// <summary>The mean of the two classes' recalls.</summary>
    public double BalancedAccuracy => (Recall + Ratio(TrueNegatives, TrueNegatives + FalsePositives)) / 2;

    /// <summary>Counts the four outcomes at <paramref name="threshold"/>.</summary>
    public static ConfusionCounts At(ReadOnlySpan<double> probabilities, ReadOnlySpan<byte> labels, double threshold)
    {
        if (probabilities.Length != labels.Length)
            throw new ArgumentException("There must be one label per probability.", nameof(labels));
        int truePositives = 0, falsePositives = 0, falseNegatives = 0, trueNegatives = 0;
        for (var i = 0; i < probabilities.Length; i++)
        {
            var predicted = probabilities[i] >= threshold;
            var actual = labels[i] == 1;
            if (predicted && actual)
                truePositives++;
            else if (predicted)
                falsePositives++;
            else if (actual)
                falseNegatives++;
            else
                trueNegatives++;
        }

        return new ConfusionCounts(truePositives, falsePositives, falseNegatives, trueNegatives);
    }

    private static double Ratio(int numerator, int denominator) => denominator == 0 ? 0 : (double)numerator / denominator;
}
