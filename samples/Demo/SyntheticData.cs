namespace FocalAot.Demo;

/// <summary>
/// A deterministic, heavily imbalanced binary task: negatives are standard Gaussian, positives the same Gaussian
/// shifted along the informative features. The classes overlap, so no classifier separates them, and because the
/// covariances are equal the best possible classifier is linear: logistic regression can reach it, so the two losses
/// are compared on what they converge to rather than on what the model cannot express.
/// </summary>
internal static class SyntheticData
{
    public const int FeatureCount = 24;

    /// <summary>The first features carry signal; the rest are pure noise the model must learn to ignore.</summary>
    public const int InformativeFeatureCount = 16;

    /// <summary>About one positive in a hundred.</summary>
    public const double PositiveRate = 0.01;

    /// <summary>Distance between the class means in standard deviations: the overlap keeps recall far from 1.</summary>
    public const double ClassSeparation = 2.75;

    /// <summary>Draws <paramref name="count"/> samples; the same seed always gives the same data.</summary>
    public static Dataset Generate(int count, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var shift = PositiveClassShift();
        var features = new float[count * FeatureCount];
        var labels = new float[count];

        // System.Random with a seed is a fixed algorithm, so runs are reproducible.
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var isPositive = random.NextDouble() < PositiveRate;
            labels[i] = isPositive ? 1f : 0f;
            var row = features.AsSpan(i * FeatureCount, FeatureCount);
            for (var j = 0; j < FeatureCount; j++)
                row[j] = (float)(StandardNormal(random) + (isPositive ? shift[j] : 0));
        }

        return new Dataset(features, labels, FeatureCount);
    }

    /// <summary>
    /// The mean of the positive class: decreasing weights over the informative features (some features matter more
    /// than others), scaled so the distance between the class means is <see cref="ClassSeparation"/>.
    /// </summary>
    private static double[] PositiveClassShift()
    {
        var shift = new double[FeatureCount];
        for (var j = 0; j < InformativeFeatureCount; j++)
            shift[j] = InformativeFeatureCount - j;
        var scale = ClassSeparation / Math.Sqrt(shift.Sum(s => s * s));
        for (var j = 0; j < InformativeFeatureCount; j++)
            shift[j] *= scale;
        return shift;
    }

    /// <summary>One N(0, 1) draw by the Box–Muller transform (1 − u keeps the logarithm's argument above 0).</summary>
    private static double StandardNormal(Random random)
        => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
