namespace FocalAot.Demo;

/// <summary>How each class's samples are weighted in the loss.</summary>
internal enum ClassWeighting
{
    /// <summary>Every sample weighs 1.</summary>
    None,

    /// <summary>n / (2·n_c): scikit-learn's class_weight="balanced"; the weights average 1 over the samples.</summary>
    InverseFrequency,

    /// <summary>
    /// (1 − β) / (1 − β^n_c), the inverse of the class's effective number of samples (Cui et al., 2019), scaled so
    /// the two classes' weights add up to 2 as in the paper's code.
    /// </summary>
    EffectiveNumber,
}

/// <summary>The per-class weights of <see cref="ClassWeighting"/>.</summary>
/// <param name="Negative">The weight of each majority (label 0) sample.</param>
/// <param name="Positive">The weight of each minority (label 1) sample.</param>
internal readonly record struct ClassWeights(double Negative, double Positive)
{
    /// <summary>Cui et al.'s β for data sets of this size (the paper's 0.999 range).</summary>
    public const double EffectiveNumberBeta = 0.999;

    /// <summary>Weight 1 for both classes.</summary>
    public static ClassWeights Uniform { get; } = new(1, 1);

    /// <summary>The weights of <paramref name="weighting"/> for these class counts (each at least 1).</summary>
    public static ClassWeights For(ClassWeighting weighting, int negatives, int positives)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(negatives, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(positives, 1);
        return weighting switch
        {
            ClassWeighting.None => Uniform,
            ClassWeighting.InverseFrequency => InverseFrequency(negatives, positives),
            ClassWeighting.EffectiveNumber => EffectiveNumber(negatives, positives, EffectiveNumberBeta),
            _ => throw new ArgumentOutOfRangeException(nameof(weighting), weighting, "Unknown class weighting."),
        };
    }

    /// <summary>n / (2·n_c) for each class.</summary>
    public static ClassWeights InverseFrequency(int negatives, int positives)
    {
        double total = negatives + positives;
        return new ClassWeights(total / (2.0 * negatives), total / (2.0 * positives));
    }

    /// <summary>(1 − β) / (1 − β^n_c) for each class, scaled to add up to 2.</summary>
    public static ClassWeights EffectiveNumber(int negatives, int positives, double beta)
    {
        var negative = (1 - beta) / (1 - Math.Pow(beta, negatives));
        var positive = (1 - beta) / (1 - Math.Pow(beta, positives));
        var scale = 2 / (negative + positive);
        return new ClassWeights(negative * scale, positive * scale);
    }

    /// <summary>The weight of a sample with this label.</summary>
    public double Of(byte label) => label == 1 ? Positive : Negative;
}
