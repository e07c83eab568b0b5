using System.Numerics;
using FocalAot.Properties.Generators;
using FocalAot.Properties.Reference;
using FocalAot.Properties.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace FocalAot.Properties;

/// <summary>
/// γ = 0 with the α weighting off is binary cross-entropy with logits: loss = y softplus(-x) + (1 - y) softplus(x)
/// and gradient σ(x) - y; with α on, it is α_t times that.
/// </summary>
public sealed class CrossEntropyTests
{
    [Property(MaxTest = 100)]
    public Property Float_gamma_zero_without_alpha_is_cross_entropy() => Prop.ForAll(FocalCases.CrossEntropy, IsCrossEntropy<float>);

    [Property(MaxTest = 100)]
    public Property Double_gamma_zero_without_alpha_is_cross_entropy() => Prop.ForAll(FocalCases.CrossEntropy, IsCrossEntropy<double>);

    internal static void IsCrossEntropy<T>(FocalCase value)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Assert.Equal(0.0, value.Gamma);
        Assert.True(value.Alpha < 0);
        var x = FocalCase.As<T>(value.Logits);
        var y = FocalCase.As<T>(value.Targets);
        var losses = new T[value.Length];
        var gradient = new T[value.Length];
        SigmoidFocalLoss.ForwardBackward(x, y, losses, gradient, value.Options<T>());
        for (var i = 0; i < value.Length; i++)
        {
            var xi = double.CreateTruncating(x[i]);
            var yi = double.CreateTruncating(y[i]);
            var bce = FocalReference.CrossEntropy(xi, yi);
            var loss = double.CreateTruncating(losses[i]);
            Assert.True(Math.Abs(loss - bce) <= (Tolerances.Relative<T>() * bce) + Tolerances.AbsoluteFloor,
                $"loss[{i}] = {loss:R} but BCE({xi:R}, {yi:R}) = {bce:R}");

            // σ(x) - y can cancel for soft labels; the bound is relative to its parts (1 - y) σ(x) + y σ(-x).
            var slope = FocalReference.CrossEntropyGradient(xi, yi);
            var parts = ((1 - yi) * FocalReference.Sigmoid(xi)) + (yi * FocalReference.Sigmoid(-xi));
            var g = double.CreateTruncating(gradient[i]);
            Assert.True(Math.Abs(g - slope) <= (Tolerances.Relative<T>() * parts) + Tolerances.AbsoluteFloor,
                $"gradient[{i}] = {g:R} but σ(x) - y at ({xi:R}, {yi:R}) = {slope:R}");
        }
    }
}
