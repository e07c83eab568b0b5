using FocalAot.Properties.Generators;
using FocalAot.Properties.Reference;

namespace FocalAot.Properties.Support;

/// <summary>The reductions a property runs through, and what each divides the sum by.</summary>
internal static class Reductions
{
    /// <summary>A RetinaNet-style normalizer taken from the case: 0.5 plus the number of positive targets.</summary>
    public static double NormalizerOf(FocalCase value) => 0.5 + value.Targets.Count(y => y == 1);

    /// <summary>Sum, Mean and Normalized(<see cref="NormalizerOf"/>), each with its denominator for <paramref name="value"/>.</summary>
    public static (FocalReduction Reduction, double Denominator, string Name)[] For(FocalCase value)
    {
        var normalizer = NormalizerOf(value);
        return
        [
            (FocalReduction.Sum, 1.0, "sum"),
            (FocalReduction.Mean, value.Length, "mean"),
            (FocalReduction.Normalized(normalizer), normalizer, $"normalized({normalizer})"),
        ];
    }

    /// <summary>
    /// <see cref="For(FocalCase)"/> and the weighted mean, whose denominator is the sum of <paramref name="weights"/> (the
    /// weights as stored, read back; empty for none, when it is the element count).
    /// </summary>
    public static (FocalReduction Reduction, double Denominator, string Name)[] For(WeightedCase value, ReadOnlySpan<double> weights)
        => [.. For(value.Value), (FocalReduction.WeightedMean, weights.IsEmpty ? value.Length : ReferenceSum.Of(weights), "weighted mean")];
}
