namespace FocalAot.Demo;

/// <summary>
/// Labeled samples in row-major order: <see cref="Features"/> holds <see cref="FeatureCount"/> floats per sample,
/// <see cref="Labels"/> holds 1 for the minority (positive) class and 0 otherwise.
/// </summary>
internal sealed class Dataset
{
    public Dataset(float[] features, float[] labels, int featureCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 1);
        if (features.Length != labels.Length * featureCount)
            throw new ArgumentException("features must hold featureCount values per label.", nameof(features));
        Features = features;
        Labels = labels;
        FeatureCount = featureCount;
    }

    public float[] Features { get; }

    public float[] Labels { get; }

    public int FeatureCount { get; }

    public int Count => Labels.Length;

    public int PositiveCount => Labels.Count(label => label == 1f);

    /// <summary>The features of one sample.</summary>
    public ReadOnlySpan<float> Row(int index) => Features.AsSpan(index * FeatureCount, FeatureCount);
}
