namespace FocalAot;

/// <summary>How a reduced loss combines the per-element losses.</summary>
public enum FocalReductionKind
{
    /// <summary>The sum of the losses.</summary>
    Sum = 1,

    /// <summary>The sum divided by the element count (torchvision's <c>mean</c>); NaN for no elements.</summary>
    Mean = 2,

    /// <summary>The sum divided by a caller-given normalizer, such as RetinaNet's number of positive anchors.</summary>
    Normalized = 3,
}

/// <summary>
/// A reduction of per-element losses to one value: <see cref="Sum"/>, <see cref="Mean"/>, or
/// <see cref="Normalized(double)"/>. The sum is accumulated in double in a fixed order, so it is
/// reproducible across SIMD paths and thread counts.
/// </summary>
public readonly record struct FocalReduction
{
    private FocalReduction(FocalReductionKind kind, double normalizer)
    {
        Kind = kind;
        Normalizer = normalizer;
    }

    /// <summary>The sum of the losses (0 for no elements).</summary>
    public static FocalReduction Sum { get; } = new(FocalReductionKind.Sum, 1);

    /// <summary>The mean of the losses. The mean of no elements is NaN, as 0 / 0 (and torch's mean of an empty tensor).</summary>
    public static FocalReduction Mean { get; } = new(FocalReductionKind.Mean, 1);

    /// <summary>Which reduction this is.</summary>
    public FocalReductionKind Kind { get; }

    /// <summary>The divisor of <see cref="FocalReductionKind.Normalized"/>; 1 for the other kinds.</summary>
    public double Normalizer { get; }

    /// <summary>The sum of the losses divided by <paramref name="normalizer"/> (0 for no elements).</summary>
    /// <param name="normalizer">A finite number &gt; 0, such as the number of positive anchors.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="normalizer"/> is not finite or not positive.</exception>
    public static FocalReduction Normalized(double normalizer)
    {
        if (!double.IsFinite(normalizer) || normalizer <= 0)
            throw new ArgumentOutOfRangeException(nameof(normalizer), normalizer, "normalizer must be a finite number > 0.");
        return new FocalReduction(FocalReductionKind.Normalized, normalizer);
    }

    /// <summary>What the sum of <paramref name="count"/> losses is divided by.</summary>
    internal double Denominator(long count) => Kind switch
    {
        FocalReductionKind.Mean => count,
        FocalReductionKind.Normalized => Normalizer,
        _ => 1,
    };

    internal void Validate(string parameterName)
    {
        if (Kind is not (FocalReductionKind.Sum or FocalReductionKind.Mean or FocalReductionKind.Normalized))
        {
            throw new ArgumentException(
                "reduction must be FocalReduction.Sum, FocalReduction.Mean or FocalReduction.Normalized(normalizer).", parameterName);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Kind == FocalReductionKind.Normalized ? $"Normalized({Normalizer})" : Kind.ToString();
}
