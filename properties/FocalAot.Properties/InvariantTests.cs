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
