namespace FocalAot.Demo;

/// <summary>
/// How well scores rank minority samples above majority ones, whatever the threshold: average precision and ROC-AUC,
/// as scikit-learn computes them. Any increasing function of the scores (a probability, a temperature) gives the
/// same values. NaN where a class is missing.
/// </summary>
internal static class RankingMetrics
{
    /// <summary>
    /// The area under the precision–recall step curve, Σ (Rₖ − Rₖ₋₁)·Pₖ over the distinct scores taken as
    /// thresholds from the highest down (scikit-learn's average_precision_score). Tied scores form one threshold, so
    /// the order among ties cannot change the result.
    /// </summary>
    public static double AveragePrecision(ReadOnlySpan<float> scores, ReadOnlySpan<byte> labels)
    {
        var (sortedScores, sortedLabels) = SortedAscending(scores, labels);
        var positives = sortedLabels.Count(label => label == 1);
        if (positives == 0)
            return double.NaN;

        double area = 0;
        int truePositives = 0, predictedPositives = 0, previousTruePositives = 0;
        for (var i = sortedScores.Length - 1; i >= 0; i--)
        {
            predictedPositives++;
            truePositives += sortedLabels[i];

            // Only where the next score differs is this a threshold: every tie is then on the same side of it.
            if (i > 0 && sortedScores[i - 1] == sortedScores[i])
                continue;
            area += (double)(truePositives - previousTruePositives) / positives * truePositives / predictedPositives;
            previousTruePositives = truePositives;
        }

        return area;
    }

    /// <summary>
    /// The area under the ROC curve: the chance that a random minority sample scores above a random majority one,
    /// ties counting half (the Mann–Whitney U statistic over the product of the class counts).
    /// </summary>
    public static double RocAuc(ReadOnlySpan<float> scores, ReadOnlySpan<byte> labels)
    {
        var (sortedScores, sortedLabels) = SortedAscending(scores, labels);
        long positives = sortedLabels.Count(label => label == 1);
        long negatives = sortedLabels.Length - positives;
        if (positives == 0 || negatives == 0)
            return double.NaN;

        // Sum the 1-based ranks of the positives, a run of tied scores sharing its mean rank.
        double positiveRankSum = 0;
        for (var start = 0; start < sortedScores.Length;)
        {
            var end = start;
            var positivesInRun = 0;
            for (; end < sortedScores.Length && sortedScores[end] == sortedScores[start]; end++)
                positivesInRun += sortedLabels[end];
            positiveRankSum += positivesInRun * ((start + 1 + end) / 2.0);
            start = end;
        }

        return (positiveRankSum - (positives * (positives + 1) / 2.0)) / (positives * negatives);
    }

    private static (float[] Scores, byte[] Labels) SortedAscending(ReadOnlySpan<float> scores, ReadOnlySpan<byte> labels)
    {
        if (scores.Length != labels.Length)
            throw new ArgumentException("There must be one label per score.", nameof(labels));
        var sortedScores = scores.ToArray();
        var sortedLabels = labels.ToArray();
        Array.Sort(sortedScores, sortedLabels);
        return (sortedScores, sortedLabels);
    }
}
