using System.Numerics;
using FocalAot.Properties.Generators;
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
}
