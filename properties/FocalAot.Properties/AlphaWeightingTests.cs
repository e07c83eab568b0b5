using System.Numerics;
using FocalAot.Properties.Generators;
using FocalAot.Properties.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace FocalAot.Properties;

/// <summary>α &lt; 0 switches the weighting off (every negative α gives the same bits), and α = 0.5 halves the unweighted result.</summary>
public sealed class AlphaWeightingTests
{
    private static readonly double[] NegativeAlphas = [-0.5, -1e-300, -2, double.NegativeInfinity];

    [Property(MaxTest = 50)]
    public Property Float_every_negative_alpha_means_no_weighting() => Prop.ForAll(FocalCases.Any, NegativeAlphasAgree<float>);

    [Property(MaxTest = 50)]
    public Property Double_every_negative_alpha_means_no_weighting() => Prop.ForAll(FocalCases.Any, NegativeAlphasAgree<double>);

    [Property(MaxTest = 50)]
    public Property Float_alpha_one_half_halves_the_unweighted_result() => Prop.ForAll(FocalCases.Any, HalfAlphaHalves<float>);

    [Property(MaxTest = 50)]
    public Property Double_alpha_one_half_halves_the_unweighted_result() => Prop.ForAll(FocalCases.Any, HalfAlphaHalves<double>);

    internal static void NegativeAlphasAgree<T>(FocalCase value)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var (losses, gradient) = Run<T>(value, -1);
        foreach (var alpha in NegativeAlphas)
        {
            var (otherLosses, otherGradient) = Run<T>(value, alpha);
            Bits.AssertSame<T>(losses, otherLosses, $"loss with alpha {alpha} vs -1");
            Bits.AssertSame<T>(gradient, otherGradient, $"gradient with alpha {alpha} vs -1");
        }
    }

    /// <summary>
    /// α_t = 0.5 for every target, so each result is half the unweighted one. Both are within the promised bound of
    /// their references (which differ by exactly 2), so they agree within twice that bound (plus the 1e-30 floor).
    /// </summary>
    internal static void HalfAlphaHalves<T>(FocalCase value)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var (losses, gradient) = Run<T>(value, -1);
        var (halfLosses, halfGradient) = Run<T>(value, 0.5);
        for (var i = 0; i < value.Length; i++)
        {
            AssertHalf(double.CreateTruncating(losses[i]), double.CreateTruncating(halfLosses[i]), Tolerances.Relative<T>(), $"loss[{i}]");
            if (value.Targets[i] is 0 or 1)  // soft-label gradients are bounded relative to their parts, not to themselves
            {
                AssertHalf(double.CreateTruncating(gradient[i]), double.CreateTruncating(halfGradient[i]), Tolerances.Relative<T>(),
                    $"gradient[{i}]");
            }
        }
    }

    private static void AssertHalf(double unweighted, double half, double relative, string what)
    {
        var expected = unweighted / 2;
        if (double.IsNaN(expected) || double.IsInfinity(expected))
        {
            Assert.True(expected.Equals(half), $"{what} with alpha 0.5 = {half:R}, unweighted {unweighted:R}");
            return;
        }

        Assert.True(Math.Abs(half - expected) <= (2 * relative * Math.Abs(expected)) + Tolerances.AbsoluteFloor,
            $"{what} with alpha 0.5 = {half:R}, but half the unweighted is {expected:R}");
    }

    private static (T[] Losses, T[] Gradient) Run<T>(FocalCase value, double alpha)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var x = FocalCase.As<T>(value.Logits);
        var y = FocalCase.As<T>(value.Targets);
        var losses = new T[value.Length];
        var gradient = new T[value.Length];
        SigmoidFocalLoss.ForwardBackward(x, y, losses, gradient, new() { Gamma = value.Gamma, Alpha = alpha });
        return (losses, gradient);
    }
}
