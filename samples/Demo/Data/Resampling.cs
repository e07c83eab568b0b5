namespace FocalAot.Demo;

/// <summary>How the training set is rebalanced before training.</summary>
internal enum ResamplingKind
{
    /// <summary>Every sample once.</summary>
    None,

    /// <summary>Every sample, plus minority samples drawn with replacement until the classes are equal.</summary>
    RandomOversampling,

    /// <summary>Every minority sample and as many majority samples, drawn without replacement.</summary>
    RandomUndersampling,
}

/// <summary>Random over- and undersampling (imbalanced-learn's RandomOverSampler and RandomUnderSampler).</summary>
internal static class Resampling
{
    /// <summary>
    /// The indices of the samples training draws from: a resampled set is a list of indices into
    /// <paramref name="data"/>, so oversampling copies no features.
    /// </summary>
    public static int[] TrainingPool(Dataset data, ResamplingKind kind, Random random)
    {
        var positives = Indices(data, label: 1);
        var negatives = Indices(data, label: 0);
        if (kind != ResamplingKind.None && (positives.Length == 0 || negatives.Length == 0))
            throw new ArgumentException("Resampling needs samples of both classes.", nameof(data));

        return kind switch
        {
            ResamplingKind.None => [.. Enumerable.Range(0, data.Count)],
            ResamplingKind.RandomOversampling =>
                [.. negatives, .. positives, .. DrawWithReplacement(positives, negatives.Length - positives.Length, random)],
            ResamplingKind.RandomUndersampling => [.. positives, .. Shuffled(negatives, random).Take(positives.Length)],
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown resampling."),
        };
    }

    private static int[] Indices(Dataset data, byte label)
        => [.. Enumerable.Range(0, data.Count).Where(i => data.Labels[i] == label)];

    private static IEnumerable<int> DrawWithReplacement(int[] pool, int count, Random random)
        => Enumerable.Range(0, Math.Max(count, 0)).Select(_ => pool[random.Next(pool.Length)]);

    private static int[] Shuffled(int[] values, Random random)
    {
        var copy = values.ToArray();
        random.Shuffle(copy);
        return copy;
    }
}
