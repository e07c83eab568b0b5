using System.Numerics;
using FocalAot.Properties.Generators;
using FocalAot.Properties.Reference;
using FocalAot.Properties.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace FocalAot.Properties;

/// <summary>Mean and Normalized are the double sum divided once, and empty input reduces to 0 / NaN / 0.</summary>
public sealed class ReductionTests
{
    [Property(MaxTest = 100)]
    public Property Float_mean_and_normalized_are_the_sum_divided_once() => Prop.ForAll(FocalCases.Any, value =>
    {
        var (sum, mean, normalized, normalizer) = Reduce<float>(value);
        if (float.IsInfinity(sum) && float.IsFinite(mean))
            return; // the double sum overflowed float, so the returned sum no longer carries it
        foreach (var (actual, denominator, name) in new[] { (mean, (double)value.Length, "mean"), (normalized, normalizer, "normalized") })
        {
            var expected = (float)(sum / denominator);
            Assert.True(Bits.Same(expected, actual) || Bits.UlpDistance(expected, actual) <= Tolerances.MeanUlps,
                $"{name} = {actual:R}, but the sum {sum:R} / {denominator:R} = {expected:R}");
        }
    });

    [Property(MaxTest = 100)]
    public Property Double_mean_and_normalized_are_the_sum_divided_once() => Prop.ForAll(FocalCases.Any, value =>
    {
        var (sum, mean, normalized, normalizer) = Reduce<double>(value);
        Bits.AssertSame(sum / value.Length, mean, "mean vs sum / n");
        Bits.AssertSame(sum / normalizer, normalized, "normalized vs sum / normalizer");
    });

    /// <summary>The weighted mean divides the weighted sum by the sum of the weights once (as the mean divides by n).</summary>
    [Property(MaxTest = 100)]
    public Property Float_weighted_mean_is_the_weighted_sum_divided_once() => Prop.ForAll(WeightedCases.Weighted, value =>
    {
        var (sum, weightedMean, weightSum) = ReduceWeighted<float>(value);
        if (float.IsInfinity(sum) && float.IsFinite(weightedMean))
            return; // the double sum overflowed float, so the returned sum no longer carries it
        var expected = (float)(sum / weightSum);
        Assert.True(Bits.Same(expected, weightedMean) || Bits.UlpDistance(expected, weightedMean) <= Tolerances.MeanUlps,
            $"weighted mean = {weightedMean:R}, but the sum {sum:R} / the weight sum {weightSum:R} = {expected:R}");
    });

    /// <summary>Double: the same, up to the rounding of the two double sums (the weight sum's order is the runtime's own).</summary>
    [Property(MaxTest = 100)]
    public Property Double_weighted_mean_is_the_weighted_sum_divided_once() => Prop.ForAll(WeightedCases.Weighted, value =>
    {
        var (sum, weightedMean, weightSum) = ReduceWeighted<double>(value);
        var expected = sum / weightSum;
        if (double.IsNaN(expected) || double.IsInfinity(expected))
        {
            Bits.AssertSame(expected, weightedMean, "weighted mean vs sum / weight sum");
            return;
        }

        Assert.True(Math.Abs(weightedMean - expected) <= Tolerances.WeightedMeanRelative<double>(value.Length) * Math.Abs(expected),
            $"weighted mean = {weightedMean:R}, but the sum {sum:R} / the weight sum {weightSum:R} = {expected:R}");
    });

    [Property(MaxTest = 50)]
    public Property Float_weighted_mean_without_weights_is_the_mean_bit_for_bit() => Prop.ForAll(WeightedCases.PerClass, WeightedMeanIsMean<float>);

    [Property(MaxTest = 50)]
    public Property Double_weighted_mean_without_weights_is_the_mean_bit_for_bit() => Prop.ForAll(WeightedCases.PerClass, WeightedMeanIsMean<double>);

    [Property(MaxTest = 30)]
    public Property Half_weighted_mean_without_weights_is_the_mean_bit_for_bit() => Prop.ForAll(WeightedCases.PerClass, WeightedMeanIsMean<Half>);

    [Property(MaxTest = 30)]
    public Property BFloat16_weighted_mean_without_weights_is_the_mean_bit_for_bit()
        => Prop.ForAll(WeightedCases.PerClass, WeightedMeanIsMean<BFloat16>);

