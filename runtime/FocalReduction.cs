namespace FocalAot;

/// <summary>How a call combines the per-element losses.</summary>
public enum FocalReductionKind
{
    /// <summary>No reduction: one loss (and gradient) per element.</summary>
    None = 0,

    /// <summary>The sum of the losses.</summary>
    Sum = 1,

    /// <summary>The sum divided by the element count (torchvision's <c>mean</c>); NaN for no elements.</summary>
    Mean = 2,

    /// <summary>The sum divided by a caller-given normalizer, such as RetinaNet's number of positive anchors.</summary>
    Normalized = 3,

    /// <summary>
    /// The weighted sum divided by the sum of the weights (torch's cross-entropy with class weights); the plain mean
    /// when no weights are given. NaN when the weights sum to 0.
    /// </summary>
    WeightedMean = 4,
}

/// <summary>
/// The reduction of a call: <see cref="None"/> (the default), <see cref="Sum"/>, <see cref="Mean"/>,
/// <see cref="Normalized(double)"/> or <see cref="WeightedMean"/>. Sums are accumulated in double in a fixed order,
/// so they are reproducible across SIMD paths and thread counts.
/// </summary>
public readonly record struct FocalReduction
{
    private readonly double normalizer;

    private FocalReduction(FocalReductionKind kind, double normalizer)
    {
        Kind = kind;
        this.normalizer = normalizer;
    }

    /// <summary>No reduction: per-element losses and gradients. The <c>default</c> value.</summary>
    public static FocalReduction None => default;

    /// <summary>The sum of the losses (0 for no elements).</summary>
    public static FocalReduction Sum { get; } = new(FocalReductionKind.Sum, 1);

    /// <summary>The mean of the losses. The mean of no elements is NaN, as 0 / 0 (and torch's mean of an empty tensor).</summary>
    public static FocalReduction Mean { get; } = new(FocalReductionKind.Mean, 1);

    /// <summary>The weighted sum over the sum of the weights; with no weights, the mean.</summary>
    public static FocalReduction WeightedMean { get; } = new(FocalReductionKind.WeightedMean, 1);

    /// <summary>Which reduction this is.</summary>
    public FocalReductionKind Kind { get; }

    /// <summary>The divisor of <see cref="FocalReductionKind.Normalized"/>; 1 for the other kinds.</summary>
    public double Normalizer => Kind == FocalReductionKind.Normalized ? normalizer : 1;

    /// <summary>The sum of the losses divided by <paramref name="normalizer"/> (0 for no elements).</summary>
    /// <param name="normalizer">A finite number &gt; 0, such as the number of positive anchors.</param>
    /// <returns>The reduction.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="normalizer"/> is not finite or not positive.</exception>
    public static FocalReduction Normalized(double normalizer)
    {
        if (!double.IsFinite(normalizer) || normalizer <= 0)
            throw new ArgumentOutOfRangeException(nameof(normalizer), normalizer, "normalizer must be a finite number > 0.");
        return new FocalReduction(FocalReductionKind.Normalized, normalizer);
    }

    /// <summary>Whether the call returns one reduced value rather than per-element results.</summary>
    public bool IsReduced => Kind != FocalReductionKind.None;

    /// <summary>What the sum of <paramref name="count"/> losses with weight sum <paramref name="weightSum"/> is divided by.</summary>
    internal double Denominator(long count, double weightSum) => Kind switch
    {
        FocalReductionKind.Mean => count,
        FocalReductionKind.Normalized => normalizer,
        FocalReductionKind.WeightedMean => weightSum,
        _ => 1,
    };

    /// <inheritdoc/>
    public override string ToString() => Kind == FocalReductionKind.Normalized ? $"Normalized({normalizer})" : Kind.ToString();
}
