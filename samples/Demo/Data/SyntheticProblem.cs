namespace FocalAot.Demo;

/// <summary>
/// A deterministic binary task that needs a nonlinear model, at a chosen imbalance. Majority samples are standard
/// Gaussian in every feature. Minority samples lie on a ring of radius <see cref="RingRadius"/> in the first two
/// features (a linear score cannot tell a ring around the origin from the Gaussian at its centre), are shifted by
/// <see cref="Shift"/> in the next four (the part a linear model can use), and are Gaussian noise in the rest. The
/// classes overlap, so even the best classifier misses some minority samples.
/// </summary>
internal static class SyntheticProblem
{
    /// <summary>Features per sample: 2 on the ring, 4 shifted, 6 of pure noise the model must learn to ignore.</summary>
    public const int FeatureCount = 12;

    /// <summary>The ring's radius in the first two features, in standard deviations of the majority class.</summary>
    public const double RingRadius = 3.2;

    /// <summary>The spread of the ring's radius.</summary>
    public const double RingWidth = 0.3;

    /// <summary>The minority class's mean in each of features 3 to 6.</summary>
    public const double Shift = 0.75;

    private const int RingFeatures = 2;
    private const int ShiftedFeatures = 4;

    /// <summary>
    /// The number of minority samples among <paramref name="count"/> at 1:<paramref name="imbalanceRatio"/>:
    /// count / (ratio + 1), rounded to the nearest whole number.
    /// </summary>
    public static int PositiveCount(int count, int imbalanceRatio)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(imbalanceRatio, 1);
        return (int)Math.Round((double)count / (imbalanceRatio + 1), MidpointRounding.AwayFromZero);
    }

    /// <summary>
    /// Draws <paramref name="count"/> samples, exactly <see cref="PositiveCount"/> of them minority ones, in random
    /// order. The same state of <paramref name="random"/> always gives the same data.
    /// </summary>
    public static Dataset Generate(int count, int imbalanceRatio, Random random)
    {
        var labels = new byte[count];
        labels.AsSpan(0, PositiveCount(count, imbalanceRatio)).Fill(1);
        random.Shuffle(labels);

        var features = new float[count * FeatureCount];
        for (var i = 0; i < count; i++)
        {
            var row = features.AsSpan(i * FeatureCount, FeatureCount);
            for (var j = 0; j < FeatureCount; j++)
                row[j] = (float)random.NextStandardNormal();
            if (labels[i] == 1)
                PlaceMinoritySample(row, random);
        }

        return new Dataset(features, labels, FeatureCount);
    }

    /// <summary>Moves a standard Gaussian sample onto the ring and along the shifted features.</summary>
    private static void PlaceMinoritySample(Span<float> row, Random random)
    {
        var angle = 2 * Math.PI * random.NextDouble();
        var radius = RingRadius + (RingWidth * random.NextStandardNormal());
        row[0] = (float)(radius * Math.Cos(angle));
        row[1] = (float)(radius * Math.Sin(angle));
        for (var j = RingFeatures; j < RingFeatures + ShiftedFeatures; j++)
            row[j] += (float)Shift;
    }
}