    /// <summary>Weights that sum to 0 (all zero, or -0 among them) give a NaN weighted mean, not an error, and a zero
    /// gradient (every element has weight 0); a sum over them is 0.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(256)]
    [InlineData(1_001)]
    [InlineData(140_001)]
    public void Weights_summing_to_zero_give_a_NaN_weighted_mean_and_a_zero_gradient(int n)
    {
        var value = BulkInputs.Create(seed: n, n, BulkInputs.Labels.Mixed, gamma: 2, alpha: 0.25);
        var weights = Enumerable.Range(0, n).Select(i => i % 5 == 0 ? -0.0 : 0.0).ToArray();
        ZeroWeightSum<float>(new WeightedCase(value, weights, null));
        ZeroWeightSum<double>(new WeightedCase(value, weights, [0.5, 0.1, 0.9]));
        ZeroWeightSum<Half>(new WeightedCase(value, weights, null));
        ZeroWeightSum<BFloat16>(new WeightedCase(value, weights, [0.3]));
    }

    /// <summary>
    /// Weights are valid when finite and ≥ 0, subnormal ones included. With one element the weighted mean's gradient is
    /// the unweighted gradient (w·g / w = g): the weight joins the scale upstream / Σw before the gradient, so neither a
    /// weight sum below 1 / MaxValue (upstream / Σw overflows) nor weights near MaxValue (upstream / Σw is subnormal)
    /// costs range or accuracy.
    /// </summary>
    [Fact]
    public void The_gradient_of_a_weighted_mean_of_one_subnormal_weight_is_the_plain_gradient()
    {
        var expected = new float[1];
        SigmoidFocalLoss.Backward([0f], [1f], 1f, expected, new FocalLossOptions<float> { Reduction = FocalReduction.Sum });
        var gradient = new float[1];
        SigmoidFocalLoss.Backward([0f], [1f], 1f, gradient,
            new FocalLossOptions<float> { Weights = [1e-41f], Reduction = FocalReduction.WeightedMean });
        Assert.True(Math.Abs(gradient[0] - expected[0]) <= Tolerances.FloatRelative * Math.Abs(expected[0]),
            $"gradient {gradient[0]:R}, expected {expected[0]:R}");

        var expectedDouble = new double[1];
        SigmoidFocalLoss.Backward([0.0], [1.0], 1.0, expectedDouble, new FocalLossOptions<double> { Reduction = FocalReduction.Sum });
        var gradientDouble = new double[1];
        SigmoidFocalLoss.Backward([0.0], [1.0], 1.0, gradientDouble,
            new FocalLossOptions<double> { Weights = [1e-310], Reduction = FocalReduction.WeightedMean });
        Assert.True(Math.Abs(gradientDouble[0] - expectedDouble[0]) <= Tolerances.DoubleRelative * Math.Abs(expectedDouble[0]),
            $"gradient {gradientDouble[0]:R}, expected {expectedDouble[0]:R}");

        // Four weights near float's maximum: each gradient is the plain mean's.
        float[] logits = [0.5f, -2, 3, 0];
        float[] targets = [1, 0, 0.5f, 1];
        var mean = new float[4];
        SigmoidFocalLoss.Backward(logits, targets, 1f, mean, new FocalLossOptions<float> { Reduction = FocalReduction.Mean });
        var heavy = new float[4];
        SigmoidFocalLoss.Backward(logits, targets, 1f, heavy,
            new FocalLossOptions<float> { Weights = [3e38f, 3e38f, 3e38f, 3e38f], Reduction = FocalReduction.WeightedMean });
        for (var i = 0; i < 4; i++)
            Assert.True(Math.Abs(heavy[i] - mean[i]) <= Tolerances.FloatRelative * Math.Abs(mean[i]), $"gradient {heavy[i]:R}, expected {mean[i]:R}");
    }

    [Fact]
    public void Empty_input_sums_to_zero_and_averages_to_NaN()
    {
        AssertEmpty<float>();
        AssertEmpty<double>();
    }

