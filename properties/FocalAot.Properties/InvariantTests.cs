using System.Numerics;
using FocalAot.Properties.Generators;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace FocalAot.Properties;

/// <summary>Invariants that need no reference: losses are ≥ 0, gradients of finite logits are finite and point the right way.</summary>
public sealed class InvariantTests
{
    [Property(MaxTest = 100)]
    public Property Float_losses_are_not_negative() => Prop.ForAll(FocalCases.Any, LossesAreNotNegative<float>);

    [Property(MaxTest = 100)]
    public Property Double_losses_are_not_negative() => Prop.ForAll(FocalCases.Any, LossesAreNotNegative<double>);

    [Property(MaxTest = 100)]
    public Property Float_gradients_of_finite_logits_are_finite() => Prop.ForAll(FocalCases.Finite, GradientsAreFinite<float>);

    [Property(MaxTest = 100)]
    public Property Double_gradients_of_finite_logits_are_finite() => Prop.ForAll(FocalCases.Finite, GradientsAreFinite<double>);

    /// <summary>
    /// x = -0 and x = +0 give the same bits. The kernels choose σ(±x) and the BCE's term by the sign bit of x, so -0
    /// takes the negative side, which agrees only because e = exp(-0) is exactly 1 (both sigmoids 1/2, both BCE forms l).
    /// Every kind of γ (BCE, below 1, built in, generic), hard and soft labels, with and without α, over full blocks.
    /// </summary>
    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(2.0)]
    [InlineData(2.2)]
    [InlineData(3.0)]
    public void Logits_of_minus_and_plus_zero_give_the_same_bits(double gamma)
    {
        ZeroSignIsIgnored<float>(gamma);
        ZeroSignIsIgnored<double>(gamma);
    }

    private static void ZeroSignIsIgnored<T>(double gamma)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        const int n = 1037;
        double[] labels = [0, 1, 0.3, 1, 0.75];
        var y = Enumerable.Range(0, n).Select(i => T.CreateTruncating(labels[i % labels.Length])).ToArray();
        var plusZero = Enumerable.Repeat(T.Zero, n).ToArray();
        var minusZero = Enumerable.Repeat(-T.Zero, n).ToArray();
        foreach (var alpha in new[] { 0.25, -1 })
        {
            var options = new FocalLossOptions<T> { Gamma = gamma, Alpha = alpha };
            var (lossesPlus, gradientPlus, lossesMinus, gradientMinus) = (new T[n], new T[n], new T[n], new T[n]);
            SigmoidFocalLoss.ForwardBackward(plusZero, y, lossesPlus, gradientPlus, options);
            SigmoidFocalLoss.ForwardBackward(minusZero, y, lossesMinus, gradientMinus, options);
            var what = $"{typeof(T).Name}, gamma = {gamma}, alpha = {alpha}, x = -0 against +0:";
            Bits.AssertIdentical<T>(lossesPlus, lossesMinus, $"{what} loss");
            Bits.AssertIdentical<T>(gradientPlus, gradientMinus, $"{what} gradient");
        }
    }

    internal static void LossesAreNotNegative<T>(FocalCase value)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var x = FocalCase.As<T>(value.Logits);
        var y = FocalCase.As<T>(value.Targets);
        var losses = new T[value.Length];
        SigmoidFocalLoss.Forward(x, y, losses, value.Options<T>());
        for (var i = 0; i < losses.Length; i++)
            Assert.True(losses[i] >= T.Zero, $"loss[{i}] = {losses[i]} at x = {x[i]}, y = {y[i]}");
        Assert.True(SigmoidFocalLoss.Forward(x, y, value.Options<T>(FocalReduction.Sum)) >= T.Zero, "sum of losses");
    }

    /// <summary>Finite for every γ ≥ 0 (γ &lt; 1 included) and every finite logit; for hard labels the sign is that of σ(x) - y.</summary>
    internal static void GradientsAreFinite<T>(FocalCase value)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var x = FocalCase.As<T>(value.Logits);
        var y = FocalCase.As<T>(value.Targets);
        var losses = new T[value.Length];
        var gradient = new T[value.Length];
        SigmoidFocalLoss.ForwardBackward(x, y, losses, gradient, value.Options<T>());
        for (var i = 0; i < gradient.Length; i++)
        {
            Assert.True(T.IsFinite(gradient[i]), $"gradient[{i}] = {gradient[i]} at x = {x[i]}, y = {y[i]}, gamma = {value.Gamma}");
            Assert.True(T.IsFinite(losses[i]), $"loss[{i}] = {losses[i]} at x = {x[i]}, y = {y[i]}, gamma = {value.Gamma}");
            if (y[i] == T.One)
                Assert.True(gradient[i] <= T.Zero, $"gradient[{i}] = {gradient[i]} > 0 for a positive target at x = {x[i]}");
            else if (y[i] == T.Zero)
                Assert.True(gradient[i] >= T.Zero, $"gradient[{i}] = {gradient[i]} < 0 for a negative target at x = {x[i]}");
        }
    }
}
