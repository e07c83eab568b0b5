namespace FocalAot.Demo;

/// <summary>
/// The bins of a reliability diagram from <see cref="CalibrationMetrics.ReliabilityDiagram{T}(ReadOnlySpan{T},
/// ReadOnlySpan{byte}, Span{long}, Span{double}, Span{double}, CalibrationBinning)"/>: per equal-width bin of the
/// minority probability, the samples in it, their mean probability and their observed minority rate.
/// </summary>
internal sealed class ReliabilityCurve
{
    private ReliabilityCurve(long[] counts, double[] meanConfidences, double[] accuracies)
        => (Counts, MeanConfidences, Accuracies) = (counts, meanConfidences, accuracies);

    /// <summary>The samples per bin.</summary>
    public long[] Counts { get; }

    /// <summary>The mean predicted probability per bin (NaN where empty).</summary>
    public double[] MeanConfidences { get; }

    /// <summary>The minority rate per bin (NaN where empty).</summary>
    public double[] Accuracies { get; }

    /// <summary>The curve of <paramref name="predictions"/> in <see cref="CalibrationMetrics.DefaultBins"/> bins.</summary>
    public static ReliabilityCurve Of(Predictions predictions)
    {
        const int Bins = CalibrationMetrics.DefaultBins;
        var curve = new ReliabilityCurve(new long[Bins], new double[Bins], new double[Bins]);
        CalibrationMetrics.ReliabilityDiagram<double>(
            predictions.Probabilities, predictions.Labels, curve.Counts, curve.MeanConfidences, curve.Accuracies);
        return curve;
    }

    /// <summary>The curve of all the curves' samples together (each bin's means weighted by its counts).</summary>
    public static ReliabilityCurve Pool(IReadOnlyList<ReliabilityCurve> curves)
    {
        var bins = curves[0].Counts.Length;
        var pooled = new ReliabilityCurve(new long[bins], new double[bins], new double[bins]);
        for (var b = 0; b < bins; b++)
        {
            var nonEmpty = curves.Where(curve => curve.Counts[b] > 0).ToList();
            pooled.Counts[b] = nonEmpty.Sum(curve => curve.Counts[b]);
            pooled.MeanConfidences[b] = WeightedMean(nonEmpty, b, curve => curve.MeanConfidences[b]);
            pooled.Accuracies[b] = WeightedMean(nonEmpty, b, curve => curve.Accuracies[b]);
        }

        return pooled;
    }

    /// <summary>
    /// The bins with at least <paramref name="minimumCount"/> samples as (mean probability, minority rate) points, in
    /// bin order: a chart leaves out bins so thin that their rate is noise (a single sample makes it 0 or 1).
    /// </summary>
    public (double[] Confidence, double[] Accuracy) Points(int minimumCount)
    {
        var kept = Enumerable.Range(0, Counts.Length).Where(b => Counts[b] >= Math.Max(minimumCount, 1)).ToArray();
        return ([.. kept.Select(b => MeanConfidences[b])], [.. kept.Select(b => Accuracies[b])]);
    }

    private static double WeightedMean(List<ReliabilityCurve> curves, int bin, Func<ReliabilityCurve, double> value)
        => curves.Count == 0 ? double.NaN : curves.Sum(curve => curve.Counts[bin] * value(curve)) / curves.Sum(c => c.Counts[bin]);
}