    private static void AssertEmpty<T>()
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        static FocalLossOptions<T> Options(FocalReduction reduction = default) => new() { Gamma = 2, Alpha = 0.25, Reduction = reduction };
        Assert.Equal(T.Zero, SigmoidFocalLoss.Forward([], [], Options(FocalReduction.Sum)));
        Assert.True(T.IsNaN(SigmoidFocalLoss.Forward([], [], Options(FocalReduction.Mean))), "mean of no elements is NaN");
        Assert.Equal(T.Zero, SigmoidFocalLoss.Forward([], [], Options(FocalReduction.Normalized(3))));
        Assert.Equal(T.Zero, SigmoidFocalLoss.ForwardBackward([], [], [], Options(FocalReduction.Sum)));
        Assert.True(T.IsNaN(SigmoidFocalLoss.ForwardBackward([], [], [], Options(FocalReduction.Mean))), "fused mean of no elements is NaN");
        Assert.Equal(T.Zero, SigmoidFocalLoss.ForwardBackward([], [], [], Options(FocalReduction.Normalized(3))));
        Assert.True(T.IsNaN(SigmoidFocalLoss.Forward([], [], Options(FocalReduction.WeightedMean))), "weighted mean of no elements is NaN");
        Assert.True(T.IsNaN(SigmoidFocalLoss.ForwardBackward([], [], [], Options(FocalReduction.WeightedMean))),
            "fused weighted mean of no elements is NaN");
        SigmoidFocalLoss.Backward([], [], T.One, [], Options(FocalReduction.Mean));
        SigmoidFocalLoss.Backward<T>([], [], [], [], Options());
        SigmoidFocalLoss.Forward<T>([], [], [], Options());
        SigmoidFocalLoss.ForwardBackward<T>([], [], [], [], Options());
    }

    private static (T Sum, T Mean, T Normalized, double Normalizer) Reduce<T>(FocalCase value)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var x = FocalCase.As<T>(value.Logits);
        var y = FocalCase.As<T>(value.Targets);
        var normalizer = Reductions.NormalizerOf(value);
        return (SigmoidFocalLoss.Forward(x, y, value.Options<T>(FocalReduction.Sum)),
                SigmoidFocalLoss.Forward(x, y, value.Options<T>(FocalReduction.Mean)),
                SigmoidFocalLoss.Forward(x, y, value.Options<T>(FocalReduction.Normalized(normalizer))),
                normalizer);
    }

    private static (T Sum, T WeightedMean, double WeightSum) ReduceWeighted<T>(WeightedCase value)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var x = FocalCase.As<T>(value.Value.Logits);
        var y = FocalCase.As<T>(value.Value.Targets);
        var w = FocalCase.As<T>(value.Weights!);
        var weightSum = value.Length == 0 ? 0 : ReferenceSum.Of(Stored.ToDouble<T>(w));
        return (SigmoidFocalLoss.Forward(x, y, value.Options(w, FocalReduction.Sum)),
                SigmoidFocalLoss.Forward(x, y, value.Options(w, FocalReduction.WeightedMean)),
                weightSum);
    }

    private static void WeightedMeanIsMean<T>(WeightedCase value)
        where T : unmanaged
    {
        var x = Stored.From<T>(value.Value.Logits);
        var y = Stored.From<T>(value.Value.Targets);
        var n = value.Length;
        var (meanGradient, weightedGradient) = (new T[n], new T[n]);
        var upstream = Stored.From<T>(n > 0 ? value.Value.Upstream[0] : 1.0);
        var what = typeof(T).Name;
        Stored.AssertSame(
            SigmoidFocalLoss.Forward(x, y, value.Options<T>(null, FocalReduction.Mean)),
            SigmoidFocalLoss.Forward(x, y, value.Options<T>(null, FocalReduction.WeightedMean)), $"{what} weighted mean vs mean");
        SigmoidFocalLoss.Backward(x, y, upstream, meanGradient, value.Options<T>(null, FocalReduction.Mean));
        SigmoidFocalLoss.Backward(x, y, upstream, weightedGradient, value.Options<T>(null, FocalReduction.WeightedMean));
        Stored.AssertSame<T>(meanGradient, weightedGradient, $"{what} gradient of the weighted mean vs the mean");
        Stored.AssertSame(
            SigmoidFocalLoss.ForwardBackward(x, y, meanGradient, value.Options<T>(null, FocalReduction.Mean)),
            SigmoidFocalLoss.ForwardBackward(x, y, weightedGradient, value.Options<T>(null, FocalReduction.WeightedMean)),
            $"{what} fused weighted mean vs mean");
        Stored.AssertSame<T>(meanGradient, weightedGradient, $"{what} fused gradient of the weighted mean vs the mean");
    }

    private static void ZeroWeightSum<T>(WeightedCase value)
        where T : unmanaged
    {
        var x = Stored.From<T>(value.Value.Logits);
        var y = Stored.From<T>(value.Value.Targets);
        var w = Stored.From<T>(value.Weights!);
        var zeros = new double[value.Length];
        var gradient = new T[value.Length];
        var what = $"{typeof(T).Name} n = {value.Length}";
        Assert.True(Stored.IsNaN(SigmoidFocalLoss.Forward(x, y, value.Options(w, FocalReduction.WeightedMean))), $"{what}: weighted mean");
        SigmoidFocalLoss.Backward(x, y, Stored.From<T>(1.0), gradient, value.Options(w, FocalReduction.WeightedMean));
        Stored.AssertPositiveZeroWhereWeightIsZero<T>(gradient, zeros, x, $"{what}: gradient of the weighted mean");
        Assert.True(Stored.IsNaN(SigmoidFocalLoss.ForwardBackward(x, y, gradient, value.Options(w, FocalReduction.WeightedMean))),
            $"{what}: fused weighted mean");
        Stored.AssertPositiveZeroWhereWeightIsZero<T>(gradient, zeros, x, $"{what}: fused gradient of the weighted mean");
        Assert.Equal(0UL, Stored.BitsOf(SigmoidFocalLoss.Forward(x, y, value.Options(w, FocalReduction.Sum))));
    }
}
