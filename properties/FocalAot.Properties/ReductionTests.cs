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
        var (sum, mean, normalized, normalizer) = Reduce<float, FloatApi>(value);
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
        var (sum, mean, normalized, normalizer) = Reduce<double, DoubleApi>(value);
        Bits.AssertSame(sum / value.Length, mean, "mean vs sum / n");
        Bits.AssertSame(sum / normalizer, normalized, "normalized vs sum / normalizer");
    });

    [Fact]
    public void Empty_input_sums_to_zero_and_averages_to_NaN()
    {
        AssertEmpty<float, FloatApi>();
        AssertEmpty<double, DoubleApi>();
    }

    private static void AssertEmpty<T, TApi>()
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TApi : IPrecision<T>
    {
        Assert.Equal(T.Zero, TApi.Forward([], [], FocalReduction.Sum, 2, 0.25));
        Assert.True(T.IsNaN(TApi.Forward([], [], FocalReduction.Mean, 2, 0.25)), "mean of no elements is NaN");
        Assert.Equal(T.Zero, TApi.Forward([], [], FocalReduction.Normalized(3), 2, 0.25));
        Assert.Equal(T.Zero, TApi.ForwardBackward([], [], FocalReduction.Sum, [], 2, 0.25));
        Assert.True(T.IsNaN(TApi.ForwardBackward([], [], FocalReduction.Mean, [], 2, 0.25)), "fused mean of no elements is NaN");
        Assert.Equal(T.Zero, TApi.ForwardBackward([], [], FocalReduction.Normalized(3), [], 2, 0.25));
        TApi.Backward([], [], FocalReduction.Mean, T.One, [], 2, 0.25);
        TApi.Backward([], [], [], [], 2, 0.25);
        TApi.Forward([], [], [], 2, 0.25);
        TApi.ForwardBackward([], [], [], [], 2, 0.25);
    }

    private static (T Sum, T Mean, T Normalized, double Normalizer) Reduce<T, TApi>(FocalCase value)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TApi : IPrecision<T>
    {
        var x = FocalCase.As<T>(value.Logits);
        var y = FocalCase.As<T>(value.Targets);
        var normalizer = Reductions.NormalizerOf(value);
        return (TApi.Forward(x, y, FocalReduction.Sum, value.Gamma, value.Alpha),
                TApi.Forward(x, y, FocalReduction.Mean, value.Gamma, value.Alpha),
                TApi.Forward(x, y, FocalReduction.Normalized(normalizer), value.Gamma, value.Alpha),
                normalizer);
    }
}
