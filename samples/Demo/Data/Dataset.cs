namespace FocalAot.Demo;

/// <summary>
/// Labeled samples in row-major order: <see cref="Features"/> holds <see cref="FeatureCount"/> floats per sample,
/// <see cref="Labels"/> holds 1 for the minority (positive) class and 0 for the majority.
/// </summary>
internal sealed class Dataset
{
    /// <summary>Wraps the arrays (no copy).</summary>
    /// <param name="features">Row-major, <paramref name="featureCount"/> values per label.</param>
    /// <param name="labels">0 or 1 per sample.</param>
    /// <param name="featureCount">The features per sample, ≥ 1.</param>
    public Dataset(float[] features, byte[] labels, int featureCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 1);
        if (features.Length != labels.Length * featureCount)
            throw new ArgumentException("features must hold featureCount values per label.", nameof(features));
        if (labels.Any(label => label > 1))
            throw new ArgumentException("Every label must be 0 or 1.", nameof(labels));
        Features = features;
        Labels = labels;
        FeatureCount = featureCount;
    }

    /// <summary>The features, row-major.</summary>
    public float[] Features { get; }

    /// <summary>The labels, 0 or 1: the form <see cref="CalibrationMetrics"/> takes.</summary>
    public byte[] Labels { get; }

    /// <summary>The features per sample.</summary>
    public int FeatureCount { get; }

    /// <summary>The number of samples.</summary>
    public int Count => Labels.Length;

    /// <summary>The number of minority (label 1) samples.</summary>
    public int PositiveCount => Labels.Count(label => label == 1);

    /// <summary>The number of majority (label 0) samples.</summary>
    public int NegativeCount => Count - PositiveCount;

    /// <summary>The features of one sample.</summary>
    public ReadOnlySpan<float> Row(int index) => Features.AsSpan(index * FeatureCount, FeatureCount);
}
